"""Settings of `make bench` and the load test: Parkland's own, with debug off, against the bench
database, plus the bench's reference views (`bench_urls`). Nothing here is used by the application."""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "parkland-bench-only-not-a-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parkland_bench")
_VAR = Path(__file__).resolve().parent.parent / "var" / "bench"
os.environ.setdefault("PARKLAND_EVIDENCE_ROOT", str(_VAR / "evidence"))
os.environ.setdefault("DJANGO_STATIC_ROOT", str(_VAR / "static"))
# Plain HTTP on 127.0.0.1: no HTTPS redirect, cookies usable without TLS.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from parkland.settings import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench_urls"
# A load test signs its users in many times from one address: no lockout there.
AXES_ENABLED = os.environ.get("BENCH_AXES", "0") == "1"

"""gunicorn's settings for Parkland, read by `gunicorn parkland.wsgi` started from the repository root
(or with `-c /srv/parkland/gunicorn.conf.py`). Each can be changed from the environment, and the
command line overrides them all (`--bind`, `--workers` …).

- Workers: 2 × cores + 1 processes (GUNICORN_WORKERS), each with GUNICORN_THREADS threads (2): the
  gthread worker keeps a browser's connection open between requests (keepalive) and lets a second
  request run while the first waits for PostgreSQL.
- Database connections persist (DJANGO_DB_CONN_MAX_AGE, 60 s here unless set): a request no longer
  opens and closes its own connection.
- The application is loaded once, before the workers are forked (preload_app), with its templates
  compiled, its catalogues read and its URLs resolved, and its objects are then frozen out of the
  garbage collector's reach (gc.freeze): the workers share those memory pages, no worker pays for a
  first request, and a collection no longer walks the whole of Django every few thousand
  allocations.
- A worker is replaced after about GUNICORN_MAX_REQUESTS requests (2,000), so memory cannot creep.
"""

import gc
import multiprocessing
import os
from pathlib import Path

os.environ.setdefault("DJANGO_DB_CONN_MAX_AGE", "60")

wsgi_app = "parkland.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def when_ready(server):
    """In the master, once the application is loaded and before any worker is forked: what every
    worker would otherwise do on its first requests is done once here and shared."""
    warm_up()
    gc.collect()
    gc.freeze()


def warm_up() -> None:
    """The site's templates compiled, both languages' catalogues read and the URLs resolved. Nothing
    here opens a database connection, which a forked worker must not share."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import reverse
    from django.utils import translation

    engine = engines["django"]
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            try:
                engine.get_template(path.relative_to(directory).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse("case-list")

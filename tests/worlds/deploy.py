"""The deployment examples of deploy/ made runnable in a test's own folder: the nginx site with its
paths, ports and certificate put where the test wants them, and a running nginx in front of a server."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
DEPLOY = REPOSITORY / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-keyout", str(key), "-out", str(certificate)),
            *("-days", "1", "-subj", "/CN=localhost"),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx/parkland.conf no longer says {old!r}"
    return text.replace(old, new)


def nginx_config(
    folder: Path,
    *,
    upstream: str,
    evidence: Path,
    private: Path,
    static: Path,
    http_port: int,
    https_port: int,
) -> Path:
    """A main nginx.conf in `folder` that includes deploy/nginx/parkland.conf, changed only in its
    addresses, paths and certificate; returns its path."""
    certificate, key = self_signed_certificate(folder)
    site = (DEPLOY / "nginx" / "parkland.conf").read_text(encoding="utf-8")
    for old, new in [
        ("listen [::]:80;\n", ""),
        ("listen [::]:443 ssl http2;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("server 127.0.0.1:8000 ", f"server {upstream} "),
        ("/srv/parkland/staticfiles/", f"{static}/"),
        ("/srv/parkland/evidence/", f"{evidence}/"),
        ("/srv/parkland/private/", f"{private}/"),
        ("/etc/ssl/parkland/fullchain.pem", str(certificate)),
        ("/etc/ssl/parkland/privkey.pem", str(key)),
    ]:
        site = _replace(site, old, new)
    (folder / "parkland.conf").write_text(site, encoding="utf-8")
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    # As root, nginx's workers would run as nobody, who cannot enter a test's private folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/parkland.conf;
}}
""",
        encoding="utf-8",
    )
    return main


def nginx_test(config: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on the generated configuration."""
    return subprocess.run(
        [NGINX, "-t", "-c", str(config), "-p", str(config.parent), "-e", str(config.parent / "test.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )


@contextmanager
def running_nginx(config: Path, port: int):
    """nginx serving `config` until the block ends."""
    process = subprocess.Popen(
        [
            *(NGINX, "-c", str(config), "-p", str(config.parent)),
            *("-e", str(config.parent / "start.log"), "-g", "daemon off;"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {process.stderr.read().decode()}") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=15)


def wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.2)


ONE_WORKER = ("--workers", "1", "--threads", "2")


@contextmanager
def app_server(port: int, environment: dict, log: Path, options: tuple = ONE_WORKER):
    """gunicorn with the repository's gunicorn.conf.py on 127.0.0.1:`port` (one worker of two threads
    unless `options` say otherwise)."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                *(str(REPOSITORY / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py"),
                *("--bind", f"127.0.0.1:{port}", *options),
            ],
            cwd=REPOSITORY,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, f"gunicorn on port {port} (log: {log})")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def job_worker(environment: dict, log: Path):
    """A Celery worker of the jobs (one process) reading the queue of the environment's broker."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                *(str(REPOSITORY / ".venv" / "bin" / "celery"), "--app", "parkland", "worker"),
                *("--pool", "solo", "--loglevel", "INFO", "--without-heartbeat", "--without-gossip"),
            ],
            cwd=REPOSITORY,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)

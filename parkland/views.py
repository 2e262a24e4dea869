"""Project-wide views: the error pages and the load balancer's health check."""

import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .middleware import HostileInput

logger = logging.getLogger(__name__)


# Error pages ---------------------------------------------------------------------------------------


def bad_request(request, exception=None, template_name="400.html"):
    """400 in the site's layout; a reason only where Parkland raised it on purpose (HostileInput)."""
    reason = exception.args[0] if isinstance(exception, HostileInput) else ""
    return render(request, template_name, {"reason": reason}, status=400)


def csrf_failure(request, reason=""):
    """The form's security token was missing or stale: say how to recover, never Django's debug text."""
    return render(request, "403_csrf.html", status=403)


def server_error(request, template_name="500.html"):
    """500 without the request's user or database: in the visitor's language, on a minimal layout."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request is not None else None
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            html = loader.get_template(template_name).render({})
    except Exception:  # the page must come out whatever else is broken
        logger.exception("The 500 page could not be rendered")
        html = (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>服务器错误 Server error</title>'
            "<h1>服务器出错了 · Something went wrong on the server</h1>"
            '<p><a href="/">返回工作台 · Back to the dashboard</a></p></html>'
        )
    return HttpResponseServerError(html)


# The browser's icon ----------------------------------------------------------------------------------


@login_not_required
@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on their own: a redirect to the icon, no page and no cookie.

    The icon's address is looked up when asked for, since the static files' manifest may not
    exist yet when the URLs are loaded (migrations, checks).
    """
    return HttpResponsePermanentRedirect(static("parkland/favicon.svg"))


# Health check ---------------------------------------------------------------------------------------


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("SELECT 1 did not return 1")


def _storage() -> None:
    """A file can be written to, read from and deleted from the evidence and private storages
    (a shared folder or a bucket: docs/deploy.md)."""
    for alias in ("evidence", "private"):
        storage = storages[alias]
        name = storage.save(f".healthz-{uuid.uuid4().hex}", ContentFile(b"ok"))
        try:
            with storage.open(name, "rb") as handle:
                if handle.read() != b"ok":
                    raise RuntimeError(f"the {alias} storage gave back other bytes")
        finally:
            storage.delete(name)


def _cache() -> None:
    """The cache (Redis where DJANGO_CACHE_URL names it) keeps a value."""
    key = f"healthz-{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not keep a value")
    finally:
        cache.delete(key)


def _migrations() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("unapplied migrations")


CHECKS = {"database": _database, "storage": _storage, "cache": _cache, "migrations": _migrations}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 {"status": "ok"} when every check passes, else 503 naming the failed ones; no data."""
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Health check %s failed", name)
            checks[name] = "failed"
        else:
            checks[name] = "ok"
    failed = [name for name, state in checks.items() if state != "ok"]
    if failed:
        return JsonResponse({"status": "failed", "failed": failed, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})

"""An uploaded ledger waiting between its dry run and its import.

The file waits in a private folder (PARKLAND_LEDGER_UPLOAD_DIR) under a random token kept in the
uploader's session, beside a record of its check (who, the park, the state, the report); no URL
serves it. It is deleted once imported, and anything left waiting for more than a day is swept.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

SESSION_KEY = "ledger_import"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
KEEP_SECONDS = 24 * 60 * 60


def folder() -> Path:
    path = Path(settings.PARKLAND_LEDGER_UPLOAD_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def paths(token: str) -> tuple[Path, Path]:
    """The waiting file and its record; a token of another shape is refused (ValueError)."""
    if not TOKEN.fullmatch(token or ""):
        raise ValueError("not a ledger upload token")
    where = folder()
    return where / f"{token}.upload", where / f"{token}.json"


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def forget(token: str | None) -> None:
    """Delete a waiting file and its record."""
    if not token:
        return
    try:
        for path in paths(token):
            path.unlink(missing_ok=True)
    except ValueError:
        pass


def sweep() -> None:
    """Delete what was left waiting for more than a day."""
    limit = time.time() - KEEP_SECONDS
    for path in folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def stage(request, data: bytes | None, meta: dict) -> str:
    """Keep `data` (None: only the record) waiting under a new token for this session, in place of
    the session's earlier file; sweeps what is older than a day."""
    sweep()
    forget(request.session.get(SESSION_KEY))
    token = secrets.token_urlsafe(32)
    if data is not None:
        _write_private(paths(token)[0], data)
    save_meta(token, meta)
    request.session[SESSION_KEY] = token
    return token


def pending(request) -> tuple[str | None, dict | None]:
    """The token and the record of this session's last checked or imported file, if it is still here."""
    token = request.session.get(SESSION_KEY)
    try:
        _upload, meta_path = paths(token)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, OSError, json.JSONDecodeError):
        return None, None
    if meta.get("user") != request.user.pk:
        return None, None
    return token, meta


def save_meta(token: str, meta: dict) -> None:
    _write_private(paths(token)[1], json.dumps(meta, ensure_ascii=False).encode("utf-8"))


def upload_path(token: str) -> Path:
    """Where the file of `token` waits (it may be gone)."""
    return paths(token)[0]

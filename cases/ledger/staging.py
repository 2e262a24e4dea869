"""An uploaded ledger waiting between its dry run and its import.

The file waits in the private storage (STORAGES["private"]: the servers' shared folder or the
bucket, so the dry run and the confirmation may reach different app servers) under a random token
kept in the uploader's session, beside a record of its check (who, the park, the state, the report);
no URL serves it. It is deleted once imported, and anything left waiting for more than a day is swept.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

SESSION_KEY = "ledger_import"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
FOLDER = "ledger-uploads"
KEEP = timedelta(days=1)


def storage() -> Storage:
    return storages["private"]


def names(token: str) -> tuple[str, str]:
    """The storage names of the waiting file and its record; a token of another shape is refused."""
    if not TOKEN.fullmatch(token or ""):
        raise ValueError("not a ledger upload token")
    return f"{FOLDER}/{token}.upload", f"{FOLDER}/{token}.json"


def _put(name: str, data: bytes) -> None:
    """`data` under exactly `name`, replacing what was there (a storage would otherwise rename it)."""
    store = storage()
    store.delete(name)
    saved = store.save(name, ContentFile(data))
    if saved != name:  # another server wrote the same name in between: keep one, under its name
        store.delete(saved)
        raise FileExistsError(name)


def forget(token: str | None) -> None:
    """Delete a waiting file and its record."""
    if not token:
        return
    try:
        for name in names(token):
            storage().delete(name)
    except ValueError:
        pass


def sweep() -> None:
    """Delete what was left waiting for more than a day."""
    store = storage()
    limit = timezone.now() - KEEP
    try:
        _folders, files = store.listdir(FOLDER)
    except FileNotFoundError:
        return
    for file_name in files:
        name = f"{FOLDER}/{file_name}"
        try:
            if store.get_modified_time(name) < limit:
                store.delete(name)
        except (FileNotFoundError, OSError):
            continue


def stage(request, data: bytes | None, meta: dict, *, session_key: str = SESSION_KEY) -> str:
    """Keep `data` (None: only the record) waiting under a new token for this session, in place of
    the session's earlier file; sweeps what is older than a day. Each kind of import (the ledger,
    boundaries) keeps its own file under its own `session_key`."""
    sweep()
    forget(request.session.get(session_key))
    token = secrets.token_urlsafe(32)
    if data is not None:
        _put(names(token)[0], data)
    save_meta(token, meta)
    request.session[session_key] = token
    return token


def pending(request, *, session_key: str = SESSION_KEY) -> tuple[str | None, dict | None]:
    """The token and the record of this session's last checked or imported file, if it is still here."""
    token = request.session.get(session_key)
    try:
        with storage().open(names(token)[1], "rb") as handle:
            meta = json.loads(handle.read().decode("utf-8"))
    except (ValueError, OSError, json.JSONDecodeError):
        return None, None
    if meta.get("user") != request.user.pk:
        return None, None
    return token, meta


def save_meta(token: str, meta: dict) -> None:
    _put(names(token)[1], json.dumps(meta, ensure_ascii=False).encode("utf-8"))


def has_upload(token: str) -> bool:
    """Whether the file of `token` still waits."""
    return storage().exists(names(token)[0])


def read_upload(token: str) -> bytes | None:
    """The waiting file's bytes, or None when it is gone."""
    try:
        with storage().open(names(token)[0], "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def discard_upload(token: str) -> None:
    """Delete the waiting file once imported; its record stays for the report."""
    storage().delete(names(token)[0])

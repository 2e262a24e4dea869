"""Figures that read every case in scope, kept in the cache until the rows behind them change.

The monthly report's figures and the dashboard's rate each scan the register of every park in
scope. They are kept in Django's cache under the data version (`DataVersion`): a request reads the
version first, then the figures kept for it, and computes them only when none are. Every write to
the rows the figures come from moves the version on once its transaction has committed, so:

- a reader that read the old version before the commit may keep figures of either state under the
  old version, which no one reads after the move;
- a reader that read the new version reads data at least as new, as the move follows the commit.

Writes through `save()` and `delete()` move it by signal (`connect`). Writes that send no signal
(`bulk_create`, `bulk_update`, `QuerySet.update`, COPY) call `data_changed` themselves: the ledger
import and generate_city do, and `migrate` does after every run. A request whose own transaction has
written and not yet committed computes its figures afresh and keeps nothing.
"""

import hashlib
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

from .models import (
    DataVersion,
    DisposalCase,
    DisposalTarget,
    Enterprise,
    LandParcel,
    MonthClose,
    Park,
    RevitalisationMeasure,
)

# Rows whose writes can change a figure, a label or a link of the report, the dashboard or a list's totals.
SOURCES = (DisposalCase, LandParcel, Enterprise, Park, DisposalTarget, MonthClose, RevitalisationMeasure)
# Part of every key: raised when the shape of what is kept changes, so older entries are not read.
GENERATION = 1


class _MoveOn:
    """The after-commit callback of one transaction: moves the version on once, however many writes."""

    def __init__(self, using: str) -> None:
        self.using = using

    def __call__(self) -> None:
        DataVersion.objects.using(self.using).move_on()
        _request_version.forget(self.using)  # what this request reads next is of the new version


def _pending(using: str) -> _MoveOn | None:
    for _savepoints, callback, _robust in connections[using].run_on_commit:
        if isinstance(callback, _MoveOn):
            return callback
    return None


def data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Moves the data version on after the current transaction commits (at once outside one)."""
    connection = connections[using]
    if connection.in_atomic_block and _pending(using) is not None:
        return
    transaction.on_commit(_MoveOn(using), using=using)


class _RequestVersion(threading.local):
    """The data version as first read in the current request: every figure of a page is of one version."""

    active = False
    read: dict

    def start(self, **kwargs) -> None:
        self.active, self.read = True, {}

    def finish(self, **kwargs) -> None:
        self.active, self.read = False, {}

    def forget(self, using: str) -> None:
        if self.active:
            self.read.pop(using, None)


_request_version = _RequestVersion()


def _version(using: str) -> tuple[str, int]:
    if not _request_version.active:
        return DataVersion.objects.using(using).current()
    if using not in _request_version.read:
        _request_version.read[using] = DataVersion.objects.using(using).current()
    return _request_version.read[using]


def read_in_request(using: str, version: tuple[str, int]) -> None:
    """Takes `version`, read with other rows at the start of a request (`scoping.signed_in_user`),
    as this request's data version, unless one was read already."""
    if _request_version.active and using not in _request_version.read:
        _request_version.read[using] = version


def kept_key(name: str, parts: Iterable[Any], *, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The cache key of `name` and `parts` at the current data version; None while this
    transaction's own writes are uncommitted, as they are in no kept figures."""
    if connections[using].in_atomic_block and _pending(using) is not None:
        return None
    epoch, counter = _version(using)
    named = hashlib.sha256(repr(tuple(parts)).encode()).hexdigest()[:32]  # any text, a safe key
    return f"figures:{GENERATION}:{name}:{epoch}:{counter}:{named}"


def cached(name: str, parts: Iterable[Any], compute: Callable[[], Any], *, using: str = DEFAULT_DB_ALIAS):
    """`compute()`, kept under `name`, `parts` and the data version for PARKLAND_FIGURES_CACHE_SECONDS."""
    key = kept_key(name, parts, using=using)
    if key is None:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PARKLAND_FIGURES_CACHE_SECONDS)
    return value


def fragment(name: str, parts: Iterable[Any]) -> dict:
    """For a template's `{% cache fragment.seconds name fragment.key %}` around what shows kept
    figures: 0 seconds (nothing kept, nothing read) while this transaction's writes are uncommitted."""
    key = kept_key(name, parts)
    if key is None:
        return {"seconds": 0, "key": "uncommitted"}
    return {"seconds": settings.PARKLAND_FIGURES_CACHE_SECONDS, "key": key}


class KeptFragments:
    """Parts of a page as drawn, kept under `key` (a `kept_key`; None while this transaction's writes
    are uncommitted) with the data version and read in one call: `found` holds what the cache had,
    `complete` whether it had every part. The template's `{% keep name %}` writes a part found, or
    draws it and keeps it (`keep`)."""

    def __init__(self, key: str | None, *, names: Iterable[str]) -> None:
        self.keys = {} if key is None else {name: f"{key}:{name}" for name in names}
        found = cache.get_many(list(self.keys.values())) if self.keys else {}
        self.found = {name: found[k] for name, k in self.keys.items() if k in found}
        self.complete = bool(self.keys) and len(self.found) == len(self.keys)

    def keep(self, name: str, text: str) -> None:
        if name in self.keys:
            cache.set(self.keys[name], text, settings.PARKLAND_FIGURES_CACHE_SECONDS)


def _saved(sender, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    data_changed(using)


def _migrated(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if sender.name == "cases":
        data_changed(using)


def connect() -> None:
    for model in SOURCES:
        uid = f"figures-{model._meta.model_name}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"{uid}-deleted")
    post_migrate.connect(_migrated, dispatch_uid="figures-migrated")
    request_started.connect(_request_version.start, dispatch_uid="figures-request-started")
    request_finished.connect(_request_version.finish, dispatch_uid="figures-request-finished")

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

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

from .models import DataVersion, DisposalCase, DisposalTarget, Enterprise, LandParcel, MonthClose, Park

# Rows whose writes can change a figure, a label or a link of the report or the dashboard's rate.
SOURCES = (DisposalCase, LandParcel, Enterprise, Park, DisposalTarget, MonthClose)
# Part of every key: raised when the shape of what is kept changes, so older entries are not read.
GENERATION = 1


class _MoveOn:
    """The after-commit callback of one transaction: moves the version on once, however many writes."""

    def __init__(self, using: str) -> None:
        self.using = using

    def __call__(self) -> None:
        DataVersion.objects.using(self.using).move_on()


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


def cached(name: str, parts: Iterable[Any], compute: Callable[[], Any], *, using: str = DEFAULT_DB_ALIAS):
    """`compute()`, kept under `name`, `parts` and the data version for PARKLAND_FIGURES_CACHE_SECONDS."""
    if connections[using].in_atomic_block and _pending(using) is not None:
        return compute()  # this transaction's own writes are not in any kept figures
    epoch, counter = DataVersion.objects.using(using).current()
    key = ":".join(["figures", str(GENERATION), name, epoch, str(counter), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PARKLAND_FIGURES_CACHE_SECONDS)
    return value


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

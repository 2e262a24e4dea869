"""One counter that moves on whenever the rows behind the disposal-rate figures change.

Figures that read every case in scope (the monthly report's, the dashboard's rate) are kept in the
cache under this counter (`cases/figures.py`): a page reads the counter, then the figures of that
counter, and computes them only when none are kept. `epoch` is drawn when the row is first written
and again whenever the database is put back from a copy (`begin_epoch`): a restored database holds
an older counter, which the cache may already know from other data, so a cache shared with another
database (or with this one before its restore) never answers for it.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parkland.plainsql import select_instances


class DataVersionQuerySet(models.QuerySet):
    def current(self) -> tuple[str, int]:
        """(epoch, counter), creating the row on first use."""
        # Read by every page that keeps figures: in plain SQL (parkland/plainsql.py), as the ORM would.
        rows = select_instances(self.model, alias="v", tail="WHERE v.id = 1", params=(), using=self.db)
        if not rows:
            self.bulk_create([self.model(pk=1)], ignore_conflicts=True)
            return self.current()
        ((version,),) = rows
        return str(version.epoch), version.counter

    def begin_epoch(self) -> None:
        """Draws a new epoch (after a restore): nothing kept before answers for this database."""
        if not self.filter(pk=1).update(epoch=uuid.uuid4(), counter=0):
            self.bulk_create([self.model(pk=1)], ignore_conflicts=True)

    def move_on(self) -> None:
        """Moves the counter on (creating the row on first use); kept figures no longer answer."""
        if not self.filter(pk=1).update(counter=F("counter") + 1):
            self.bulk_create([self.model(pk=1, counter=1)], ignore_conflicts=True)


class DataVersion(models.Model):
    """The one row (pk 1) of the figures' data version."""

    epoch = models.UUIDField(default=uuid.uuid4, editable=False)
    counter = models.BigIntegerField(default=0)

    objects = DataVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("data version")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="data_version_single_row"),
            models.CheckConstraint(condition=Q(counter__gte=0), name="data_version_counter_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.epoch}:{self.counter}"

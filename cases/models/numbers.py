"""Case numbers (案件编号): `{park}-{year}-{seq:03d}`, handed out once per park and year and never reused."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from ..bounds import MAX_CASE_SEQUENCE
from ..validators import case_number_parts
from .parks import Park


def format_case_number(park_code: str, year: int, seq: int) -> str:
    """The number of a park's `seq`-th case of `year`, such as XQ-2023-007."""
    return f"{park_code}-{year}-{seq:03d}"


class CaseNumberSequenceQuerySet(models.QuerySet):
    def take_next(self, *, park: Park, year: int) -> int:
        """The next sequence number of a park's year; the row lock serialises concurrent callers."""
        with transaction.atomic():
            sequence, _created = self.select_for_update().get_or_create(park=park, year=year)
            sequence.last_number += 1
            sequence.save(update_fields=["last_number"])
            return sequence.last_number

    def take_block(self, *, park: Park, year: int, count: int) -> int:
        """The first of `count` consecutive sequence numbers of a park's year, all taken at once."""
        with transaction.atomic():
            sequence, _created = self.select_for_update().get_or_create(park=park, year=year)
            first = sequence.last_number + 1
            sequence.last_number += count
            sequence.save(update_fields=["last_number"])
            return first

    def note_used(self, *, park: Park, year: int, number: int) -> None:
        """Record a number given from outside (an imported ledger) so it is never handed out again."""
        with transaction.atomic():
            sequence, _created = self.select_for_update().get_or_create(park=park, year=year)
            if sequence.last_number < number:
                sequence.last_number = number
                sequence.save(update_fields=["last_number"])


class CaseNumberSequence(models.Model):
    """The last case number handed out for a park and year; numbers are never reused."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    objects = CaseNumberSequenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "year"], name="%(app_label)s_%(class)s_one_per_park_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park.code}-{self.year}: {self.last_number}"


def parse_case_number(number: str) -> tuple[str, int, int] | None:
    """(park code, year, sequence) of a well-formed case number such as XQ-2023-007, else None.

    Well-formed: `{park}-{year}-{seq:03d}` with a sequence from 1 to MAX_CASE_SEQUENCE, so a number
    brought in from a ledger never overflows the sequence it is noted in (`validate_case_number`
    says what is wrong with one that is not).
    """
    parts = case_number_parts(number)
    if parts is None or parts[2] > MAX_CASE_SEQUENCE:
        return None
    return parts

"""Pieces every Parkland model uses: units and the database form of a choice list."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q

# 1 亩 = 10000/15 m², kept exact; 666.67 is only how it is displayed.
M2_PER_MU = Decimal(10000) / Decimal(15)

AREA = {"max_digits": 14, "decimal_places": 2}
MONEY = {"max_digits": 14, "decimal_places": 2}
RATIO = {"max_digits": 6, "decimal_places": 2}
CENT = Decimal("0.01")


def m2_to_mu(area_m2: Decimal | None) -> Decimal | None:
    """Area in 亩, exact to four places, from square metres."""
    if area_m2 is None:
        return None
    return (Decimal(area_m2) / M2_PER_MU).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def per_mu(amount: Decimal | None, area_m2: Decimal | None) -> Decimal | None:
    """An amount per 亩 of the given area (万元/亩), to two places; None when either is unknown."""
    if amount is None or not area_m2:
        return None
    value = Decimal(amount) * M2_PER_MU / Decimal(area_m2)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def choice_constraint(field: str, choices: type[models.Choices], *, blank: bool = False):
    """A CHECK that keeps `field` within its choices, so no other write path can store a stray code."""
    condition = Q(**{f"{field}__in": choices.values})
    if blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=f"%(app_label)s_%(class)s_{field}_valid")

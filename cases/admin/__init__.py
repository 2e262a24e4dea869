"""The Django admin, scoped like the staff UI: a user sees and picks only their parks' rows.

One module per topic, like `models/` and `views/`; importing them registers every model.
"""

from . import cases, deadlines, evidence, land, parks, reporting, revitalisation, tokens
from .base import ParkListFilter, ParkScopedMixin, ScopedAdmin, ScopedInline

__all__ = [
    "ParkListFilter",
    "ParkScopedMixin",
    "ScopedAdmin",
    "ScopedInline",
    "cases",
    "deadlines",
    "evidence",
    "land",
    "parks",
    "reporting",
    "revitalisation",
    "tokens",
]

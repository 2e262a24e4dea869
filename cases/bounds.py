"""Plausible values: the ranges every date, area, amount, rate and term must lie in.

Each bound is defined here once, as a default that a Django setting of the same name overrides
(read when a value is checked, so no migration records it). The validators in `cases.validators`
apply them on the model fields, and through those the forms, the admin, the ledger import and the
commands.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Nothing a land office records happened before the People's Republic was founded.
EARLIEST_DATE = date(1949, 10, 1)
# A planned date (agreed start or completion, target, deadline) lies at most this many years ahead.
PLANNED_YEARS_AHEAD = 20
# The largest parcel: 10 km², far more than any industrial parcel of a park.
MAX_AREA_M2 = Decimal("10000000")
# The largest plot ratio (容积率); industrial land is usually below 4, towers rarely reach 10.
MAX_PLOT_RATIO = Decimal("20")
# The largest amount of money, in 10k yuan (万元): 1,000 亿元.
MAX_MONEY_WAN = Decimal("10000000")
# The highest interest rate, % a year: the upper limit courts have protected for lending (24 %).
MAX_INTEREST_RATE_PCT = Decimal("24")
# The longest term, in months: 50 years, the longest grant of industrial land.
MAX_TERM_MONTHS = 600
# The highest sequence number of a case number in one park and year ({park}-{year}-{seq:03d}).
MAX_CASE_SEQUENCE = 9999

DEFAULTS = {
    "PARKLAND_EARLIEST_DATE": EARLIEST_DATE,
    "PARKLAND_PLANNED_YEARS_AHEAD": PLANNED_YEARS_AHEAD,
    "PARKLAND_MAX_AREA_M2": MAX_AREA_M2,
    "PARKLAND_MAX_PLOT_RATIO": MAX_PLOT_RATIO,
    "PARKLAND_MAX_MONEY_WAN": MAX_MONEY_WAN,
    "PARKLAND_MAX_INTEREST_RATE_PCT": MAX_INTEREST_RATE_PCT,
    "PARKLAND_MAX_TERM_MONTHS": MAX_TERM_MONTHS,
}


def setting(name: str):
    """The bound in force: the Django setting `name` if set, else its default above."""
    return getattr(settings, name, DEFAULTS[name])


def earliest_date() -> date:
    return setting("PARKLAND_EARLIEST_DATE")


def today() -> date:
    """Today in the park's time zone (Asia/Shanghai), at the moment a value is checked."""
    return timezone.localdate()


def latest_planned_date() -> date:
    """Today, the allowed number of years ahead (28 February for a 29 February)."""
    day, years = today(), setting("PARKLAND_PLANNED_YEARS_AHEAD")
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class NumberRange:
    """The lowest and highest plausible value of one kind of figure, and the message beyond them."""

    low: Decimal
    high: Decimal
    message: Promise
    grouped: bool = True  # thousands separated in messages; not a year or a month


# The field's label says the unit of the value (“面积（平方米）”); the range says it again.
_OUTSIDE = _("%(field)s %(value)s is outside the allowed range (%(low)s to %(high)s).")
_OUTSIDE_M2 = _("%(field)s %(value)s is outside the allowed range (%(low)s to %(high)s m²).")
_OUTSIDE_WAN = _("%(field)s %(value)s is outside the allowed range (%(low)s to %(high)s, in 10k yuan).")
_OUTSIDE_WAN_PER_MU = _("%(field)s %(value)s is outside the allowed range (%(low)s to %(high)s 10k yuan/mu).")
_OUTSIDE_PCT = _("%(field)s %(value)s is outside the allowed range (%(low)s%% to %(high)s%%).")
_OUTSIDE_INTEREST = _(
    "%(field)s %(value)s is outside the allowed range (%(low)s%% to %(high)s%% a year; "
    "%(high)s%% is the highest lending rate the courts have protected)."
)
_OUTSIDE_MONTHS = _("%(field)s %(value)s is outside the allowed range (%(low)s to %(high)s months).")


def _ranges() -> dict[str, NumberRange]:
    area, money = setting("PARKLAND_MAX_AREA_M2"), setting("PARKLAND_MAX_MONEY_WAN")
    plot_ratio = setting("PARKLAND_MAX_PLOT_RATIO")
    zero, cent, hundred = Decimal(0), Decimal("0.01"), Decimal(100)
    return {
        # Parcel, case, disposed and wanted areas: above 0, at most the largest parcel.
        "area": NumberRange(cent, area, _OUTSIDE_M2),
        # Floor area of the buildings: at most the largest parcel built to the highest plot ratio.
        "building_area": NumberRange(zero, area * plot_ratio, _OUTSIDE_M2),
        "plot_ratio": NumberRange(zero, plot_ratio, _OUTSIDE),
        "money": NumberRange(zero, money, _OUTSIDE_WAN),
        "money_per_mu": NumberRange(zero, money, _OUTSIDE_WAN_PER_MU),
        "percentage": NumberRange(zero, hundred, _OUTSIDE_PCT),
        "interest_rate": NumberRange(zero, setting("PARKLAND_MAX_INTEREST_RATE_PCT"), _OUTSIDE_INTEREST),
        "term_months": NumberRange(Decimal(1), Decimal(setting("PARKLAND_MAX_TERM_MONTHS")), _OUTSIDE_MONTHS),
        # The years and months of targets and month-end closes (their CHECK constraints say the same).
        "year": NumberRange(Decimal(2000), Decimal(2100), _OUTSIDE, grouped=False),
        "month": NumberRange(Decimal(1), Decimal(12), _OUTSIDE, grouped=False),
    }


def number_kinds() -> tuple[str, ...]:
    return tuple(_ranges())


def number_range(kind: str) -> NumberRange:
    """The plausible range of a kind of figure (one of `number_kinds()`), with the settings in force."""
    return _ranges()[kind]

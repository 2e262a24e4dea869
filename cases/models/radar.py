"""The radar's rules beside the parcels' suspects (LandParcelQuerySet): stalled cases and the
thresholds a suspected low-efficiency parcel misses."""

from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_STATUSES
from .events import CaseEvent


def stalled_cases(cases, today: date, days: int):
    """Open cases with no timeline event (nor opening) for `days` days, quietest first.

    Each case's last event is read off the events' index by case and date (a subquery per case),
    rather than by grouping every event of every open case."""
    last_event = (
        CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-occurred_on").values("occurred_on")[:1]
    )
    return (
        cases.filter(status__in=OPEN_STATUSES)
        .annotate(last_activity=Coalesce(Subquery(last_event), F("opened_on")))
        .filter(last_activity__lt=today - timedelta(days=days))
        .select_related("parcel__park", "parcel__enterprise", "officer")
        .order_by("last_activity", "number")
    )


def failing_indicators(parcel) -> list[str]:
    """Which thresholds the parcel misses, in words, from the values that
    `LandParcelQuerySet.suspected_low_efficiency` annotates."""
    limits = parcel.park.thresholds
    checks = (
        (parcel.actual_plot_ratio, limits.min_plot_ratio, _("plot ratio %(value)s < %(limit)s")),
        (
            parcel.investment_per_mu,
            limits.min_investment_per_mu_wan,
            _("investment %(value)s < %(limit)s 10k yuan/mu"),
        ),
        (parcel.output_per_mu, limits.min_output_per_mu_wan, _("output %(value)s < %(limit)s 10k yuan/mu")),
        (parcel.tax_per_mu, limits.min_tax_per_mu_wan, _("tax %(value)s < %(limit)s 10k yuan/mu")),
    )
    area = parcel.area_m2
    exact = {  # the per-亩 values, exact, for the comparison the database made
        1: parcel.invested_wan,
        2: parcel.annual_output_wan,
        3: parcel.annual_tax_wan,
    }
    failing = []
    for index, (value, limit, text) in enumerate(checks):
        if value is None or limit is None:
            continue
        below = value < limit if index == 0 else exact[index] * 10000 < limit * area * 15
        if below:
            shown = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            failing.append(str(text % {"value": shown, "limit": limit}))
    return failing

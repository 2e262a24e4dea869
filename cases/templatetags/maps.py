"""Maps on the pages that show one parcel or one park: `{% parcel_map parcel %}` draws the parcel
among its neighbours (the parcels of its park within the map's box), `{% report_map report %}` the
report's parcels coloured by status. Both read the parcels in two queries."""

from django import template
from django.utils import timezone

from .. import scoping
from ..mapping.colours import colouring
from ..mapping.drawing import draw
from ..mapping.parcels import map_parcels
from ..models import LandParcel
from ..views.mapping import parcel_url

register = template.Library()


def _legend(scheme, parcels, today):
    shown = {scheme.band_of(p, today) for p in parcels if p.boundary}
    return [(band, None) for band in scheme.bands if band.key in shown]


@register.inclusion_tag("includes/parcel_map_card.html", takes_context=True)
def parcel_map(context, parcel):
    """The parcel outlined among its neighbours, coloured by their cases' status."""
    user = context["request"].user
    today = timezone.localdate()
    scheme = colouring("status")
    if parcel.boundary is None:
        return {"parcel": parcel, "drawing": None}
    neighbours = scoping.parcels_for(user).filter(park_id=parcel.park_id, boundary__isnull=False)
    parcels = map_parcels(neighbours)
    focus = next((p for p in parcels if p.pk == parcel.pk), None)
    drawing = draw(parcels, scheme, today=today, width=600, focus=focus, url_of=parcel_url)
    shown = {p.pk for p in drawing.parcels}
    return {
        "parcel": parcel,
        "drawing": drawing,
        "legend": _legend(scheme, [p for p in parcels if p.pk in shown], today),
        "map_url": f"/map/?park={parcel.park_id}",
    }


@register.inclusion_tag("includes/park_map_figure.html")
def report_map(report):
    """The parcels of the report's park (or of the parks it covers) coloured by case status, for
    the printable report and its PDF. The report's parks are already the reader's."""
    today = timezone.localdate()
    scheme = colouring("status")
    parks = {"park": report.park} if report.park else {"park__code__in": list(report.by_park)}
    parcels = map_parcels(LandParcel.objects.filter(**parks))
    drawing = draw(parcels, scheme, today=today, width=760)
    return {"drawing": drawing, "legend": _legend(scheme, parcels, today)}

"""The searchable pickers' answers: up to 20 matching choices as JSON, from the rows the form accepts.

Each source is the scoping function the forms use (the user's parks where they are a case officer),
so a picker never offers what the form would refuse, nor reveals another park's rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from .. import scoping
from ..forms.pickers import enterprise_label, officer_label, parcel_label, partner_label
from ..models import Membership
from .common import is_whole_number, require_role_somewhere

Role = Membership.Role
LIMIT = 20


@dataclass(frozen=True)
class Source:
    rows: Callable[[object], QuerySet]
    search: tuple[str, ...]
    order: tuple[str, ...]
    label: Callable[[object], str]
    park: str = "park_id"


SOURCES = {
    "enterprises": Source(
        rows=lambda user: scoping.enterprises_for(user, role=Role.OFFICER).select_related("park"),
        search=("name__icontains", "credit_code__istartswith"),
        order=("name", "id"),
        label=enterprise_label,
    ),
    "parcels": Source(
        rows=lambda user: scoping.parcels_for(user, role=Role.OFFICER).select_related("park", "enterprise"),
        search=(
            "code__icontains",
            "location__icontains",
            "enterprise__name__icontains",
            "park__code__iexact",
        ),
        order=("park__code", "code", "id"),
        label=parcel_label,
    ),
    "partners": Source(
        rows=lambda user: scoping.partners_for(user, role=Role.OFFICER).select_related("park"),
        search=("name__icontains",),
        order=("name", "id"),
        label=partner_label,
    ),
    "officers": Source(
        rows=lambda user: scoping.users_for(user, role=Role.OFFICER),
        search=("username__icontains", "first_name__icontains", "last_name__icontains"),
        order=("username", "id"),
        label=officer_label,
        park="memberships__park_id",
    ),
}


@require_GET
def pick(request, source: str):
    """`?q=` text to look for (part of a name, a number, a code), `?park=` the park to look in."""
    found = SOURCES.get(source)
    if found is None:
        raise Http404
    require_role_somewhere(request.user, Role.OFFICER)
    rows = found.rows(request.user)
    park = request.GET.get("park", "")
    if is_whole_number(park):
        rows = rows.filter(**{found.park: int(park)})
    text = " ".join(request.GET.get("q", "").split())[:100]
    for word in text.split(" ") if text else []:
        rows = rows.filter(reduce(or_, (Q(**{lookup: word}) for lookup in found.search)))
    page = list(rows.order_by(*found.order)[: LIMIT + 1])
    return JsonResponse(
        {
            "results": [{"value": str(row.pk), "text": found.label(row)} for row in page[:LIMIT]],
            "more": len(page) > LIMIT,
        }
    )

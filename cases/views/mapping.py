"""The park map (docs/map.md): /map/ drawn as SVG with the case list's filters, its GeoJSON and
Shapefile exports, and the boundary import (dry run, report, confirm) on the ledger's staging."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from .. import scoping
from ..filtersets import CaseFilterSet
from ..forms.mapping import BoundaryUploadForm
from ..ledger import staging
from ..ledger.report import LedgerReport, report_xlsx
from ..ledger.writing import XLSX_CONTENT_TYPE
from ..mapping.colours import COLOURINGS, colouring
from ..mapping.drawing import draw
from ..mapping.export import geojson_bytes, shapefile_zip
from ..mapping.importing import import_boundaries
from ..mapping.parcels import map_parcels
from ..models import Membership
from ..uploads import clean_file_name
from .common import invalid, require_role_somewhere

Role = Membership.Role
SESSION_KEY = "boundary_import"
NOT_CASE_FILTERS = {"park", "colour"}


def parcel_url(parcel) -> str:
    return reverse("parcel-detail", args=[parcel.pk])


def filtered_parcels(request):
    """The filter set, the user's parcels as the filters choose them, and the cases whose current
    one each shows (None: all its cases). With no filter but the park, every parcel of the park(s);
    with a case filter, the parcels of the cases it keeps, each shown with its current case among them."""
    user = request.user
    filterset = CaseFilterSet(request.GET or None, queryset=scoping.cases_for(user), user=user)
    parcels = scoping.parcels_for(user)
    park = None
    if filterset.is_bound:
        filterset.is_valid()  # a filter that cannot be read is left out, the others still apply
        park = filterset.form.cleaned_data.get("park")
    if park is not None:
        parcels = parcels.filter(park=park)
    names = set(filterset.form.fields)
    used = any(
        value and re.sub(r"_(after|before|min|max)$", "", key) in names - NOT_CASE_FILTERS
        for key, value in request.GET.items()
    )
    if not used:
        return filterset, parcels, None, False
    cases = filterset.qs
    return filterset, parcels.filter(pk__in=cases.order_by().values("parcel")), cases, True


def drawn_parcels(request):
    """The filter set and the chosen parcels that have a boundary, as the map draws them."""
    filterset, parcels, cases, used = filtered_parcels(request)
    return filterset, map_parcels(parcels.filter(boundary__isnull=False), cases), parcels, used


def map_page(request):
    filterset, parcels, chosen, used = drawn_parcels(request)
    scheme = colouring(request.GET.get("colour"))
    today = timezone.localdate()
    if scheme.prepare:
        scheme.prepare(parcels, scoping.parcels_for(request.user), today)
    drawing = draw(parcels, scheme, today=today, url_of=parcel_url)
    query = request.GET.copy()
    query.pop("colour", None)
    # Parcels without a boundary are counted and the first ones listed, not read whole.
    missing = chosen.filter(boundary__isnull=True)
    counts = {}
    for parcel in parcels:
        key = scheme.band_of(parcel, today)
        counts[key] = counts.get(key, 0) + 1
    return render(
        request,
        "cases/map.html",
        {
            "filterset": filterset,
            "is_filtered": bool(request.GET),
            "drawing": drawing,
            "colouring": scheme,
            "legend": [(band, counts.get(band.key, 0)) for band in scheme.bands],
            "colourings": [(c, _switch_url(query, c.key)) for c in COLOURINGS.values()],
            "keep": [("colour", scheme.key)] if scheme.key != "status" else [],
            "query": request.GET.urlencode(),
            "drawn": len(parcels),
            "without_boundary": list(missing.order_by("park__code", "code").values("pk", "code")[:50]),
            "without_boundary_count": missing.count(),
            "case_filters_used": used,
            "can_import": scoping.has_role_somewhere(request.user, Role.PARK_ADMIN),
        },
    )


def _switch_url(query, key: str) -> str:
    params = query.copy()
    if key != "status":
        params["colour"] = key
    return "?" + params.urlencode() if params else "?"


@require_GET
def map_geojson(request):
    """The parcels of /map/ with the same filters, as GeoJSON in EPSG:4490."""
    _filterset, parcels, _chosen, _used = drawn_parcels(request)
    response = HttpResponse(geojson_bytes(parcels), content_type="application/geo+json")
    response["Content-Disposition"] = content_disposition_header(False, "parcels.geojson")
    return response


@require_GET
def map_shapefile(request):
    """The parcels of /map/ with the same filters, as a zipped Shapefile (EPSG:4490, UTF-8)."""
    _filterset, parcels, _chosen, _used = drawn_parcels(request)
    response = HttpResponse(shapefile_zip(parcels), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, "parcels-shp.zip")
    return response


# The import --------------------------------------------------------------------------------------


def import_page(request):
    """Upload a boundary file for a dry run; see the report of the last check or import."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    form = BoundaryUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            _check_upload(request, form)
            return redirect("boundary-import")
        return invalid(request, "cases/boundary_import.html", _import_context(request, form))
    return render(request, "cases/boundary_import.html", _import_context(request, form))


def _check_upload(request, form: BoundaryUploadForm) -> None:
    uploaded = form.cleaned_data["file"]
    park, zone = form.cleaned_data["park"], form.cleaned_data["zone"]
    data = b"".join(uploaded.chunks())
    name = clean_file_name(uploaded.name) or "boundaries"
    report = import_boundaries(data, file_name=name, user=request.user, park=park, zone=zone, dry_run=True)
    meta = {
        "user": request.user.pk,
        "park": park.code if park else "",
        "zone": zone,
        "state": "checked",
        "report": report.as_dict(),
    }
    staging.stage(request, data if report.ok else None, meta, session_key=SESSION_KEY)


def _import_context(request, form) -> dict:
    token, meta = staging.pending(request, session_key=SESSION_KEY)
    context = {"form": form, "report": None}
    if meta is None:
        return context
    report = LedgerReport.from_dict(meta["report"])
    context.update(
        report=report,
        state=meta["state"],
        park_code=meta.get("park", ""),
        rows=report.rows,
        can_confirm=meta["state"] == "checked" and report.ok and staging.has_upload(token),
    )
    return context


@require_POST
def import_confirm(request):
    """Import the file checked before, all or nothing, checking every shape again as it goes."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    token, meta = staging.pending(request, session_key=SESSION_KEY)
    data = staging.read_upload(token) if meta and meta["state"] == "checked" else None
    if data is None:
        messages.error(request, _("There is no checked file waiting to be imported; upload it again."))
        return redirect("boundary-import")
    park = None
    if meta.get("park"):
        park = scoping.parks_for(request.user, role=Role.PARK_ADMIN).filter(code=meta["park"]).first()
        if park is None:
            raise PermissionDenied
    previous = LedgerReport.from_dict(meta["report"])
    report = import_boundaries(
        data, file_name=previous.file_name, user=request.user, park=park, zone=meta.get("zone")
    )
    if report.imported:
        staging.discard_upload(token)
        meta["state"] = "imported"
        messages.success(request, _("Boundaries imported: %(summary)s") % {"summary": report.summary()})
    else:
        messages.error(
            request,
            _("Nothing was imported: the parcels changed since the check, and some shapes are now refused."),
        )
    meta["report"] = report.as_dict()
    staging.save_meta(token, meta)
    return redirect("boundary-import")


def import_report(request):
    """The last check's or import's report as XLSX."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    _token, meta = staging.pending(request, session_key=SESSION_KEY)
    if meta is None:
        messages.error(request, _("There is no report to download; upload a file first."))
        return redirect("boundary-import")
    report = LedgerReport.from_dict(meta["report"])
    response = HttpResponse(report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"boundaries-{gettext('report')}.xlsx")
    return response

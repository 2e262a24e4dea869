"""The cells of the lists that link or badge, written in Python: a list page draws hundreds of cells,
and a template per cell made them most of its rendering. Each takes the row and the column's value
and gives the cell's HTML, escaped, as the templates that came before wrote it."""

from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

from .markup import html
from .templatetags.parkland import STATUS_LABELS, area

DASH = "—"
# A record's page, as reverse() writes it for the record's key: the path around the key is
# reversed once (for a key of digits, which every pattern here takes), the key quoted as Django does.
_MARKER = "8675309"
_PATHS: dict[tuple, tuple[str, str]] = {}
_SAFE = RFC3986_SUBDELIMS + "/~:@"


def page_of(name: str, key) -> str:
    """`reverse(name, args=[key])` for the record pages (`<int:pk>`, `<str:number>`)."""
    key = str(key)
    if not key or "/" in key or "%" in key:  # left to reverse(), which refuses or quotes them
        return reverse(name, args=[key])
    found = _PATHS.get(where := (name, get_script_prefix(), get_urlconf()))
    if found is None:
        before, _marker, after = reverse(name, args=[_MARKER]).rpartition(_MARKER)
        found = _PATHS[where] = (before, after)
    return found[0] + quote(key, safe=_SAFE) + found[1]


def path_of(name: str) -> str:
    """`reverse(name)` for a page without arguments (a list), reversed once."""
    found = _PATHS.get(where := (name, None, get_script_prefix(), get_urlconf()))
    if found is None:
        found = _PATHS[where] = (reverse(name), "")
    return found[0]


# The URL name and key of each model's page, as its get_absolute_url() reverses them.
PAGES = {
    "DisposalCase": ("case-detail", "number"),
    "LandParcel": ("parcel-detail", "pk"),
    "Enterprise": ("enterprise-detail", "pk"),
    "Partner": ("partner-detail", "pk"),
    "ProjectLead": ("lead-detail", "pk"),
    "RevitalisationMeasure": ("measure-detail", "pk"),
}


def url_of(record) -> str:
    """`record.get_absolute_url()`, without a reverse() per record for the models of PAGES."""
    found = PAGES.get(type(record).__name__)
    if found is None:
        return record.get_absolute_url()
    return page_of(found[0], getattr(record, found[1]))


def _link(record, text):
    """A link to `record`'s page, or a dash without a record."""
    if not record:
        return DASH
    return html('<a href="{}">{}</a>', url_of(record), text)


def own_link(row, value):
    return html('<a class="fw-medium" href="{}">{}</a>', url_of(row), value)


def status_badge(row, value):
    label = STATUS_LABELS.get(row.status, row.status)
    return html('<span class="badge rounded-pill status-badge status-{}">{}</span>', row.status, label)


def area_or_dash(row, value):
    return area(value, block=True) if value else DASH


def case_parcel(row, value):
    parcel = row.parcel
    return html('<a href="{}" title="{}">{}</a>', url_of(parcel), parcel.location, parcel.code)


def case_enterprise(row, value):
    enterprise = row.parcel.enterprise
    if not enterprise:
        return DASH
    url = url_of(enterprise)
    return html('<a href="{}" title="{}">{}</a>', url, enterprise.name, enterprise.name)


def parcel_code(row, value):
    return html(
        '<a class="fw-medium" href="{}">{}</a><div class="small text-secondary">{}</div>',
        url_of(row),
        row.code,
        row.location,
    )


def parcel_enterprise(row, value):
    return _link(row.enterprise, row.enterprise.name if row.enterprise else "")


def parcel_open_cases(row, value):
    if not row.open_cases:
        return "0"
    url = path_of("case-list")
    return html('<a href="{}?parcel={}&amp;state=open">{}</a>', url, row.pk, row.open_cases)


def enterprise_parcels(row, value):
    if not row.parcel_count:
        return "0"
    return html('<a href="{}?enterprise={}">{}</a>', path_of("parcel-list"), row.pk, row.parcel_count)


def measure_case(row, value):
    return html('<a href="{}">{}</a>', url_of(row.case), row.case.number)


def measure_method(row, value):
    method = row.get_method_display()
    if not row.project_name:
        return html('<a href="{}">{}</a>', url_of(row), method)
    return html(
        '<a href="{}">{}</a><div class="small text-secondary">{}</div>', url_of(row), method, row.project_name
    )


def measure_partner(row, value):
    return _link(row.partner, row.partner.name if row.partner else "")


def partner_measures(row, value):
    return html('<a href="{}?partner={}">{}</a>', path_of("measure-list"), row.pk, row.measure_count)


def lead_case(row, value):
    return _link(row.case, row.case.number if row.case else "")

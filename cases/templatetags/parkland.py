"""Display of Parkland's units: areas in m² with 亩 beside, money in 万元, rates in %."""

from decimal import ROUND_HALF_UP, Context, Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from cases.markup import html
from cases.models import Status, m2_to_mu
from cases.models.wording import reason_in_words

register = template.Library()
STATUS_LABELS = dict(Status.choices)


@register.filter
def history_reason(stored) -> str:
    """A history record's reason as its reader reads it: a system code in their language."""
    return reason_in_words(stored or "")


@register.filter
def person(user) -> str:
    """A person's name as a Chinese office writes it: family name first, no space (李晓东)."""
    if user is None or user == "":
        return "—"
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


@register.filter
def can_import(user) -> bool:
    """Whether `user` may import a ledger: a park administrator somewhere (asked once per request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    from cases import scoping

    return scoping.has_role_somewhere(user, scoping.Role.PARK_ADMIN)


# A number's separators in each language, read once: the page formats two per area cell.
_SEPARATORS: dict[str, tuple] = {}
_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(1, 7)}
_ROUNDING = Context(prec=200, rounding=ROUND_HALF_UP)


def _plain_grouping(language: str) -> bool:
    """Whether `language` writes 1,234.50: digits in threes, a comma between, a point before the
    decimals (what Python's own "," format writes)."""
    found = _SEPARATORS.get(language)
    if found is None:
        found = _SEPARATORS[language] = (
            get_format("DECIMAL_SEPARATOR", language),
            get_format("THOUSAND_SEPARATOR", language),
            get_format("NUMBER_GROUPING", language),
        )
    return found == (".", ",", 3)


@register.filter
def num(value, places: int = 2):
    """A number with thousands separators and fixed decimals; an em dash when unknown.

    What `floatformat(value, "2g")` writes, rounded half up, without its general path for the
    numbers a list shows (decimals, integers, floats): that path costs a list page milliseconds.
    """
    if value is None or value == "":
        return "—"
    kind = type(value)
    if (kind is Decimal or kind is int or kind is float) and places in _QUANTUM:
        number = value if kind is Decimal else Decimal(str(value))
        _sign, digits, exponent = number.as_tuple()
        if number.is_finite() and len(digits) + abs(exponent) <= 100 and _plain_grouping(get_language()):
            rounded = number.quantize(_QUANTUM[places], context=_ROUNDING)
            return mark_safe(f"{rounded if rounded else rounded.copy_abs():,f}")
    return floatformat(value, f"{places}g")


@register.filter
def mu(area_m2):
    """The 亩 equivalent of an area in m², to two places."""
    if area_m2 is None or area_m2 == "":
        return "—"
    return num(m2_to_mu(Decimal(area_m2)))


@register.simple_tag
def area(area_m2, *, block: bool = False):
    """12,345.00 m² with (18.52 亩) beside it."""
    if area_m2 is None or area_m2 == "":
        return "—"
    if block:
        template_ = '{} m²<br><span class="mu">{} {}</span>'
    elif get_language().startswith("zh"):
        template_ = '{} m² <span class="mu">（{} {}）</span>'
    else:
        template_ = '{} m² <span class="mu">({} {})</span>'
    return html(template_, num(area_m2), mu(area_m2), _("mu"))


# Months by name, not number: "January" and "Jan" in English, 1月 in Chinese.
MONTH_NAMES = [
    pgettext_lazy("month", "January"),
    pgettext_lazy("month", "February"),
    pgettext_lazy("month", "March"),
    pgettext_lazy("month", "April"),
    pgettext_lazy("month", "May"),
    pgettext_lazy("month", "June"),
    pgettext_lazy("month", "July"),
    pgettext_lazy("month", "August"),
    pgettext_lazy("month", "September"),
    pgettext_lazy("month", "October"),
    pgettext_lazy("month", "November"),
    pgettext_lazy("month", "December"),
]
MONTH_ABBREVIATIONS = [
    pgettext_lazy("abbreviated month", "Jan"),
    pgettext_lazy("abbreviated month", "Feb"),
    pgettext_lazy("abbreviated month", "Mar"),
    pgettext_lazy("abbreviated month", "Apr"),
    pgettext_lazy("abbreviated month", "May"),
    pgettext_lazy("abbreviated month", "Jun"),
    pgettext_lazy("abbreviated month", "Jul"),
    pgettext_lazy("abbreviated month", "Aug"),
    pgettext_lazy("abbreviated month", "Sep"),
    pgettext_lazy("abbreviated month", "Oct"),
    pgettext_lazy("abbreviated month", "Nov"),
    pgettext_lazy("abbreviated month", "Dec"),
]


@register.filter
def month_name(month: int) -> str:
    """The name of month 1…12 ("January"; 1月)."""
    return str(MONTH_NAMES[int(month) - 1])


@register.filter
def month_abbreviation(month: int) -> str:
    """The short name of month 1…12, for a chart's axis ("Jan"; 1月)."""
    return str(MONTH_ABBREVIATIONS[int(month) - 1])


@register.filter
def pct(value):
    return "—" if value is None else f"{value}%"


@register.filter
def signed(value):
    """A difference with its sign: +1.2 or -3.4."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


@register.inclusion_tag("includes/status_badge.html")
def status_badge(case):
    return {"status": case.status, "label": STATUS_LABELS.get(case.status, case.status)}


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, column):
    current = context.get("sort", "")
    active = current.lstrip("-") == column.key
    descending = active and current.startswith("-")
    return {
        "request": context["request"],
        "column": column,
        "active": active,
        "descending": descending,
        "next_sort": column.key if descending or not active else f"-{column.key}",
    }


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def gap(figures, benchmark):
    """The rate's gap to the benchmark in percentage points, signed; a dash without a rate."""
    return signed(figures.gap_pp(benchmark))


@register.filter
def to_benchmark(figures, benchmark):
    return figures.area_to_benchmark_m2(benchmark)


FIGURE_LABELS = {
    "register_area_m2": gettext_lazy("register area"),
    "cum_disposed_area_m2": gettext_lazy("disposed area"),
    "rate_pct": gettext_lazy("rate"),
    "register_count": gettext_lazy("register cases"),
    "cum_disposed_count": gettext_lazy("disposed cases"),
}


@register.filter
def figure_label(key: str) -> str:
    return str(FIGURE_LABELS.get(key, key))

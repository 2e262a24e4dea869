"""The menus of every page (base.html): the main menu, written once per language, section and
import right, and the user's menu with the language switch, written once per language and staff
right with the user's name, token and page filled in (cases/keptpages.py).

The main menu's links and labels are the same for every user but for the two import entries, and
only the section the page belongs to is marked active: so it is drawn once per combination in each
process and kept, instead of reversing twenty URLs on every page.
"""

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_noop

from cases import keptpages
from cases.markup import html

from .parkland import can_import

register = template.Library()

# (section, URL name, label, the path prefixes that belong to it; None: that URL's own path only);
# the labels are translated when drawn.
LINKS = [
    ("dashboard", "dashboard", gettext_noop("Dashboard"), None),
    ("cases", "case-list", gettext_noop("Cases"), ("/cases/",)),
    ("parcels", "parcel-list", gettext_noop("Parcels"), ("/parcels/",)),
    ("map", "map", gettext_noop("Map"), ("/map/",)),
    ("enterprises", "enterprise-list", gettext_noop("Enterprises"), ("/enterprises/",)),
    ("deadlines", "deadlines", gettext_noop("Deadlines"), None),
    ("radar", "radar", gettext_noop("Radar"), None),
]
REVITALISATION = ("/measures/", "/partners/", "/leads/")
REPORTS = ("/reports/",)
EVALUATION = ("/evaluation/", "/commitments/")
IMPORT = ("/import/",)

_drawn: dict[tuple, SafeString] = {}

# From which width the menu stands on one line (Bootstrap's breakpoints), by language: an
# administrator's menu in English needs about 1,370 px, in Chinese about 1,170 px. Narrower, it
# folds behind the toggler.
ONE_LINE_FROM = {"en": "xxl"}


@register.simple_tag
def menu_breakpoint() -> str:
    """The breakpoint from which this language's menu stands on one line (`navbar-expand-…`)."""
    return ONE_LINE_FROM.get(get_language(), "xl")


def _section(path: str) -> str:
    for section, name, _label, prefixes in LINKS:
        if path == reverse(name) if prefixes is None else path.startswith(prefixes):
            return section
    for section, prefixes in (
        ("revitalisation", REVITALISATION),
        ("reports", REPORTS),
        ("evaluation", EVALUATION),
        ("import", IMPORT),
    ):
        if path.startswith(prefixes):
            return section
    return ""


@register.simple_tag(takes_context=True)
def main_menu(context) -> SafeString:
    """The `<ul>` of the main menu's sections, the current one marked active."""
    request = context["request"]
    importer = can_import(context["user"])
    key = (get_language(), get_script_prefix(), _section(request.path), importer)
    if key not in _drawn:
        _drawn[key] = _draw(key[2], importer)
    return _drawn[key]


def _link(section: str, active: str, url: str, label: str) -> SafeString:
    state = " active" if section == active else ""
    return html('<li class="nav-item"><a class="nav-link{}" href="{}">{}</a></li>', state, url, label)


def _dropdown(section: str, active: str, label: str, items: list[tuple[str, str]]) -> SafeString:
    state = " active" if section == active else ""
    item = '<li><a class="dropdown-item" href="{}">{}</a></li>'
    entries = "".join(html(item, reverse(name), text) for name, text in items)
    return html(
        '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle{}" href="#" role="button" '
        'data-bs-toggle="dropdown" aria-expanded="false">{}</a><ul class="dropdown-menu">{}</ul></li>',
        state,
        label,
        SafeString(entries),
    )


def _draw(active: str, importer: bool) -> SafeString:
    parts = [_link(section, active, reverse(name), gettext(label)) for section, name, label, _p in LINKS]
    revitalisation = [
        ("measure-list", gettext("Measures")),
        ("partner-list", gettext("Partners")),
        ("lead-list", gettext("Project leads")),
    ]
    parts.append(_dropdown("revitalisation", active, gettext("Revitalisation"), revitalisation))
    parts.append(_link("reports", active, reverse("report-monthly"), gettext("Reports")))
    evaluation = [
        ("evaluation:results", gettext("Results by class")),
        ("evaluation:commitments", gettext("Grant commitments")),
    ]
    if importer:
        evaluation.append(("evaluation:figures-import", gettext("Import yearly figures")))
    parts.append(_dropdown("evaluation", active, gettext("Evaluation"), evaluation))
    if importer:
        parts.append(_link("import", active, reverse("ledger-import"), gettext("Import")))
    return SafeString('<ul class="navbar-nav me-auto">' + "\n".join(parts) + "</ul>")


_user_menus: dict[tuple, list[str]] = {}
_slot = keptpages.slot


@register.simple_tag(takes_context=True)
def user_menu(context) -> SafeString:
    """The `<ul>` of the signed-in user's menu (password, jobs, reminders, API tokens, the
    administration for staff, signing out) and the language switch, filled in for this request; with
    its slots open on a page that is kept whole (`slots_open` in the context), which fills them."""
    request, user = context["request"], context["user"]
    key = (get_language(), get_script_prefix(), user.is_staff)
    if key not in _user_menus:
        _user_menus[key] = keptpages.split(_draw_user_menu(user.is_staff))
    if context.get("slots_open"):
        return keptpages.unfilled(_user_menus[key])
    return keptpages.fill(_user_menus[key], keptpages.request_values(request))


def _draw_user_menu(is_staff: bool) -> SafeString:
    entries = [
        ("password_change", gettext("Change password")),
        ("jobs:list", gettext("My jobs")),
        ("jobs:reminders", gettext("Reminder settings")),
        ("api-tokens", gettext("API tokens")),
    ]
    if is_staff:
        entries.append(("admin:index", gettext("Administration")))
    links = SafeString(
        "".join(html('<li><a class="dropdown-item" href="{}">{}</a></li>', reverse(n), t) for n, t in entries)
    )
    token = html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', _slot("token"))
    language = get_language()
    buttons = [
        html(
            '<button class="btn btn-sm {}" name="language" value="{}" type="submit" lang="{}">{}</button>',
            "btn-light" if language == code else "btn-outline-light",
            code,
            lang,
            label,
        )
        for code, lang, label in (("zh-hans", "zh-CN", "简体中文"), ("en", "en", "English"))
    ]
    at = menu_breakpoint()
    return html(
        '<ul class="navbar-nav align-items-{}-center"><li class="nav-item dropdown">'
        '<a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" '
        'aria-expanded="false"><i class="bi bi-person-circle"></i> '
        '<span class="user-name text-truncate">{}</span></a>'
        '<ul class="dropdown-menu dropdown-menu-end">'
        '<li><span class="dropdown-item-text small text-secondary">{}</span></li>{}'
        '<li><hr class="dropdown-divider"></li>'
        '<li><form method="post" action="{}">{}'
        '<button class="dropdown-item" type="submit">{}</button></form></li>'
        "</ul></li>"
        '<li class="nav-item ms-{}-2">'
        '<form action="{}" method="post" class="d-flex align-items-center gap-1 language-switch">{}'
        '<input name="next" type="hidden" value="{}">'
        '<i class="bi bi-translate text-white-50" aria-hidden="true"></i>{}</form></li></ul>',
        at,
        _slot("name"),
        _slot("username"),
        links,
        reverse("logout"),
        token,
        gettext("Sign out"),
        at,
        reverse("set_language"),
        token,
        _slot("page"),
        SafeString("".join(buttons)),
    )

"""A deadline as the deadline lists, the dashboard and a case page show it: its rule with what
explains it, its state as a badge, and a table row of both, written in Python (cases.markup) as a
list's cells are, since /deadlines/ shows a hundred and more at a time."""

from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from cases.cells import url_of
from cases.markup import html

from .parkland import person

register = template.Library()


def _day(value) -> str:
    return value.isoformat() if value else "—"


@register.simple_tag
def deadline_rule(deadline) -> SafeString:
    """The rule's name, the event it runs from, and what it waits on, has closed it or lacks."""
    parts = [
        html(
            "<div>{}{}</div>",
            deadline.label,
            html(
                ' <span class="badge rounded-pill text-bg-light border fw-normal">{}</span>',
                gettext("Holder's window"),
            )
            if deadline.window
            else "",
        )
    ]
    if deadline.title:
        start = html(' · <span class="text-nowrap">{}</span>', _day(deadline.start)) if deadline.start else ""
        parts.append(html('<div class="small text-secondary">{}{}</div>', deadline.title, start))
    pending = deadline.is_pending
    if deadline.earliest and pending:
        text = gettext("not before %(date)s") % {"date": _day(deadline.earliest)}
        parts.append(html('<div class="small">{}</div>', text))
    if deadline.hint and pending:
        parts.append(html('<div class="small text-warning-emphasis">{}</div>', deadline.hint))
    if deadline.closed:
        parts.append(html('<div class="small text-secondary">{}</div>', deadline.closed))
    if deadline.cannot_compute:
        parts.append(html('<div class="small text-danger-emphasis">{}</div>', deadline.cannot_compute))
    return SafeString("\n".join(parts))


@register.simple_tag
def deadline_state(deadline, due_soon_days: int) -> SafeString:
    """The deadline's state as a badge: overdue by, days left, met or filed on, ended."""
    state = deadline.state
    if state == "cannot_compute":
        return _badge("text-bg-secondary", gettext("Cannot compute"))
    if state == "overdue":
        days = deadline.days_overdue
        return _badge(
            "text-bg-danger", ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}
        )
    if state == "open":
        days = deadline.days_left
        kind = "text-bg-warning" if days <= due_soon_days else "text-bg-light border"
        if days == 0:
            return _badge(kind, gettext("due today"))
        return _badge(kind, ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days})
    if deadline.ended:
        return _badge("text-bg-light border", gettext("Window ended"))
    if deadline.met_on and deadline.window:
        return _badge("text-bg-info", gettext("filed on %(date)s") % {"date": _day(deadline.met_on)})
    if deadline.met_on:
        return _badge("text-bg-success", gettext("met on %(date)s") % {"date": _day(deadline.met_on)})
    return _badge("text-bg-light border", gettext("No longer running"))


def _badge(kind: str, text: str) -> SafeString:
    return html('<span class="badge {}">{}</span>', kind, text)


@register.simple_tag
def deadline_rows(deadlines, *, show_park: bool, due_soon_days: int, empty_text: str) -> SafeString:
    """The rows of a deadline table (includes/deadline_table.html), or its one row saying it is empty."""
    if not deadlines:
        return html(
            '<tr><td colspan="7" class="text-secondary small py-3 text-center">{}</td></tr>', empty_text
        )
    # The labels escaped once for all the rows and written into the row's template as they are
    # (their braces doubled, so that format() leaves them be).
    labels = {
        key: escape(text).replace("{", "{{").replace("}", "}}")
        for key, text in (
            ("park", gettext("Park")),
            ("parcel", gettext("Parcel")),
            ("deadline", gettext("Deadline")),
            ("due", gettext("Due date")),
            ("officer", gettext("Case officer")),
        )
    }
    park_cell = '<td data-col="park" data-label="' + labels["park"] + '">{}</td>'
    row_html = (
        '<tr data-rule="{}">'
        '<td class="text-nowrap" data-col="number"><a class="fw-medium" href="{}">{}</a></td>{}'
        f'<td class="text-nowrap" data-col="parcel" data-label="{labels["parcel"]}">{{}}</td>'
        f'<td data-col="deadline" data-label="{labels["deadline"]}"><div>{{}}</div></td>'
        f'<td class="text-nowrap" data-col="due" data-label="{labels["due"]}">{{}}</td>'
        '<td data-col="status">{}</td>'
        f'<td class="text-nowrap" data-col="officer" data-label="{labels["officer"]}">{{}}</td></tr>'
    )
    rows = []
    for deadline in deadlines:
        case = deadline.case
        rows.append(
            html(
                row_html,
                deadline.rule,
                url_of(case),
                case.number,
                html(park_cell, case.parcel.park.code) if show_park else "",
                case.parcel.code,
                deadline_rule(deadline),
                _day(deadline.due),
                deadline_state(deadline, due_soon_days),
                person(deadline.officer),
            )
        )
    return SafeString("\n".join(rows))

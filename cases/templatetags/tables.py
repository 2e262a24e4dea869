"""A list's cells drawn from its column declarations (cases.exports.Column), so that the page and
its exports show the same columns from one place."""

from datetime import date
from html import escape

from django import template
from django.template.base import render_value_in_context
from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language

from cases.markup import escaped, html

from .parkland import area, num

register = template.Library()


def choice_label(choices):
    """A stored choice's label as `get_FOO_display` gives it (the value itself when unknown), from a
    table built once: Django's rebuilds the field's choices, translating every label, on each call."""
    labels = dict(choices)
    return lambda value: labels.get(value, value)


@register.simple_tag(takes_context=True)
def cell(context, column, row):
    """The content of `column`'s cell for `row`: its HTML (cases.cells), or its value in its format."""
    return mark_safe(_cell(context, column, row, _iso_dates(get_language())))  # escaped in _cell


def _cell(context, column, row, iso_dates: bool) -> str:
    """A cell's content as escaped HTML."""
    value = column.value(row)
    if column.cell:
        return escaped(column.cell(row, value))
    if column.format == "area":
        return area(value, block=True)
    if column.format == "num":
        return num(value)
    if value is None:
        return "—"
    if isinstance(value, Promise):  # a translated label
        value = str(value)
    kind = type(value)
    if kind is str:
        return escape(value) if value else "—"
    if kind is date and iso_dates:
        return value.isoformat()
    if value == "":
        return "—"
    return escaped(render_value_in_context(value, context))


_ISO_DATES: dict[str, bool] = {}


def _iso_dates(language) -> bool:
    """Whether `language` writes a date as 2023-04-12 (parkland/formats), asked once."""
    if language not in _ISO_DATES:
        _ISO_DATES[language] = get_format("DATE_FORMAT", language) == "Y-m-d"
    return _ISO_DATES[language]


@register.simple_tag(takes_context=True)
def row_cells(context, columns, row):
    """A row, one `<td>` per column with its classes: what a template loop of `cell` writes, in one
    tag (a list page draws hundreds of cells). A row with a status (a case) carries it for the CSS."""
    key = ("parkland-row-cells", id(columns))
    found = context.render_context.get(key)
    if found is None:  # once a page: each column's opening tag, and the language's date format
        # data-col and data-label let a phone show the row as a card of labelled values (parkland.css).
        opening = [
            html('<td class="{}" data-col="{}" data-label="{}">', c.td_class, c.key, capfirst(c.label))
            if c.td_class
            else html('<td data-col="{}" data-label="{}">', c.key, capfirst(c.label))
            for c in columns
        ]
        found = context.render_context[key] = (
            list(zip(columns, opening, strict=True)),
            _iso_dates(get_language()),
        )
    cells, iso_dates = found
    status = getattr(row, "status", None)
    parts = [html('<tr data-status="{}">', status) if status else "<tr>"]
    for column, opening in cells:
        parts += (opening, _cell(context, column, row, iso_dates), "</td>")
    parts.append("</tr>")
    return mark_safe("".join(parts))  # every cell escaped in _cell


@register.simple_tag
def filter_field(field):
    """A filter's label and widget in their column, as a template per field used to write them; a
    hidden filter (a parcel chosen on its page) only its input, without an empty labelled column."""
    if field.is_hidden:
        return mark_safe(str(field))  # a bound field's widget, escaped as it was drawn
    is_range = field.widget_type.endswith("range")
    if field.name == "q":
        width = "col-12 col-lg-3"
    elif is_range:
        width = "col-12 col-md-6 col-lg-3"
    else:
        width = "col-6 col-md-4 col-lg-2"
    widget = str(field)
    if is_range:
        widget = format_html('<div class="input-group input-group-sm">{}</div>', mark_safe(widget))
    return format_html(
        '<div class="{}">\n  <label class="form-label" for="{}{}">{}</label>\n  {}\n</div>\n',
        width,
        field.auto_id,
        "_0" if is_range else "",
        capfirst(field.label),
        mark_safe(widget),  # a bound field's widget, escaped as it was drawn
    )

"""A list's cells drawn from its column declarations (cases.exports.Column), so that the page and
its exports show the same columns from one place."""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from .parkland import area, num

register = template.Library()


def choice_label(choices):
    """A stored choice's label as `get_FOO_display` gives it (the value itself when unknown), from a
    table built once: Django's rebuilds the field's choices, translating every label, on each call."""
    labels = dict(choices)
    return lambda value: labels.get(value, value)


@register.simple_tag(takes_context=True)
def cell(context, column, row):
    """The content of `column`'s cell for `row`: its template, or its value in its format."""
    value = column.value(row)
    if column.cell:
        with context.push(row=row, column=column, value=value):
            return _cell_template(context, column.cell).render(context)
    if column.format == "area":
        return area(value, block=True)
    if column.format == "num":
        return num(value)
    return render_value_in_context("—" if value is None or value == "" else value, context)


@register.simple_tag(takes_context=True)
def row_cells(context, columns, row):
    """A row's cells, one `<td>` per column with its classes: what a template loop of `cell` writes,
    in one tag (a list page draws hundreds of cells)."""
    html = []
    for column in columns:
        classes = column.td_class
        html.append(format_html('<td class="{}">', classes) if classes else "<td>")
        html.append(conditional_escape(cell(context, column, row)))
        html.append("</td>")
    return mark_safe("".join(html))  # every cell escaped above


def _cell_template(context, name: str):
    """A cell's template, looked up once per page rather than once per row."""
    found = context.render_context.get(("parkland-cell", name))
    if found is None:
        found = context.render_context[("parkland-cell", name)] = context.template.engine.get_template(name)
    return found

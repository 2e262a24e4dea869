"""A list's cells drawn from its column declarations (cases.exports.Column), so that the page and
its exports show the same columns from one place."""

from django import template
from django.template.base import render_value_in_context

from .parkland import area, num

register = template.Library()


@register.simple_tag(takes_context=True)
def cell(context, column, row):
    """The content of `column`'s cell for `row`: its template, or its value in its format."""
    value = column.value(row)
    if column.cell:
        with context.push(row=row, column=column, value=value):
            return context.template.engine.get_template(column.cell).render(context)
    if column.format == "area":
        return area(value, block=True)
    if column.format == "num":
        return num(value)
    return render_value_in_context("—" if value is None or value == "" else value, context)

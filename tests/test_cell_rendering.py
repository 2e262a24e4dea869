"""The list cells, numbers and filter fields written in Python write what their templates and
Django's `floatformat` wrote, in both languages: the templates they replaced are kept here."""

import copy
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.template import engines
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation

from cases import cells
from cases.filtersets import INLINE_WIDGETS, CaseFilterSet, MeasureFilterSet, ParcelFilterSet
from cases.models import (
    DisposalCase,
    Enterprise,
    LandParcel,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
    m2_to_mu,
)
from cases.templatetags.parkland import area, mu, num
from cases.templatetags.tables import filter_field
from cases.views.case import CASE_COLUMNS
from cases.views.land import ENTERPRISE_COLUMNS, PARCEL_COLUMNS
from cases.views.revitalisation import LEAD_COLUMNS, MEASURE_COLUMNS, PARTNER_COLUMNS

LANGUAGES = ("zh-hans", "en")

# The cell templates the cells of cases.cells replace, as they were.
CELL_TEMPLATES = {
    cells.area_or_dash: "{% load parkland %}{% if value %}{% area value block=True %}{% else %}—{% endif %}",
    cells.case_enterprise: '{% if row.parcel.enterprise %}<a href="{{ row.parcel.enterprise.get_absolute_url }}" '  # noqa: E501
    'title="{{ row.parcel.enterprise.name }}">{{ row.parcel.enterprise.name }}</a>{% else %}—{% endif %}',
    cells.case_parcel: '<a href="{{ row.parcel.get_absolute_url }}" title="{{ row.parcel.location }}">'
    "{{ row.parcel.code }}</a>",
    cells.enterprise_parcels: "{% if row.parcel_count %}<a href=\"{% url 'parcel-list' %}?enterprise={{ row.pk }}\">"  # noqa: E501
    "{{ row.parcel_count }}</a>{% else %}0{% endif %}",
    cells.lead_case: '{% if row.case %}<a href="{{ row.case.get_absolute_url }}">{{ row.case.number }}</a>'
    "{% else %}—{% endif %}",
    cells.measure_case: '<a href="{{ row.case.get_absolute_url }}">{{ row.case.number }}</a>',
    cells.measure_method: '<a href="{{ row.get_absolute_url }}">{{ row.get_method_display }}</a>'
    '{% if row.project_name %}<div class="small text-secondary">{{ row.project_name }}</div>{% endif %}',
    cells.measure_partner: '{% if row.partner %}<a href="{{ row.partner.get_absolute_url }}">'
    "{{ row.partner.name }}</a>{% else %}—{% endif %}",
    cells.own_link: '<a class="fw-medium" href="{{ row.get_absolute_url }}">{{ value }}</a>',
    cells.parcel_code: '<a class="fw-medium" href="{{ row.get_absolute_url }}">{{ row.code }}</a>'
    '<div class="small text-secondary">{{ row.location }}</div>',
    cells.parcel_enterprise: '{% if row.enterprise %}<a href="{{ row.enterprise.get_absolute_url }}">'
    "{{ row.enterprise.name }}</a>{% else %}—{% endif %}",
    cells.parcel_open_cases: "{% if row.open_cases %}<a href=\"{% url 'case-list' %}?parcel={{ row.pk }}"
    '&amp;state=open">{{ row.open_cases }}</a>{% else %}0{% endif %}',
    cells.partner_measures: "<a href=\"{% url 'measure-list' %}?partner={{ row.pk }}\">{{ row.measure_count }}</a>",  # noqa: E501
    cells.status_badge: "{% load parkland %}{% status_badge row %}",
}
FILTER_FIELD_TEMPLATE = """{% if field.is_hidden %}{{ field }}{% else %}{% with is_range=field.widget_type|slice:"-5:" %}
<div class="{% if field.name == 'q' %}col-12 col-lg-3{% elif is_range == "range" %}col-12 col-md-6 col-lg-3{% else %}col-6 col-md-4 col-lg-2{% endif %}">
  <label class="form-label" for="{{ field.auto_id }}{% if is_range == 'range' %}_0{% endif %}">{{ field.label|capfirst }}</label>
  {% if is_range == "range" %}<div class="input-group input-group-sm">{{ field }}</div>{% else %}{{ field }}{% endif %}
</div>
{% endwith %}{% endif %}"""  # noqa: E501


def same(a, b) -> bool:
    """Equal but for whitespace."""
    return re.sub(r"\s+", "", str(a)) == re.sub(r"\s+", "", str(b))


NUMBERS = [
    None,
    "",
    0,
    1,
    -1,
    999,
    1000,
    -1234567,
    10**15,
    0.1 + 0.2,
    2.675,
    -0.0,
    1e-7,
    1e20,
    Decimal("0"),
    Decimal("-0.001"),
    Decimal("0.005"),
    Decimal("-0.005"),
    Decimal("2.675"),
    Decimal("999999.995"),
    Decimal("12345.678"),
    Decimal("1E+5"),
    Decimal("NaN"),
    Decimal("Infinity"),
    True,
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_numbers_and_areas_are_written_as_floatformat_wrote_them(language):
    with translation.override(language):
        for value in NUMBERS:
            for places in (1, 2, 3):
                expected = "—" if value is None or value == "" else floatformat(value, f"{places}g")
                assert num(value, places) == expected, (value, places)
            finite = not isinstance(value, Decimal) or value.is_finite()
            if isinstance(value, Decimal | int) and value is not True and finite:
                assert mu(value) == floatformat(m2_to_mu(Decimal(value)), "2g"), value
        for digits in range(1, 16):
            value = Decimal(int("987654321098765"[:digits])).scaleb(-3)
            assert num(value) == floatformat(value, "2g")
            assert num(-value) == floatformat(-value, "2g")
        assert str(area(Decimal("20516.92"), block=True)).startswith("20,516.92 m²<br>")


@pytest.fixture
def demo(db):
    call_command("load_demo", "--password", "Demo-password-1", stdout=io.StringIO())


def rows_of(columns):
    """The rows each list shows, with the annotations its cells read."""
    from django.db.models import Count, Q

    return {
        id(CASE_COLUMNS): DisposalCase.objects.select_related("parcel__enterprise", "parcel__park"),
        id(PARCEL_COLUMNS): LandParcel.objects.select_related("enterprise", "park").annotate(
            open_cases=Count("cases", filter=~Q(cases__status__in=["disposed", "closed"]))
        ),
        id(ENTERPRISE_COLUMNS): Enterprise.objects.annotate(parcel_count=Count("parcels")),
        id(MEASURE_COLUMNS): RevitalisationMeasure.objects.select_related("case", "partner"),
        id(PARTNER_COLUMNS): Partner.objects.annotate(measure_count=Count("measures")),
        id(LEAD_COLUMNS): ProjectLead.objects.select_related("case"),
    }[id(columns)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "columns",
    [CASE_COLUMNS, PARCEL_COLUMNS, ENTERPRISE_COLUMNS, MEASURE_COLUMNS, PARTNER_COLUMNS, LEAD_COLUMNS],
)
def test_every_cell_writes_what_its_template_wrote(demo, columns, language):
    engine = engines["django"]
    checked = 0
    with translation.override(language):
        for row in rows_of(columns)[:40]:
            for column in columns:
                if column.cell is None:
                    continue
                value = column.value(row)
                template = engine.from_string(CELL_TEMPLATES[column.cell])
                expected = template.render({"row": row, "column": column, "value": value})
                assert same(column.cell(row, value), expected), (column.key, row.pk)
                checked += 1
    assert checked


def test_the_page_urls_are_those_the_records_give(demo):
    for model in (DisposalCase, LandParcel, Enterprise, Partner, ProjectLead):
        for record in model.objects.all()[:20]:
            assert cells.url_of(record) == record.get_absolute_url()
    for key in ("XQ-2026-005", "A B", "é区", "a&b", "a%b", 7, "007"):
        assert cells.page_of("case-detail", key) == reverse("case-detail", args=[key]), key
    assert cells.page_of("parcel-detail", 12) == reverse("parcel-detail", args=[12])


def django_twin(widget):
    """The widget drawn by Django's own templates, as before it was drawn inline."""
    twin = copy.deepcopy(widget)
    twin.__class__ = next(base for base, inline in INLINE_WIDGETS.items() if inline is type(widget))
    return twin


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "filterset, data",
    [
        (CaseFilterSet, {}),
        (
            CaseFilterSet,
            {"status": "disposed", "category": "idle", "q": '<"鑫">', "opened_after": "2020-01-01"},
        ),
        (
            CaseFilterSet,
            {"status": "bogus", "register_year": "2023", "low_willingness": "true", "parcel": "1"},
        ),
        (ParcelFilterSet, {"q": "路"}),
        (MeasureFilterSet, {"agreed_before": "2024-12-31"}),
    ],
)
def test_filter_fields_write_what_their_templates_wrote(demo, filterset, data, language, django_user_model):
    user = django_user_model.objects.get(username="demo-admin")
    engine = engines["django"]
    with translation.override(language):
        form = filterset(data, queryset=filterset._meta.model.objects.all(), user=user).form
        for name in form.fields:
            field = form[name]
            expected = engine.from_string(FILTER_FIELD_TEMPLATE).render({"field": field})
            assert same(filter_field(field), expected), name
            widget = field.field.widget
            attrs = field.build_widget_attrs({})
            if field.auto_id:
                attrs["id"] = field.auto_id
            drawn = widget.render(field.html_name, field.value(), attrs)
            assert same(drawn, django_twin(widget).render(field.html_name, field.value(), attrs)), name

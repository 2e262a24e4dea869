"""What keeps the lists cheap at city scale behaves as the lists always did: the page links, the row
count from one query, long filter lists cut short, and filter forms drawn without templates."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import filtersets
from cases.filtersets import CaseFilterSet, MeasureFilterSet, ParcelFilterSet
from cases.views.common import page_links
from tests import factories
from tests.worlds.staff import build_world, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "pages, number, expected",
    [
        (1, 1, [1]),
        (5, 3, [1, 2, 3, 4, 5]),
        (4000, 1, [1, 2, 3, None, 4000]),
        (4000, 5, [1, None, 3, 4, 5, 6, 7, None, 4000]),
        (4000, 4, [1, 2, 3, 4, 5, 6, None, 4000]),
        (4000, 4000, [1, None, 3998, 3999, 4000]),
        (7, 4, [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_the_page_links_are_the_first_the_last_and_two_either_side(pages, number, expected):
    page = Paginator(range(pages * 25), 25).page(number)
    assert page_links(page) == expected


def test_the_list_counts_its_rows_and_sums_their_area_in_one_query(client):
    world = build_world()
    sign_in(client, world.officer_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/")
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "SUM(" in counts[0].upper()
    assert response.context["paginator"].count == response.context["total_count"] == 1


def enterprise_choices(data, user, limit):
    filterset = ParcelFilterSet(data, user=user)
    filterset.list_at_most("enterprise", limit=limit)
    return [label for value, label in filterset.form.fields["enterprise"].widget.choices if value != ""]


def test_a_long_filter_list_offers_only_the_chosen_row_and_a_short_one_all():
    park = factories.make_park(code="LL")
    names = [f"企业{n}" for n in range(5)]
    enterprises = [factories.make_enterprise(park=park, name=name) for name in names]
    user = factories.make_user(is_superuser=True)
    assert enterprise_choices({}, user, limit=5) == names
    assert enterprise_choices({}, user, limit=4) == []
    assert enterprise_choices({"enterprise": str(enterprises[3].pk)}, user, limit=4) == ["企业3"]
    assert enterprise_choices({"enterprise": "99999999999999999999"}, user, limit=4) == []
    # The choice still filters, listed or not.
    filterset = ParcelFilterSet({"enterprise": str(enterprises[3].pk)}, user=user)
    factories.make_parcel(park=park, enterprise=enterprises[3])
    assert filterset.qs.count() == 1


@pytest.mark.parametrize("filterset_class", [CaseFilterSet, ParcelFilterSet, MeasureFilterSet])
def test_filter_forms_drawn_without_templates_are_the_markup_of_djangos(filterset_class, monkeypatch):
    world = build_world()
    data = {"q": 'a"<b>&', "status": "lead", "officer": str(world.officer_a.pk), "low_willingness": "true"}
    data |= {"opened_after": "2020-01-01", "as_of": "2022-01-01", "park": str(world.park_a.pk)}
    drawn = filterset_class(data, user=world.officer_a)
    inline = [str(drawn.form[name]) for name in drawn.form.fields]
    monkeypatch.setattr(filtersets, "INLINE_WIDGETS", {})
    templated = filterset_class(data, user=world.officer_a)
    assert inline == [str(templated.form[name]) for name in templated.form.fields]

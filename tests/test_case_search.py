"""The case search finds exactly what icontains over number, parcel number, location and land user
finds — on random Chinese and Latin text, and after every kind of write that changes those fields."""

import io
import random
from datetime import date
from functools import reduce
from operator import or_

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from cases.filtersets import CaseFilterSet
from cases.ledger import import_ledger
from cases.models import DisposalCase, Enterprise, LandParcel, Membership
from cases.models.search import (
    SEPARATOR,
    grams_of,
    normalise,
    refresh_case_search,
    search_text_of,
    term_grams,
)
from tests import factories
from tests.worlds.ledger import case_row, xlsx
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db

# Frequent characters of real names and addresses, Latin letters in both cases (some beyond ASCII),
# digits, and what LIKE treats specially.
ALPHABET = list("鑫华达科技园路号珠海新青大道金湾") + list("aAbBxXéÉßkK") + list("0123-%_ ")


def plain_search(term: str):
    """What the search must find: icontains over the filter set's search fields, ORed."""
    fields = CaseFilterSet.search_fields
    return DisposalCase.objects.filter(reduce(or_, (Q(**{f"{f}__icontains": term}) for f in fields)))


def text(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(low, high))).strip() or "鑫"


def build_city(rng: random.Random, *, cases: int = 60) -> list[LandParcel]:
    parks = [factories.make_park(code=code) for code in ("XQ", "GLG")]
    enterprises = [
        factories.make_enterprise(park=park, name=text(rng, 2, 8)) for park in parks for _ in range(6)
    ]
    parcels = []
    for index in range(cases):
        park = parks[index % 2]
        holders = [e for e in enterprises if e.park_id == park.pk] + [None]
        parcel = factories.make_parcel(
            park=park,
            code=f"{text(rng, 1, 4)}-{index}",
            location=text(rng, 3, 12),
            enterprise=rng.choice(holders),
        )
        factories.make_case(parcel=parcel, opened_on=date(2015 + index % 8, 1 + index % 12, 1))
        parcels.append(parcel)
    return parcels


def terms(rng: random.Random, count: int = 80) -> list[str]:
    """Random substrings of what is stored (some with their case swapped), and random strings."""
    stored = [
        value
        for row in DisposalCase.objects.values_list(*CaseFilterSet.search_fields)
        for value in row
        if value
    ]
    found = ["%", "_", " ", "-", "ß", "SS", "é", "É", "k", "鑫华"]
    while len(found) < count:
        if rng.random() < 0.7:
            source = rng.choice(stored)
            start = rng.randrange(len(source))
            term = source[start : start + rng.randint(1, 4)]
            found.append(term.swapcase() if rng.random() < 0.3 else term)
        else:
            found.append(text(rng, 1, 3))
    return [t for t in found if t]


def assert_search_is_exact(rng: random.Random) -> None:
    for term in terms(rng):
        expected = set(plain_search(term).values_list("pk", flat=True))
        assert set(DisposalCase.objects.search(term).values_list("pk", flat=True)) == expected, term


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_search_finds_what_icontains_finds_on_random_text(seed):
    rng = random.Random(seed)
    build_city(rng)
    assert_search_is_exact(rng)


def test_the_search_stays_exact_after_enterprises_parcels_and_cases_change():
    rng = random.Random(7)
    parcels = build_city(rng)
    for enterprise in Enterprise.objects.all()[:4]:
        enterprise.name = text(rng, 2, 8)
        enterprise.save()
    for parcel in parcels[:10]:
        parcel.location = text(rng, 3, 12)
        parcel.code = f"{text(rng, 1, 4)}~{parcel.pk}"
        parcel.save()
    moved = parcels[10]
    moved.enterprise = Enterprise.objects.filter(park=moved.park).exclude(pk=moved.enterprise_id).first()
    moved.save()
    assert_search_is_exact(rng)
    assert DisposalCase.objects.search(moved.enterprise.name).filter(parcel=moved).exists()


def test_renaming_an_enterprise_updates_all_its_cases_in_one_update():
    enterprise = factories.make_enterprise(name="旧名称有限公司")
    for _ in range(5):
        factories.make_case(parcel=factories.make_parcel(park=enterprise.park, enterprise=enterprise))
    enterprise.name = "鑫华新名称有限公司"
    with CaptureQueriesContext(connection) as queries:
        enterprise.save()
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "cases_disposalcase"')]
    assert len(updates) == 1
    assert DisposalCase.objects.search("鑫华").count() == 5
    assert not DisposalCase.objects.search("旧名").exists()


def test_a_ledger_import_refreshes_the_search_of_the_cases_it_touches():
    park = factories.make_park(code="HZ", name="海洲工业园")
    factories.make_user(username="hz-officer", park=park, role=Membership.Role.OFFICER)
    rows = [case_row(n) for n in range(1, 4)]
    assert import_ledger(xlsx(rows), file_name="一.xlsx").ok
    assert DisposalCase.objects.search("海洲精密2").count() == 1
    # The same parcels and land users, renamed and moved: the cases are updated, not created.
    rows = [
        case_row(n, case_number=DisposalCase.objects.get(parcel__code=f"HZ-{n:03d}").number)
        | {"location": f"鑫华路{n}号", "enterprise": f"金湾Ab{n}有限公司"}
        for n in range(1, 4)
    ]
    report = import_ledger(xlsx(rows), file_name="二.xlsx")
    assert report.ok, report.errors
    assert DisposalCase.objects.count() == 3
    assert DisposalCase.objects.search("鑫华").count() == 3
    assert DisposalCase.objects.search("aB2").count() == 1
    assert not DisposalCase.objects.search("海洲精密").exists()
    assert_search_is_exact(random.Random(11))


def test_the_stored_columns_are_what_the_fields_give():
    rng = random.Random(5)
    build_city(rng, cases=12)
    for case in DisposalCase.objects.select_related("parcel__enterprise"):
        parcel = case.parcel
        name = parcel.enterprise.name if parcel.enterprise else None
        assert case.search_text == search_text_of(case.number, parcel.code, parcel.location, name)
        assert case.search_grams.split(SEPARATOR) == grams_of(case.search_text)


def test_bigrams_never_span_two_fields_and_a_one_character_term_has_none():
    assert grams_of(search_text_of("A1", "Bc", "鑫", "")) == ["a1", "bc"]
    assert term_grams("鑫") == []
    assert term_grams("ẞ") == ["ss"]  # one character that folds to two


@pytest.mark.parametrize("letters", ["ıIi", "ſSs", "ßẞ", "Kk", "Éé", "Σσς"])
def test_one_letter_in_any_case_gives_one_normal_form(letters):
    assert len({normalise(letter) for letter in letters}) == 1


def test_a_term_holding_the_separator_is_searched_in_the_fields_themselves():
    factories.make_case(parcel=factories.make_parcel(location="甲路"))
    assert not DisposalCase.objects.search(f"甲{SEPARATOR}").exists()
    assert DisposalCase.objects.search("甲路").exists()


def test_the_case_list_searches_through_the_search_columns(client):
    rng = random.Random(3)
    build_city(rng, cases=30)
    user = factories.make_user(is_superuser=True, is_staff=True)
    sign_in(client, user)
    for term in ("鑫华", "a", "-1", "路号"):
        response = client.get("/cases/", {"q": term})
        assert response.status_code == 200
        assert response.context["total_count"] == plain_search(term).count(), term


@pytest.mark.django_db(transaction=True)
def test_the_city_generator_and_the_demo_write_the_search_columns():
    call_command(
        "generate_city", "--seed", "3", "--scale", "0.002", "--password", "City-bench-1", stdout=io.StringIO()
    )
    call_command("load_demo", "--password", "Demo-password-1", stdout=io.StringIO())
    assert DisposalCase.objects.count() > 100
    assert refresh_case_search(DisposalCase.objects.all()) == 0  # nothing stale
    assert_search_is_exact(random.Random(13))

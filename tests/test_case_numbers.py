"""Case numbers (docs/data-model.md#disposalcase-处置案件): `{park}-{year opened}-{seq:03d}`, never
reused, safe when created at once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from cases.models import CaseNumberSequence, DisposalCase, parse_case_number
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def xq():
    return factories.make_park(code="XQ")


def open_case(park, *, on: date = date(2023, 3, 1), **fields) -> DisposalCase:
    return factories.make_case(park=park, opened_on=on, **fields)


def last_number(park, year: int) -> int:
    return CaseNumberSequence.objects.get(park=park, year=year).last_number


def test_numbers_count_up_within_a_park_and_year(xq):
    assert [open_case(xq).number for _ in range(3)] == ["XQ-2023-001", "XQ-2023-002", "XQ-2023-003"]


def test_the_year_is_the_year_the_case_was_opened(xq):
    assert open_case(xq, on=date(2023, 12, 31)).number == "XQ-2023-001"
    assert open_case(xq, on=date(2021, 1, 1)).number == "XQ-2021-001"


def test_each_year_has_its_own_sequence(xq):
    open_case(xq, on=date(2023, 5, 1))
    assert open_case(xq, on=date(2024, 1, 2)).number == "XQ-2024-001"
    assert open_case(xq, on=date(2023, 12, 1)).number == "XQ-2023-002"


def test_each_park_has_its_own_sequence(xq):
    demo = factories.make_park(code="DEMO2")
    open_case(xq)
    open_case(xq)
    assert open_case(demo).number == "DEMO2-2023-001"
    assert open_case(xq).number == "XQ-2023-003"


def test_a_number_takes_a_fourth_digit_past_999(xq):
    CaseNumberSequence.objects.create(park=xq, year=2023, last_number=998)
    assert [open_case(xq).number for _ in range(3)] == ["XQ-2023-999", "XQ-2023-1000", "XQ-2023-1001"]
    assert parse_case_number("XQ-2023-1000") == ("XQ", 2023, 1000)


def test_a_number_is_kept_when_the_case_is_saved_again(xq):
    case = open_case(xq)
    case.summary = "补充说明"
    case.opened_on = date(2024, 2, 1)
    case.save()
    assert DisposalCase.objects.get(pk=case.pk).number == "XQ-2023-001"
    assert last_number(xq, 2023) == 1
    assert not CaseNumberSequence.objects.filter(park=xq, year=2024).exists()


def test_the_number_of_a_deleted_case_is_never_given_again(xq):
    open_case(xq)
    open_case(xq).delete()
    assert open_case(xq).number == "XQ-2023-003"


def test_numbers_are_not_reused_even_when_every_case_of_the_year_is_gone(xq):
    for _ in range(2):
        open_case(xq)
    DisposalCase.objects.filter(parcel__park=xq).delete()
    assert open_case(xq).number == "XQ-2023-003"


def test_a_refused_case_uses_up_no_number(xq):
    first = open_case(xq)
    with pytest.raises(IntegrityError), transaction.atomic():
        open_case(xq, parcel=first.parcel)  # a second open case on the same parcel
    assert last_number(xq, 2023) == 1
    assert open_case(xq).number == "XQ-2023-002"


def test_an_imported_number_is_never_handed_out_again(xq):
    imported = open_case(xq, number="XQ-2023-050")
    assert imported.number == "XQ-2023-050"
    assert open_case(xq).number == "XQ-2023-051"


def test_an_imported_number_below_the_sequence_does_not_turn_it_back(xq):
    open_case(xq, number="XQ-2023-050")
    open_case(xq, number="XQ-2023-007")
    assert last_number(xq, 2023) == 50
    assert open_case(xq).number == "XQ-2023-051"


def test_an_imported_number_of_another_park_leaves_this_parks_sequence_alone(xq):
    open_case(xq, number="OLD-2023-050")
    assert open_case(xq).number == "XQ-2023-001"


def test_an_imported_number_counts_in_the_year_it_names(xq):
    # A ledger's number keeps its own year, even where the opening date says otherwise.
    open_case(xq, on=date(2023, 2, 1), number="XQ-2022-030")
    assert open_case(xq, on=date(2022, 6, 1)).number == "XQ-2022-031"
    assert open_case(xq, on=date(2023, 6, 1)).number == "XQ-2023-001"


# Concurrency (PostgreSQL: row locks across real connections) ----------------------------------

WORKERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cases_created_at_the_same_moment_get_distinct_consecutive_numbers():
    park = factories.make_park(code="XQ")
    parcels = [factories.make_parcel(park=park, code=f"ZD-{i:03d}") for i in range(WORKERS)]
    start = threading.Barrier(WORKERS)

    def create(parcel) -> str:
        try:
            start.wait(timeout=30)
            return factories.make_case(parcel=parcel, opened_on=date(2023, 6, 1)).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        numbers = list(pool.map(create, parcels))

    assert sorted(numbers) == [f"XQ-2023-{n:03d}" for n in range(1, WORKERS + 1)]
    assert last_number(park, 2023) == WORKERS
    assert DisposalCase.objects.filter(parcel__park=park).count() == WORKERS

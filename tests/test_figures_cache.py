"""Figures kept in the cache until their rows change (cases/figures.py): the report and the
dashboard's rate read every case in scope once per data version, and every way of writing those
rows moves the version on after its transaction commits.

Tests that need the after-commit move to happen use `transactional_db`: under `db` the test's
own transaction never commits, so its writes stay pending and every figure is computed afresh
(the last test shows that rule).
"""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import figures
from cases.ledger.importing import import_ledger
from cases.models import DataVersion, DisposalCase, DisposalTarget, Membership, MonthClose
from cases.reporting import close_month
from tests import factories
from tests.worlds.ledger import case_row, xlsx
from tests.worlds.reporting import build_ledger

R = Membership.Role
JSON_2022 = "/reports/monthly.json?year=2022&as_of=2022-12-31"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def counter() -> int:
    return DataVersion.objects.current()[1]


def report_json(client) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(JSON_2022)
    assert response.status_code == 200
    return json.loads(response.content), len(queries)


def figures_queries(queries) -> list[str]:
    """The queries that read the cases table itself (not the session, user, parks or benchmark)."""
    return [q["sql"] for q in queries if 'FROM "cases_disposalcase"' in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_the_report_is_computed_once_per_data_version_and_again_after_a_case_changes(client):
    ledger = build_ledger()
    client.force_login(ledger.supervisor)
    first, _ = report_json(client)
    with CaptureQueriesContext(connection) as queries:
        again = json.loads(client.get(JSON_2022).content)
    assert again == first
    assert figures_queries(queries) == [], "a kept report reads no case"

    case = ledger.cases["H"]  # disposed of 600 m² in May
    case.disposed_area_m2 = Decimal("300.00")
    case.save()
    changed, _ = report_json(client)
    may = changed["months"][4]
    assert may["disposed_area_m2"] != first["months"][4]["disposed_area_m2"]
    assert Decimal(may["disposed_area_m2"]) == Decimal(first["months"][4]["disposed_area_m2"]) - 300


@pytest.mark.django_db(transaction=True)
def test_the_page_and_the_dashboard_answer_from_kept_figures_with_no_pass_over_the_cases(client):
    ledger = build_ledger()
    client.force_login(ledger.supervisor)
    for url in ("/reports/monthly/?year=2022&park=XQ", "/"):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        scans = [sql for sql in figures_queries(queries) if "GROUP BY" in sql or "COUNT(" in sql]
        assert scans == [], url


@pytest.mark.django_db(transaction=True)
def test_each_scope_keeps_its_own_figures(client):
    """An officer of one park never reads the figures kept for all parks, nor the other way round."""
    ledger = build_ledger()
    superuser = factories.make_user(username="root", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    everything, _ = report_json(client)
    client.force_login(ledger.outsider)  # park BB only
    bb_only, _ = report_json(client)
    client.force_login(ledger.supervisor)  # park XQ only
    xq_only, _ = report_json(client)
    december = [r["months"][11]["register_count"] for r in (everything, bb_only, xq_only)]
    assert december[0] == december[1] + december[2]
    assert december[1] != december[2]


@pytest.mark.django_db(transaction=True)
def test_every_source_of_the_figures_moves_the_version_on_when_saved_or_deleted():
    ledger = build_ledger()
    case = ledger.cases["B"]
    writes = {
        "case saved": lambda: case.save(),
        "parcel saved": lambda: case.parcel.save(),
        "enterprise saved": lambda: factories.make_enterprise(park=ledger.xq).save(),
        "park saved": lambda: ledger.xq.save(),
        "target set": lambda: DisposalTarget.objects.set_for(
            park=ledger.xq, year=2022, rate_pct=Decimal("60"), by=ledger.admin
        ),
        "month closed": lambda: close_month(park=ledger.xq, year=2022, month=1, by=ledger.supervisor),
        "month reopened": lambda: MonthClose.objects.get(park=ledger.xq, month=1).reopen(
            ledger.admin, "数据更正"
        ),
        "measure recorded": lambda: factories.make_measure(
            case=ledger.cases["E"], method="other", notes="技术改造"
        ),
        "case deleted": lambda: ledger.cases["J"].delete(),
    }
    for name, write in writes.items():
        before = counter()
        write()
        assert counter() > before, name
    assert {m._meta.model_name for m in figures.SOURCES} >= {"disposalcase", "landparcel", "monthclose"}


@pytest.mark.django_db(transaction=True)
def test_one_transaction_moves_the_version_once_and_only_when_it_commits():
    ledger = build_ledger()
    before = counter()
    with transaction.atomic():
        for case in DisposalCase.objects.all():
            case.save()
        assert counter() == before, "not before the commit"
    assert counter() == before + 1

    with pytest.raises(RuntimeError), transaction.atomic():
        ledger.cases["A"].save()
        raise RuntimeError("rolled back")
    assert counter() == before + 1, "a rolled-back write moves nothing"


@pytest.mark.django_db(transaction=True)
def test_the_ledger_import_which_writes_in_bulk_moves_the_version_on():
    park = factories.make_park(code="HZ", name="海洲工业园")
    admin = factories.make_user(username="hz-admin", park=park, role=R.PARK_ADMIN)
    factories.make_user(username="hz-officer", park=park, role=R.OFFICER)
    before = counter()
    report = import_ledger(xlsx([case_row(1), case_row(2)]), file_name="台账.xlsx", user=admin)
    assert report.ok and report.imported
    assert counter() > before


@pytest.mark.django_db(transaction=True)
def test_other_parts_are_other_keys_and_a_new_database_never_answers_for_an_old_one():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert figures.cached("probe", ["x"], compute) == 1
    assert figures.cached("probe", ["x"], compute) == 1
    assert figures.cached("probe", ["y"], compute) == 2, "other parts, other key"
    DataVersion.objects.all().delete()  # as in a new database: a new epoch is drawn
    assert figures.cached("probe", ["x"], compute) == 3


@pytest.mark.django_db(transaction=True)
def test_a_database_put_back_at_an_older_version_never_reads_what_was_kept_after_it():
    """A restore brings back an older counter, under which the cache may keep other rows' figures."""

    def case_count():
        return figures.cached("probe", [], DisposalCase.objects.count)

    factories.make_case()
    epoch, _counter = DataVersion.objects.current()
    assert case_count() == 1  # the backup is taken here
    added = factories.make_case()
    assert case_count() == 2
    _epoch, kept_at = DataVersion.objects.current()
    # The database put back as it stood at the backup, one case, and written to as often since:
    # its counter is one the cache already keeps figures of other rows under.
    added.delete()
    DataVersion.objects.filter(pk=1).update(epoch=epoch, counter=kept_at)
    assert case_count() == 2, "under the same epoch, figures kept for other rows answer"
    DataVersion.objects.begin_epoch()
    assert DataVersion.objects.current()[0] != str(epoch)
    assert case_count() == 1


@pytest.mark.django_db
def test_a_transaction_that_has_written_computes_its_figures_afresh_and_keeps_nothing():
    calls = []

    def compute():
        calls.append(timezone.now())
        return len(calls)

    factories.make_case(status="lead")  # pending: this test's transaction never commits
    assert figures.cached("probe", ["x"], compute) == 1
    assert figures.cached("probe", ["x"], compute) == 2
    assert not [key for key in cache._cache if "probe" in key], "nothing kept"


@pytest.mark.django_db(transaction=True)
def test_the_tables_kept_for_readers_never_stand_in_for_a_supervisors_forms(client):
    """The chart and tables are kept as rendered, except when they hold this user's month-end forms."""
    ledger = build_ledger()
    url = "/reports/monthly/?year=2022&park=XQ"
    client.force_login(ledger.viewer)
    for _ in range(2):
        page = client.get(url).content.decode()
        assert "/reports/monthly/close/" not in page and "/reports/monthly/reopen/" not in page
    client.force_login(ledger.supervisor)
    page = client.get(url).content.decode()
    assert page.count('name="month"') == 12, "a form to close each past month of 2022"
    close_month(park=ledger.xq, year=2022, month=1, by=ledger.supervisor)
    client.force_login(ledger.admin)
    page = client.get(url).content.decode()
    assert "/reports/monthly/reopen/" in page


@pytest.mark.django_db(transaction=True)
def test_a_lists_count_and_area_are_kept_per_filter_and_counted_again_after_a_write(client):
    ledger = build_ledger()
    client.force_login(ledger.supervisor)
    url = "/cases/?state=open"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    assert not [sql for sql in figures_queries(queries) if "COUNT(" in sql], "the count is kept"
    assert first.context["total_count"] == DisposalCase.objects.open().filter(parcel__park=ledger.xq).count()

    factories.make_case(park=ledger.xq, status="lead")
    after = client.get(url)
    assert after.context["total_count"] == first.context["total_count"] + 1
    assert client.get("/cases/?state=closed").context["total_count"] == (
        DisposalCase.objects.filter(parcel__park=ledger.xq).count() - after.context["total_count"]
    ), "another filter, its own count"

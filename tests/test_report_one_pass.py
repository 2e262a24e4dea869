"""The report's figures in one pass (docs/disposal-rate.md): the same figures as counting month by
month on a randomised ledger, a fixed number of queries on the page, closed months read from their
close, and the report page's list of disposed cases cut short with a link to all of them."""

import io
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cases import reporting
from cases.exceptions import ReportError
from cases.filtersets import CaseFilterSet
from cases.models import (
    DisposalCase,
    DisposalMethod,
    LandParcel,
    Membership,
    MonthClose,
    RateFigures,
)
from cases.models.choices import METHODS_BY_CATEGORY, OPEN_STATUSES, Status
from cases.models.rate import disposed_q, month_ends, register_q
from cases.scoping import cases_for
from tests.factories import make_enterprise, make_park, make_user
from tests.worlds.reporting import build_ledger, get_report, page_months, zh

pytestmark = pytest.mark.django_db

R = Membership.Role
CENT = Decimal("0.01")


# A randomised ledger ---------------------------------------------------------------------------------


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _random_fields(rng: random.Random, category: str) -> dict:
    """A case's status and the dates and figures that status carries, as the workflow leaves them."""
    status = rng.choices(list(Status), weights=[1, 1, 2, 2, 2, 4, 1])[0]
    opened = _random_date(rng, date(2019, 1, 1), date(2023, 6, 30))
    fields = {"status": status, "opened_on": opened, "category": category}
    if status in (Status.LEAD, Status.INVESTIGATING):
        return fields
    before_close = rng.choice(["", *OPEN_STATUSES]) if status == Status.WITHDRAWN else ""
    if status == Status.WITHDRAWN and before_close in ("", Status.LEAD, Status.INVESTIGATING):
        return fields | {"status_before_close": before_close}
    identified = _random_date(rng, opened, date(2023, 9, 30))
    fields |= {"identified_on": identified, "status_before_close": before_close}
    if status in (Status.IMPLEMENTING, Status.DISPOSED) or rng.random() < 0.3:
        fields |= {
            "disposal_method": rng.choice(METHODS_BY_CATEGORY[category]),
            "decision_on": _random_date(rng, identified, identified + timedelta(days=60)),
        }
    if status == Status.IMPLEMENTING and rng.random() < 0.8:
        fields["target_on"] = _random_date(rng, date(2021, 6, 1), date(2024, 6, 30))
    if status == Status.DISPOSED:
        fields["disposed_on"] = _random_date(rng, fields["decision_on"], date(2023, 12, 31))
        fields["status_before_close"] = Status.IMPLEMENTING
    return fields


def build_random_ledger(seed: int, count: int = 240):
    """Three parks and `count` cases in every status, both categories, over 2019-2023; then some
    real steps back: identified cases sent back to investigation and disposals reopened."""
    rng = random.Random(seed)
    parks = [make_park(code=code) for code in ("RA", "RB", "RC")]
    enterprise = make_enterprise(park=parks[0])
    parcels = LandParcel.objects.bulk_create(
        [
            LandParcel(
                park=parks[i % 3],
                code=f"RND-{i:05d}",
                location="随机园区",
                area_m2=Decimal(rng.randrange(10_000, 9_000_000)) / 100,
                enterprise=enterprise if i % 2 else None,
            )
            for i in range(count)
        ]
    )
    cases = []
    for i, parcel in enumerate(parcels):
        fields = _random_fields(rng, rng.choice(["idle", "inefficient"]))
        if fields.get("disposed_on"):
            fields["disposed_area_m2"] = max(CENT, (parcel.area_m2 * Decimal(rng.random())).quantize(CENT))
        cases.append(
            DisposalCase(
                number=f"{parcel.park.code}-2020-{i + 1:03d}",
                parcel=parcel,
                case_area_m2=parcel.area_m2,
                **fields,
            )
        )
    DisposalCase.objects.bulk_create(cases)
    _step_back(parks, rng)
    return parks


def _step_back(parks, rng: random.Random) -> None:
    for park in parks:
        officer = make_user(park=park, role=R.OFFICER)
        admin = make_user(park=park, role=R.PARK_ADMIN)
        in_park = DisposalCase.objects.filter(parcel__park=park).order_by("number")
        for case in rng.sample(list(in_park.filter(status=Status.IDENTIFIED)), 3):
            case.transition_to(Status.INVESTIGATING, by=officer, reason="认定依据不足，补充调查")
        for case in rng.sample(list(in_park.filter(status=Status.DISPOSED)), 3):
            case.transition_to(Status.IMPLEMENTING, by=admin, reason="处置面积有误，重新核定")


# The same figures counted the plain way: one aggregate per month and figure ---------------------------


def _count_and_area(cases, condition: Q, field: str) -> tuple[int, Decimal]:
    row = cases.filter(condition).aggregate(n=Count("pk"), area=Sum(field))
    return row["n"], Decimal(row["area"] or 0).quantize(CENT)


def months_by_plain_counting(cases, year: int, as_of: date) -> list[tuple]:
    rows = []
    for month, first, end in month_ends(year, as_of):
        register = register_q(year=year, as_of=end)
        rows.append(
            (
                month,
                *_count_and_area(cases, register & Q(identified_on__gte=first), "case_area_m2"),
                *_count_and_area(cases, disposed_q(start=first, end=end), "disposed_area_m2"),
                *_count_and_area(cases, register, "case_area_m2"),
                *_count_and_area(cases, disposed_q(start=date(year, 1, 1), end=end), "disposed_area_m2"),
            )
        )
    return rows


def months_in_one_pass(cases, year: int, as_of: date) -> list[tuple]:
    return [
        (
            m.month,
            m.identified_count,
            m.identified_area_m2,
            m.disposed_count,
            m.disposed_area_m2,
            m.cumulative.register_count,
            m.cumulative.register_area_m2,
            m.cumulative.disposed_count,
            m.cumulative.disposed_area_m2,
        )
        for m in cases.year_figures(year=year, as_of=as_of).months
    ]


def breakdown_by_plain_counting(cases, field: str, year: int, as_of: date) -> dict:
    register = cases.filter(register_q(year=year, as_of=as_of))
    figures = {}
    for value in sorted(set(register.values_list(field, flat=True))):
        group = register.filter(**{field: value})
        n, area = _count_and_area(group, Q(), "case_area_m2")
        d, disposed = _count_and_area(
            group, disposed_q(start=date(year, 1, 1), end=as_of), "disposed_area_m2"
        )
        figures[value] = RateFigures(n, area, d, disposed)
    return figures


PERIODS = [
    (2022, date(2022, 12, 31)),
    (2022, date(2022, 6, 15)),
    (2022, date(2022, 1, 1)),
    (2021, date(2021, 11, 30)),
    (2023, date(2023, 9, 30)),
]


def scopes(parks):
    every = DisposalCase.objects.all()
    return {
        "all parks": every,
        "one park": every.filter(parcel__park=parks[1]),
        "two parks, idle": every.filter(parcel__park__in=parks[:2], category="idle"),
        "inefficient": every.filter(category="inefficient"),
    }


@pytest.mark.parametrize("seed", [7, 2024])
def test_one_pass_gives_the_figures_of_counting_month_by_month(seed):
    parks = build_random_ledger(seed)
    stepped_back = DisposalCase.history.filter(status=Status.INVESTIGATING, history_type="~").count()
    assert stepped_back == 9, "the ledger has cases stepped back out of identified"
    assert DisposalCase.objects.filter(status=Status.IMPLEMENTING, status_before_close="").exists()
    for name, cases in scopes(parks).items():
        for year, as_of in PERIODS:
            plain = months_by_plain_counting(cases, year, as_of)
            assert months_in_one_pass(cases, year, as_of) == plain, (name, as_of)
            figures = cases.year_figures(year=year, as_of=as_of)
            assert figures.totals == cases.rate_figures(year=year, as_of=as_of), (name, as_of)
            assert figures.forecast_area_m2 == cases.forecast_area_m2(year=year, as_of=as_of)
    # The data is varied enough for the comparison to mean something.
    december = months_in_one_pass(DisposalCase.objects.all(), 2022, date(2022, 12, 31))
    assert sum(1 for row in december if row[1]) >= 6 and sum(1 for row in december if row[3]) >= 6
    assert december[0][5] > december[0][1], "January's register carries cases of earlier years"


@pytest.mark.parametrize("seed", [7, 2024])
def test_breakdowns_in_one_query_give_the_figures_of_each_group_counted_apart(seed):
    parks = build_random_ledger(seed)
    fields = ("category", "disposal_method", "parcel__park__code")
    for name, cases in scopes(parks).items():
        for year, as_of in PERIODS:
            with CaptureQueriesContext(connection) as queries:
                together = cases.rate_breakdowns(fields, year=year, as_of=as_of)
            assert len(queries) == 1
            for field in fields:
                apart = breakdown_by_plain_counting(cases, field, year, as_of)
                assert together[field] == apart, (name, as_of, field)
                assert list(together[field]) == list(apart), "ordered by the group's value"
                assert together[field] == cases.rate_breakdown(field, year=year, as_of=as_of)
    methods = cases.rate_breakdown("disposal_method", year=2022, as_of=date(2022, 12, 31))
    assert "" in methods and len(set(methods) & set(DisposalMethod.values)) >= 3


def test_the_report_takes_its_months_totals_and_forecast_from_one_query():
    parks = build_random_ledger(11)
    cases = DisposalCase.objects.filter(parcel__park__in=parks[:2])
    with CaptureQueriesContext(connection) as queries:
        report = reporting.monthly_report(cases, year=2022, as_of=date(2022, 10, 20))
        report.as_dict()
    # The benchmark, then the one pass; no close is read for a report over several parks.
    assert len(queries) == 2
    plain = months_by_plain_counting(cases, 2022, date(2022, 10, 20))
    assert months_in_one_pass(cases, 2022, date(2022, 10, 20)) == plain
    assert [row.as_dict()["register_count"] for row in report.months] == [row[5] for row in plain]
    assert report.totals == cases.rate_figures(year=2022, as_of=date(2022, 10, 20))


def test_an_empty_ledger_gives_empty_months_in_one_pass():
    figures = DisposalCase.objects.year_figures(year=2022, as_of=date(2022, 3, 10))
    assert [m.month for m in figures.months] == [1, 2, 3]
    assert figures.months[-1].end == date(2022, 3, 10)
    assert {m.cumulative for m in figures.months} == {RateFigures(0, Decimal("0.00"), 0, Decimal("0.00"))}
    assert figures.forecast_area_m2 == Decimal("0.00")


# Queries of the page and the JSON: a fixed number -----------------------------------------------------


def bulk_disposed(park, count: int, *, start: int = 0) -> None:
    """`count` cases of `park` disposed in 2022, one a day from 3 January, each on its own parcel."""
    parcels = LandParcel.objects.bulk_create(
        [
            LandParcel(park=park, code=f"DSP-{park.code}-{i:04d}", location="园区", area_m2=Decimal("500.00"))
            for i in range(start, start + count)
        ]
    )
    DisposalCase.objects.bulk_create(
        [
            DisposalCase(
                number=f"{park.code}-2022-{i + 100:03d}",
                parcel=parcel,
                category="idle",
                case_area_m2=Decimal("500.00"),
                opened_on=date(2021, 12, 1),
                identified_on=date(2022, 1, 2),
                disposal_method="idle_fee",
                decision_on=date(2022, 1, 2),
                status="disposed",
                status_before_close="implementing",
                disposed_on=date(2022, 1, 3) + timedelta(days=i % 300),
                disposed_area_m2=Decimal("400.00"),
            )
            for i, parcel in zip(range(start, start + count), parcels, strict=True)
        ]
    )


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Every request: the session, then the user with the user's parks and roles (they name the scope of
# kept figures) and the data version in one query, the benchmark and the one pass over the cases (a
# session renewed within the minute is not written again). One park adds that park and its closes;
# the page adds the breakdowns (one query) and the first disposed cases. Counted with one closed
# month and with five; the test's own writes are uncommitted, so nothing is kept
# (tests/test_figures_cache.py).
PAGE_QUERIES = {
    "/reports/monthly/?year=2022&park=XQ": 8,
    "/reports/monthly/?year=2022": 6,
    "/reports/monthly.json?year=2022&park=XQ": 6,
    "/reports/monthly.json?year=2022": 4,
}


def test_page_and_json_make_a_fixed_number_of_queries_whatever_the_cases_and_closes(client):
    ledger = build_ledger()
    Membership.objects.create(user=ledger.supervisor, park=ledger.bb, role=R.VIEWER)
    reporting.close_month(park=ledger.xq, year=2022, month=1, by=ledger.supervisor)
    client.force_login(ledger.supervisor)
    for url in PAGE_QUERIES:
        client.get(url)  # warm up: content types, translations
    few = {url: queries_of(client, url) for url in PAGE_QUERIES}
    bulk_disposed(ledger.xq, 250)
    bulk_disposed(ledger.bb, 50, start=250)
    for month in (2, 3, 4, 5):
        reporting.close_month(park=ledger.xq, year=2022, month=month, by=ledger.admin)
    many = {url: queries_of(client, url) for url in PAGE_QUERIES}
    assert few == many == PAGE_QUERIES


# Closed months: the reported figures come from the close --------------------------------------------


def test_a_closed_month_shows_what_its_close_holds_and_a_reopened_one_what_the_data_gives(client):
    ledger = build_ledger()
    close = reporting.close_month(park=ledger.xq, year=2022, month=3, by=ledger.supervisor)
    frozen = dict(close.figures)
    # What the close holds is what the page reports, whatever the data gives now.
    frozen["all"] = frozen["all"] | {"rate_pct": "12.3", "register_area_m2": "99999.00"}
    MonthClose.objects.filter(pk=close.pk).update(figures=frozen)
    response = get_report(client, ledger.admin, "year=2022&park=XQ")
    restatement = response.context["restatements"][3]
    assert restatement.reported["rate_pct"] == "12.3"
    assert restatement.differences["register_area_m2"] == Decimal("10200.00") - Decimal("99999.00")
    assert "12.3%" in response.content.decode()
    current = page_months(response.content.decode())[2]
    assert current["register_area_m2"] == "10200.00" and current["rate_pct"] == "29.4"
    # Reopened: the month is the data's again, and may be closed anew.
    close.refresh_from_db()
    close.reopen(ledger.admin, "  上报数据有误  ")
    response = get_report(client, ledger.admin, "year=2022&park=XQ")
    assert 3 not in response.context["restatements"]
    assert 3 in response.context["closable"]
    assert "12.3%" not in response.content.decode()
    assert page_months(response.content.decode())[2] == current


def test_reopen_is_the_close_own_method_and_keeps_its_rules():
    ledger = build_ledger()
    close = reporting.close_month(park=ledger.xq, year=2022, month=3, by=ledger.supervisor)
    with pytest.raises(ReportError, match=zh("Give the reason for reopening the month.")):
        close.reopen(ledger.admin, "  ")
    close.refresh_from_db()
    assert close.reopened_at is None
    close.reopen(ledger.admin, "  上报数据有误  ")
    close.refresh_from_db()
    assert (close.reopened_by, close.reopen_reason) == (ledger.admin, "上报数据有误")
    assert close.history.order_by("-history_id").first().history_user == ledger.admin
    with pytest.raises(ReportError):
        close.reopen(ledger.admin, "再次撤销")
    assert MonthClose.objects.in_force().count() == 0
    assert not hasattr(reporting, "reopen_month")


# The page lists the first disposed cases; the files and the case list all of them ---------------------


def test_the_page_lists_the_first_100_disposed_cases_and_links_to_all_of_them(client):
    ledger = build_ledger()
    bulk_disposed(ledger.xq, 140)
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-11-30")
    html = response.content.decode()
    # XQ's own cases A, B and H are disposed by 30 November, and I: 144 in all.
    total = DisposalCase.objects.filter(parcel__park=ledger.xq).disposed_in_year(
        year=2022, as_of=date(2022, 11, 30)
    )
    assert total.count() == 144
    shown = response.context["report"].disposed_cases_shown
    assert len(shown) == 100
    assert [c.number for c in shown] == [c.number for c in total.order_by("disposed_on", "number")[:100]]
    disposed_table = html.split(zh("Cases disposed in %(year)s", year=2022), 1)[1].split("</table>", 1)[0]
    assert disposed_table.count('<tr><td><a href="/cases/') == 100
    assert zh(
        "Showing the first %(shown)s of %(total)s cases disposed, by date of disposal.", shown=100, total=144
    ) in " ".join(html.split())
    link = (
        "/cases/?status=disposed&amp;disposed_after=2022-01-01&amp;disposed_before=2022-11-30"
        f"&amp;park={ledger.xq.pk}"
    )
    assert link in html
    # The case list's own filters, given the link's parameters, find all of them.
    query = dict(part.split("=") for part in link.split("?")[1].split("&amp;"))
    form_fields = CaseFilterSet(
        query, queryset=DisposalCase.objects.none(), user=ledger.supervisor
    ).form.fields
    assert {key.removesuffix("_after").removesuffix("_before") for key in query} <= set(form_fields)
    found = CaseFilterSet(query, queryset=cases_for(ledger.supervisor), user=ledger.supervisor).qs
    assert found.count() == 144
    assert client.get(link.replace("&amp;", "&")).status_code == 200
    # The workbook lists them all.
    xlsx = get_report(
        client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-11-30", "/reports/monthly.xlsx"
    )
    assert load_workbook(io.BytesIO(xlsx.content)).worksheets[-1].max_row == 1 + 144


def test_a_short_list_of_disposed_cases_is_shown_whole_without_a_count(client):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ")
    assert len(response.context["report"].disposed_cases_shown) == 4  # A, B, H, I
    assert 'data-testid="disposed-shown"' not in response.content.decode()

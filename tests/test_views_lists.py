"""Lists, exports, the dashboard, and the query counts of every list and page (issue 3)."""

import csv
import html
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import DisposalCase, DisposalTarget, Membership, Partner
from tests import factories
from tests.worlds.exports import body
from tests.worlds.staff import add_document, build_world, case_url, new_enterprise_data, sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture
def world():
    return build_world()


def numbers(response) -> list[str]:
    return [case.number for case in response.context["object_list"]]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf"), "the CSV must start with a UTF-8 BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).active


# A small ledger in park A beside the world's one case ------------------------------------------


@pytest.fixture
def ledger(world):
    """Five cases of park A (the world's `case_a` and k1–k4) and park B's `case_b`."""
    a = world.park_a
    jinwan = factories.make_enterprise(park=a, name="金湾精密")
    k1 = factories.make_case(
        parcel=factories.make_parcel(park=a, code="K-01", location="金湾大道88号", enterprise=jinwan),
        status="disposed",
        case_area_m2="3000.00",
        opened_on=date(2022, 2, 1),
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 4, 1),
        disposed_on=date(2022, 9, 1),
        disposed_area_m2="3000.00",
        officer=world.supervisor_a,
        low_willingness=True,
        litigation="lawsuit",
    )
    k2 = factories.make_case(
        parcel=factories.make_parcel(park=a, code="K-02", location="白藤湖"),
        category="inefficient",
        status="implementing",
        case_area_m2="5000.00",
        opened_on=date(2021, 5, 1),
        identified_on=date(2021, 6, 1),
        disposal_method="transfer",
        decision_on=date(2021, 8, 1),
        officer=world.officer_a,
        funding_gap=True,
        evidence_difficulty=True,
    )
    k3 = factories.make_case(
        parcel=factories.make_parcel(park=a, code="K-03", location="平沙镇"),
        status="withdrawn",
        status_before_close="investigating",
        case_area_m2="2000.00",
        opened_on=date(2022, 4, 1),
        identified_on=date(2022, 5, 1),
        litigation_risk=True,
    )
    k4 = factories.make_case(
        parcel=factories.make_parcel(park=a, code="K-04", location="红旗镇"),
        status="disposed",
        case_area_m2="4000.00",
        opened_on=date(2021, 1, 5),
        identified_on=date(2021, 2, 1),
        disposal_method="idle_fee",
        decision_on=date(2021, 3, 1),
        disposed_on=date(2021, 10, 1),
        disposed_area_m2="4000.00",
    )
    return {"a": world.case_a.number, "k1": k1.number, "k2": k2.number, "k3": k3.number, "k4": k4.number}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"a", "k1", "k2", "k3", "k4"}),
        ("q=K-0", {"k1", "k2", "k3", "k4"}),
        ("q=k-01", {"k1"}),
        ("q=金湾", {"k1"}),
        ("q=甲园企业", {"a"}),
        ("q=AA-2021", {"k2", "k4"}),
        ("q=白藤", {"k2"}),
        ("q=+白藤+", {"k2"}),
        ("q=乙园", set()),
        ("status=disposed", {"k1", "k4"}),
        ("state=open", {"a", "k2"}),
        ("state=closed", {"k1", "k3", "k4"}),
        ("category=inefficient", {"k2"}),
        ("disposal_method=transfer", {"k2"}),
        ("litigation=lawsuit", {"k1"}),
        ("low_willingness=true", {"k1"}),
        ("low_willingness=false", {"a", "k2", "k3", "k4"}),
        ("funding_gap=true", {"k2"}),
        ("evidence_difficulty=true", {"k2"}),
        ("litigation_risk=true", {"k3"}),
        ("identified_after=2022-01-01", {"k1", "k3"}),
        ("identified_before=2021-12-31", {"k2", "k4"}),
        ("identified_after=2021-03-01&identified_before=2022-03-01", {"k1", "k2"}),
        ("disposed_after=2022-01-01&disposed_before=2022-12-31", {"k1"}),
        ("opened_after=2022-01-01", {"a", "k1", "k3"}),
        ("register_year=2022", {"k1", "k2"}),
        ("register_year=2021", {"k2", "k4"}),
        ("register_year=2022&as_of=2022-02-01", {"k2"}),
        ("state=closed&category=idle&q=K", {"k1", "k3", "k4"}),
    ],
)
def test_the_case_list_filters_from_the_url(client, world, ledger, query, expected):
    sign_in(client, world.viewer_a)
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 200
    assert set(numbers(response)) == {ledger[key] for key in expected}
    assert response.context["total_count"] == len(expected)


def test_the_case_list_filters_by_officer_and_park(client, world, ledger):
    sign_in(client, world.viewer_a)
    assert set(numbers(client.get(f"/cases/?officer={world.officer_a.pk}"))) == {ledger["a"], ledger["k2"]}
    assert len(numbers(client.get(f"/cases/?park={world.park_a.pk}"))) == 5


def test_the_filtered_count_and_total_area_are_on_the_page(client, world, ledger):
    sign_in(client, world.viewer_a)
    response = client.get("/cases/?state=closed")
    assert response.context["total_count"] == 3
    assert response.context["total_area"] == Decimal("9000.00")
    text = re.sub(r"\s+", " ", response.text)
    assert "3 rows" in text
    assert "total area 9,000.00 m²" in text
    assert "13.50 mu" in text


def test_the_filters_stay_in_the_export_links(client, world, ledger):
    sign_in(client, world.viewer_a)
    page = client.get("/cases/?state=closed&q=K&sort=-case_area_m2").text
    assert "/cases/export.csv?state=closed&amp;q=K&amp;sort=-case_area_m2" in page
    assert "/cases/export.xlsx?state=closed&amp;q=K&amp;sort=-case_area_m2" in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-case_area_m2", ["a", "k2", "k4", "k1", "k3"]),
        ("case_area_m2", ["k3", "k1", "k4", "k2", "a"]),
        ("parcel", ["a", "k1", "k2", "k3", "k4"]),
        ("-identified_on", ["k3", "k1", "k2", "k4", "a"]),
    ],
)
def test_the_case_list_sorts_by_a_column(client, world, ledger, sort, expected):
    sign_in(client, world.viewer_a)
    response = client.get(f"/cases/?sort={sort}")
    if sort == "-identified_on":
        # Where NULLs sort depends on the database; only the identified cases' order is fixed.
        assert [n for n in numbers(response) if n != ledger["a"]] == [ledger[k] for k in expected[:-1]]
    else:
        assert numbers(response) == [ledger[key] for key in expected]
    assert response.context["sort"] == sort


def test_the_open_case_count_of_a_parcel_links_to_exactly_its_cases(client, world):
    """Parcel A-1's "1 open case" must not list A-10's case, nor a case whose location mentions A-1."""
    short = factories.make_parcel(park=world.park_a, code="A-1", location="金湾")
    factories.make_case(parcel=short)
    factories.make_case(parcel=factories.make_parcel(park=world.park_a, code="A-10", location="金湾"))
    factories.make_case(parcel=factories.make_parcel(park=world.park_a, code="Z-9", location="A-1 东侧"))
    sign_in(client, world.viewer_a)
    page = client.get("/parcels/?q=A-1")
    row = next(p for p in page.context["object_list"] if p.code == "A-1")
    assert row.open_cases == 1
    links = [html.unescape(link) for link in re.findall(r'href="(/cases/\?[^"]+)"', page.text)]

    def for_short(link: str) -> bool:
        params = parse_qs(urlsplit(link).query)
        return params.get("state") == ["open"] and (
            params.get("q") == ["A-1"] or params.get("parcel") == [str(short.pk)]
        )

    link = next(link for link in links if for_short(link))
    assert list_count(client, link) == row.open_cases


@pytest.mark.parametrize("sort", ["password", "-", "", "parcel__park__name", "summary", "-officer__password"])
def test_an_unknown_sort_key_is_ignored(client, world, ledger, sort):
    sign_in(client, world.viewer_a)
    response = client.get("/cases/", {"sort": sort})
    assert response.status_code == 200
    default = client.get("/cases/")
    assert numbers(response) == numbers(default)
    assert response.context["sort"] == ""


def test_parcels_and_enterprises_filter_and_sort_too(client, world, ledger):
    sign_in(client, world.viewer_a)
    codes = lambda r: [p.code for p in r.context["object_list"]]  # noqa: E731
    assert codes(client.get("/parcels/?q=金湾")) == ["K-01"]
    assert codes(client.get("/parcels/?has_open_case=true")) == ["A-01", "K-02"]
    assert codes(client.get("/parcels/?has_open_case=false")) == ["K-01", "K-03", "K-04"]
    assert codes(client.get(f"/parcels/?enterprise={world.enterprise_a.pk}")) == ["A-01"]
    assert codes(client.get("/parcels/?sort=-area_m2"))[0] == "A-01"
    names = lambda r: [e.name for e in r.context["object_list"]]  # noqa: E731
    assert names(client.get("/enterprises/?q=金湾")) == ["金湾精密"]
    assert names(client.get(f"/enterprises/?q={world.enterprise_a.credit_code}")) == ["甲园企业"]
    assert names(client.get("/enterprises/?sort=-name")) == ["金湾精密", "甲园企业"]


@pytest.mark.parametrize(
    "query",
    [
        "identified_after=notadate",
        "identified_before=2022-13-45",
        "officer=abc",
        "officer=999999",
        "park=999999",
        "park=-1",
        "register_year=1800",
        "register_year=abc",
        "register_year=NaN",
        "register_year=1e400",
        "register_year=2022&as_of=never",
        "status=nope",
        "state=maybe",
        "category=",
        "low_willingness=perhaps",
        "litigation=%3Cscript%3E",
        "q=" + "x" * 5000,
        "unknown=1",
        "sort=-case_area_m2&sort=number",
    ],
)
def test_malformed_filters_give_the_list(client, world, ledger, query):
    sign_in(client, world.viewer_a)
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.text


@pytest.mark.parametrize("path", ["/parcels/", "/enterprises/"])
@pytest.mark.parametrize("query", ["park=abc", "enterprise=abc", "has_open_case=maybe", "land_use=x"])
def test_malformed_filters_give_the_other_lists(client, world, path, query):
    sign_in(client, world.viewer_a)
    assert client.get(f"{path}?{query}").status_code == 200


# Pagination -----------------------------------------------------------------------------------


@pytest.fixture
def sixty_cases(world):
    for index in range(60):
        factories.make_case(park=world.park_a, opened_on=date(2020, 1, 1) + timedelta(index))
    return 61  # with the world's case_a


def test_the_case_list_shows_25_rows_a_page(client, world, sixty_cases):
    sign_in(client, world.viewer_a)
    first = client.get("/cases/")
    assert len(first.context["object_list"]) == 25
    assert first.context["total_count"] == sixty_cases
    third = client.get("/cases/?page=3")
    assert len(third.context["object_list"]) == 11
    seen = numbers(first) + numbers(client.get("/cases/?page=2")) + numbers(third)
    assert len(set(seen)) == sixty_cases


def test_the_page_links_keep_the_filters(client, world, sixty_cases):
    sign_in(client, world.viewer_a)
    page = client.get("/cases/?state=open&sort=number").text
    assert "?state=open&amp;sort=number&amp;page=2" in page


@pytest.mark.parametrize("number", ["abc", "-1", "0", "", "1.5", "%20", "１"])
def test_a_malformed_page_number_gives_the_first_page(client, world, sixty_cases, number):
    sign_in(client, world.viewer_a)
    response = client.get(f"/cases/?page={number}")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_a_page_number_in_superscript_gives_the_first_page(client, world, sixty_cases):
    # "²".isdigit() is True, but int("²") raises: the page number must be parsed with care.
    sign_in(client, world.viewer_a)
    response = client.get("/cases/", {"page": "²"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


@pytest.mark.parametrize("number", ["4", "99", "99999999999999999999999"])
def test_a_page_past_the_end_is_not_found(client, world, sixty_cases, number):
    sign_in(client, world.viewer_a)
    assert client.get(f"/cases/?page={number}").status_code == 404


def test_an_empty_list_has_a_first_page_and_nothing_after(client, world):
    sign_in(client, world.viewer_a)
    assert client.get("/cases/?q=nothing-like-this").status_code == 200
    assert client.get("/cases/?q=nothing-like-this&page=2").status_code == 404


@pytest.mark.parametrize("path", ["/parcels/", "/enterprises/"])
def test_the_other_lists_paginate_too(client, world, path):
    for _index in range(30):
        enterprise = factories.make_enterprise(park=world.park_a)
        factories.make_parcel(park=world.park_a, enterprise=enterprise)
    sign_in(client, world.viewer_a)
    assert len(client.get(path).context["object_list"]) == 25
    assert len(client.get(f"{path}?page=2").context["object_list"]) == 6
    assert client.get(f"{path}?page=abc").status_code == 200
    assert client.get(f"{path}?page=3").status_code == 404


# Exports --------------------------------------------------------------------------------------


def test_the_case_export_holds_every_filtered_row_across_pages(client, world, sixty_cases):
    DisposalCase.objects.filter(number=world.case_a.number).update(low_willingness=True)
    sign_in(client, world.viewer_a)
    rows = csv_rows(client.get("/cases/export.csv"))
    assert len(rows) == 1 + sixty_cases
    listed = set()
    for page in (1, 2, 3):
        listed |= set(numbers(client.get(f"/cases/?page={page}")))
    assert {row[0] for row in rows[1:]} == listed
    assert [row[0] for row in csv_rows(client.get("/cases/export.csv?low_willingness=true"))[1:]] == [
        world.case_a.number
    ]
    sheet = xlsx_sheet(client.get("/cases/export.xlsx"))
    assert sheet.max_row == 1 + sixty_cases
    assert {sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)} == listed


def test_the_export_keeps_the_lists_filter_and_order(client, world, ledger):
    sign_in(client, world.viewer_a)
    query = "state=closed&sort=-case_area_m2"
    listed = numbers(client.get(f"/cases/?{query}"))
    assert [row[0] for row in csv_rows(client.get(f"/cases/export.csv?{query}"))[1:]] == listed
    sheet = xlsx_sheet(client.get(f"/cases/export.xlsx?{query}"))
    assert [sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)] == listed


def test_the_case_export_has_the_columns_a_ledger_needs(client, world, ledger):
    sign_in(client, world.viewer_a)
    header, *rows = csv_rows(client.get("/cases/export.csv?q=K-01"))
    row = dict(zip(header, rows[0], strict=True))
    assert row["case number"] == ledger["k1"]
    assert row["parcel number"] == "K-01"
    assert row["location"] == "金湾大道88号"
    assert row["land user"] == "金湾精密"
    assert row["status"] == "disposed"
    assert row["area under disposal (m²)"] == "3000.00"
    assert row["disposed on"] == "2022-09-01"
    assert row["case officer"] == "supervisor-a"


@pytest.fixture
def formulas(world):
    """Text a spreadsheet would run as a formula, in every kind of exported cell."""
    enterprise = factories.make_enterprise(
        park=world.park_a,
        name='=HYPERLINK("http://evil.example","点我")',
        contact_person="-2+3",
        contact_phone="+86 138",
    )
    parcel = factories.make_parcel(park=world.park_a, code="@SUM(A1)", location="+1-2", enterprise=enterprise)
    factories.make_case(parcel=parcel)
    return {'=HYPERLINK("http://evil.example","点我")', "-2+3", "+86 138", "@SUM(A1)", "+1-2"}


@pytest.mark.parametrize("path", ["/cases/export.csv", "/parcels/export.csv", "/enterprises/export.csv"])
def test_csv_exports_neutralise_formulas(client, world, formulas, path):
    sign_in(client, world.viewer_a)
    cells = {cell for row in csv_rows(client.get(path)) for cell in row}
    dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert dangerous == []
    neutralised = {cell[1:] for cell in cells if cell.startswith("'")}
    assert neutralised & formulas


@pytest.mark.parametrize("path", ["/cases/export.xlsx", "/parcels/export.xlsx", "/enterprises/export.xlsx"])
def test_xlsx_exports_store_formulas_as_text(client, world, formulas, path):
    sign_in(client, world.viewer_a)
    sheet = xlsx_sheet(client.get(path))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    starting = [cell for cell in cells if cell.value[:1] in ("=", "+", "-", "@")]
    assert {cell.value for cell in starting} & formulas
    assert all(cell.data_type == "s" for cell in starting), [(c.coordinate, c.data_type) for c in starting]


@pytest.mark.parametrize(
    "path",
    [
        "/cases/export.pdf",
        "/cases/export.json",
        "/parcels/export.html",
        "/enterprises/export.CSV",
    ],
)
def test_an_unknown_export_format_is_not_found(client, world, path):
    sign_in(client, world.viewer_a)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["disposed_after=%00", "q=%00", "q=a%0Bb"])
@pytest.mark.parametrize("path", ["/cases/", "/parcels/", "/enterprises/", "/cases/export.xlsx"])
def test_control_characters_in_a_filter_are_refused_with_the_400_page(client, world, path, query):
    sign_in(client, world.viewer_a)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "control character" in response.text


def test_text_pasted_with_control_characters_still_exports(client, world):
    """Text pasted from Word or Excel may carry a vertical tab or a bell: forms refuse it now, but rows
    stored before (or by other means) must still export."""
    sign_in(client, world.officer_a)
    response = client.post(
        "/enterprises/new/", new_enterprise_data(world.park_a, name="金湾\x0b精密\x07科技")
    )
    assert response.status_code == 400
    factories.make_enterprise(park=world.park_a, name="金湾\x0b精密\x07科技")
    for path in ("/enterprises/export.xlsx", "/enterprises/export.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
    sheet = xlsx_sheet(client.get("/enterprises/export.xlsx"))
    assert any("精密" in str(cell.value) for row in sheet.iter_rows(min_row=2) for cell in row)


def test_the_exports_are_named_files(client, world):
    sign_in(client, world.viewer_a)
    assert client.get("/cases/export.csv")["Content-Disposition"] == 'attachment; filename="cases.csv"'
    assert client.get("/parcels/export.xlsx")["Content-Disposition"] == 'attachment; filename="parcels.xlsx"'


def test_the_parcel_and_enterprise_exports_hold_their_filtered_rows(client, world, ledger):
    sign_in(client, world.viewer_a)
    parcels = csv_rows(client.get("/parcels/export.csv?has_open_case=true"))
    assert [row[0] for row in parcels[1:]] == ["A-01", "K-02"]
    enterprises = csv_rows(client.get("/enterprises/export.csv?q=金湾"))
    assert [row[0] for row in enterprises[1:]] == ["金湾精密"]


# Dashboard ------------------------------------------------------------------------------------


@pytest.fixture
def this_year(world):
    """Park A this year: one case disposed (3,000 m²), one in the register still open (7,000 m²)."""
    today = timezone.localdate()
    year_start = date(today.year, 1, 1)
    a = world.park_a
    disposed = factories.make_case(
        park=a,
        status="disposed",
        case_area_m2="3000.00",
        opened_on=date(today.year - 1, 6, 1),
        identified_on=year_start,
        disposal_method="negotiated_recovery",
        decision_on=year_start,
        disposed_on=year_start,
        disposed_area_m2="3000.00",
    )
    implementing = factories.make_case(
        park=a,
        status="implementing",
        case_area_m2="7000.00",
        opened_on=date(today.year - 1, 6, 1),
        identified_on=date(today.year - 1, 7, 1),
        disposal_method="idle_fee",
        decision_on=date(today.year - 1, 8, 1),
        officer=world.officer_a,
        funding_gap=True,
    )
    investigating = factories.make_case(
        park=a, status="investigating", case_area_m2="500.00", officer=world.officer_a, low_willingness=True
    )
    # Deadlines: one overdue, one due in 5 days, one met, one far off, one on a closed case.
    factories.make_event(
        case=implementing, title="缴费期限", occurred_on=today - timedelta(40), due_on=today - timedelta(1)
    )
    factories.make_event(
        case=investigating,
        title="陈述申辩期限",
        occurred_on=today - timedelta(5),
        due_on=today + timedelta(5),
    )
    factories.make_event(
        case=investigating,
        title="已答复",
        occurred_on=today - timedelta(40),
        due_on=today - timedelta(10),
        due_met_on=today - timedelta(20),
    )
    factories.make_event(
        case=investigating, title="远期期限", occurred_on=today - timedelta(1), due_on=today + timedelta(30)
    )
    factories.make_event(
        case=disposed, title="已结案件期限", occurred_on=today - timedelta(40), due_on=today - timedelta(2)
    )
    return {"disposed": disposed, "implementing": implementing, "investigating": investigating}


def test_the_dashboard_shows_this_years_rate_against_the_benchmark(client, world, this_year):
    sign_in(client, world.viewer_a)
    response = client.get("/")
    figures = response.context["figures"]
    assert (figures.register_count, figures.register_area_m2) == (2, Decimal("10000.00"))
    assert (figures.disposed_count, figures.disposed_area_m2) == (1, Decimal("3000.00"))
    assert figures.rate_pct == Decimal("30.0")
    assert response.context["benchmark"] == Decimal("55.4")
    text = re.sub(r"\s+", " ", response.text)
    assert "30.0%" in text
    assert "-25.4 pp against the benchmark 55.4%" in text
    assert "count rate 50.0%" in text
    assert "2,540.00 m²" in text  # 55.4 % of 10,000 m² less the 3,000 m² disposed


def test_the_dashboard_measures_a_park_against_its_own_target(client, world, this_year):
    year = timezone.localdate().year
    DisposalTarget.objects.create(park=world.park_b, year=year, rate_pct=Decimal("70.0"))
    sign_in(client, world.viewer_a)
    assert client.get("/").context["benchmark"] == Decimal("55.4")  # park B's target is not A's
    DisposalTarget.objects.create(park=world.park_a, year=year, rate_pct=Decimal("25.0"))
    response = client.get("/")
    assert response.context["benchmark"] == Decimal("25.0")
    assert "+5.0 pp against the benchmark 25.0%" in re.sub(r"\s+", " ", response.text)


def test_the_dashboard_shows_no_rate_for_an_empty_register(client, world):
    sign_in(client, world.viewer_a)
    response = client.get("/")
    assert response.context["figures"].rate_pct is None
    assert 'data-testid="rate">—<' in response.text


def test_the_dashboard_counts_open_cases_by_status_and_by_flag(client, world, this_year):
    sign_in(client, world.viewer_a)
    response = client.get("/")
    by_status = {row["status"]: (row["count"], row["area"]) for row in response.context["status_rows"]}
    assert by_status["lead"] == (1, Decimal("10000.00"))  # the world's case_a
    assert by_status["investigating"] == (1, Decimal("500.00"))
    assert by_status["implementing"] == (1, Decimal("7000.00"))
    assert by_status["identified"][0] == 0
    assert response.context["open_total"] == 3
    by_flag = {row["flag"].value: (row["count"], row["area"]) for row in response.context["flag_rows"]}
    assert by_flag["low_willingness"] == (1, Decimal("500.00"))
    assert by_flag["funding_gap"] == (1, Decimal("7000.00"))
    assert by_flag["litigation_risk"][0] == 0


def test_the_dashboard_lists_overdue_and_soon_due_deadlines_of_open_cases_only(client, world, this_year):
    sign_in(client, world.viewer_a)
    response = client.get("/")
    # Recorded deadlines; the world's case_a, a lead since 2022, is overdue to be investigated as well.
    overdue = response.context["overdue"]
    assert [d.title for d in overdue if d.rule == "recorded"] == ["缴费期限"]
    assert [d.case for d in overdue if d.rule == "investigation_start"] == [world.case_a]
    assert [d.title for d in response.context["due_soon"]] == ["陈述申辩期限"]
    for hidden in ("已答复", "远期期限", "已结案件期限", "乙园通知"):
        assert hidden not in response.text
    assert case_url(this_year["implementing"]) in response.text


def test_the_dashboard_lists_my_open_cases(client, world, this_year):
    sign_in(client, world.officer_a)
    response = client.get("/")
    assert {c.number for c in response.context["my_cases"]} == {
        world.case_a.number,
        this_year["implementing"].number,
        this_year["investigating"].number,
    }
    sign_in(client, world.viewer_a)
    assert list(client.get("/").context["my_cases"]) == []


def dashboard_links(response) -> list[str]:
    return [html.unescape(link) for link in re.findall(r'href="(/cases/\?[^"]+)"', response.text)]


def list_count(client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    return response.context["total_count"]


def test_every_dashboard_figure_links_to_a_list_with_the_same_count(client, world, this_year):
    sign_in(client, world.officer_a)
    response = client.get("/")
    context = response.context
    links = dashboard_links(response)
    today, year = timezone.localdate(), timezone.localdate().year
    expected = {
        f"/cases/?status=disposed&disposed_after={year}-01-01&disposed_before={today:%Y-%m-%d}": context[
            "figures"
        ].disposed_count,
        f"/cases/?register_year={year}": context["figures"].register_count,
        "/cases/?state=open": context["open_total"],
        f"/cases/?state=open&officer={world.officer_a.pk}": len(context["my_cases"]),
    }
    for row in context["status_rows"]:
        expected[f"/cases/?status={row['status'].value}"] = row["count"]
    for row in context["flag_rows"]:
        expected[f"/cases/?state=open&{row['flag'].value}=true"] = row["count"]
    for link, count in expected.items():
        assert link in links, f"the dashboard has no link {link}"
        assert list_count(client, link) == count, link
    assert expected[f"/cases/?register_year={year}"] == 2
    assert expected["/cases/?state=open"] == 3


def test_the_dashboard_links_match_for_a_viewer_too(client, world, this_year):
    sign_in(client, world.viewer_a)
    response = client.get("/")
    for link in dashboard_links(response):
        assert client.get(link).status_code == 200, link
    register = f"/cases/?register_year={timezone.localdate().year}"
    assert list_count(client, register) == response.context["figures"].register_count


# Query counts: the same with 1 row as with 50 ---------------------------------------------------


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
        body(response)  # a streamed export reads its rows while it is sent
    assert response.status_code == 200, path
    return len(context.captured_queries)


def full_case(park, officer, index: int) -> DisposalCase:
    """A case with everything its list row shows: enterprise, parcel, officer, dates, method."""
    enterprise = factories.make_enterprise(park=park, credit_code=factories.credit_code())
    parcel = factories.make_parcel(park=park, enterprise=enterprise, location=f"路{index}")
    return factories.make_case(
        parcel=parcel,
        status="implementing",
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 4, 1),
        officer=officer,
        low_willingness=bool(index % 2),
    )


def officers(park, count: int) -> list:
    return [factories.make_user(park=park, role=R.OFFICER) for _ in range(count)]


@pytest.mark.parametrize(
    "path",
    [
        "/cases/",
        "/cases/?state=open&sort=-case_area_m2",
        "/cases/?register_year=2022&low_willingness=true",
        "/parcels/",
        "/parcels/?has_open_case=true",
        "/enterprises/",
        "/cases/export.csv",
        "/cases/export.xlsx",
        "/parcels/export.csv",
        "/parcels/export.xlsx",
        "/enterprises/export.csv",
        "/enterprises/export.xlsx",
    ],
)
def test_lists_and_exports_make_as_many_queries_for_50_rows_as_for_1(client, path):
    park = factories.make_park(code="QC")
    people = officers(park, 50)
    full_case(park, people[0], 1)
    sign_in(client, factories.make_user(park=park, role=R.VIEWER))
    queries(client, path)  # warm up caches that load once per process
    one = queries(client, path)
    for index in range(1, 50):
        full_case(park, people[index], index + 1)
    assert queries(client, path) == one


def test_the_dashboard_makes_as_many_queries_for_50_cases_as_for_1(client):
    park = factories.make_park(code="QD")
    me = factories.make_user(park=park, role=R.OFFICER)
    today = timezone.localdate()

    def add(index: int) -> None:
        case = full_case(park, me, index)
        factories.make_event(
            case=case, title=f"逾期{index}", occurred_on=today - timedelta(9), due_on=today - timedelta(1)
        )
        factories.make_event(
            case=case, title=f"将到期{index}", occurred_on=today, due_on=today + timedelta(3)
        )
        case.events.create(
            kind="status_change",
            occurred_on=today,
            title="→",
            from_status="planning",
            to_status="implementing",
            override_reason="急",
            actor=factories.make_user(park=park),
        )

    add(0)
    sign_in(client, me)
    queries(client, "/")
    one = queries(client, "/")
    for index in range(1, 50):
        add(index)
    assert queries(client, "/") == one


def test_the_case_page_makes_as_many_queries_for_50_events_documents_measures_and_edits_as_for_1(client):
    park = factories.make_park(code="QE")
    me = factories.make_user(park=park, role=R.SUPERVISOR)
    case = full_case(park, me, 0)
    doc_types = [
        "site_inspection",
        "identification",
        "decision",
        "service_receipt",
        "grant_contract",
        "other",
    ]

    def add(index: int) -> None:
        someone = factories.make_user(park=park, first_name=f"名{index}", last_name="李")
        document = add_document(case=case, doc_type=doc_types[index % len(doc_types)], uploaded_by=someone)
        factories.make_event(
            case=case,
            title=f"事件{index}",
            occurred_on=date(2022, 5, 1),
            due_on=date(2099, 1, 1),
            actor=someone,
            evidence=document,
        )
        partner = Partner.objects.create(park=park, name=f"伙伴{index}", kind="bank")
        factories.make_measure(case=case, partner=partner, amount_wan=Decimal(index), term_months=12)
        case.summary = f"第{index}次修改"
        case.officer = someone if index % 2 else me
        case.save_versioned(by=someone)

    add(0)
    sign_in(client, me)
    path = case_url(case)
    queries(client, path)
    one = queries(client, path)
    for index in range(1, 50):
        add(index)
    response = client.get(path)
    assert len(response.context["events"]) == 50
    assert len(response.context["history"]) == 51
    assert queries(client, path) == one


def test_the_parcel_page_makes_as_many_queries_for_50_cases_and_edits_as_for_1(client):
    park = factories.make_park(code="QF")
    me = factories.make_user(park=park, role=R.OFFICER)
    parcel = factories.make_parcel(park=park, enterprise=factories.make_enterprise(park=park))

    def add(index: int) -> None:
        someone = factories.make_user(park=park, role=R.OFFICER)
        factories.make_case(parcel=parcel, status="withdrawn", status_before_close="lead", officer=someone)
        parcel.location = f"第{index}次改名"
        parcel._history_user = someone
        parcel.save()

    add(0)
    sign_in(client, me)
    path = parcel.get_absolute_url()
    queries(client, path)
    one = queries(client, path)
    for index in range(1, 50):
        add(index)
    assert queries(client, path) == one


def test_the_enterprise_page_makes_as_many_queries_for_50_parcels_and_cases_as_for_1(client):
    park = factories.make_park(code="QG")
    me = factories.make_user(park=park, role=R.OFFICER)
    enterprise = factories.make_enterprise(park=park)

    def add(index: int) -> None:
        parcel = factories.make_parcel(park=park, enterprise=enterprise)
        factories.make_case(parcel=parcel, officer=factories.make_user(park=park, role=R.OFFICER))
        enterprise.address = f"地址{index}"
        enterprise._history_user = me
        enterprise.save()

    add(0)
    sign_in(client, me)
    path = enterprise.get_absolute_url()
    queries(client, path)
    one = queries(client, path)
    for index in range(1, 50):
        add(index)
    assert queries(client, path) == one

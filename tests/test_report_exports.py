"""The monthly report's files (issue 5, docs/disposal-rate.md#the-monthly-report): CSV, XLSX, JSON
and PDF over the web and from `manage.py disposal_report`, the four agreeing with the page figure
for figure, and query counts that do not grow with the number of cases."""

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from cases import reporting
from cases.models import DisposalCase, DisposalTarget, LandParcel, Membership
from tests.factories import make_enterprise, make_park, make_user
from tests.worlds.reporting import (
    ALL_PARKS_MID_MAY,
    MONTH_KEYS,
    XQ_MID_MAY,
    add_case,
    build_ledger,
    get_report,
    load_demo,
    page_months,
    zh,
)

pytestmark = pytest.mark.django_db

R = Membership.Role
DEMO_QUERY = "year=2022&park=XQ"
AREA_TEXT = re.compile(r"^\d+\.\d{2}$")
RATE_TEXT = re.compile(r"^-?\d+\.\d$")
TOP_KEYS = ["scope", "year", "as_of", "benchmark_pct", "months"]


# Reading the files back ----------------------------------------------------------------------------


def _decimal(value, places: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(Decimal(places))


def comparable(month: dict) -> dict:
    """A month row with counts as ints and figures as Decimals, whatever file it came from."""
    result = {}
    for key in MONTH_KEYS:
        value = month[key]
        if key == "month" or key.endswith("_count"):
            result[key] = int(value)
        elif key.endswith("_m2"):
            result[key] = _decimal(value, "0.01")
        else:
            result[key] = _decimal(value, "0.1")
    return result


def csv_months(content: bytes) -> list[dict]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows[0]) == len(MONTH_KEYS)
    return [dict(zip(MONTH_KEYS, values, strict=True)) for values in rows[1:]]


def xlsx_months(content: bytes) -> list[dict]:
    """Month rows start at row 4: a title row, a scope row, then the frozen header row 3."""
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return [
        dict(zip(MONTH_KEYS, values, strict=True))
        for values in sheet.iter_rows(min_row=4, max_col=len(MONTH_KEYS), values_only=True)
        if values[0] is not None
    ]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> dict[str, bool]:
    """Every font the PDF's pages use (form XObjects included) → whether its program is embedded."""
    fonts: dict[str, bool] = {}

    def walk(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants.get_object()[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font.get("/BaseFont"))] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(BytesIO(content)).pages:
        walk(page.get("/Resources"))
    return fonts


def command(*arguments: str) -> None:
    call_command("disposal_report", *arguments, stdout=StringIO(), stderr=StringIO())


# The demo: 55.4 % in every file ------------------------------------------------------------------------


def test_demo_json_has_the_exact_shape_of_design_6(client):
    response = get_report(client, load_demo(), DEMO_QUERY, path="/reports/monthly.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert list(data) == TOP_KEYS
    assert isinstance(data["scope"], dict) and data["scope"]["park"] == "XQ"
    assert data["year"] == 2022
    assert data["as_of"] == "2022-12-31"
    assert data["benchmark_pct"] == "55.4"
    assert [m["month"] for m in data["months"]] == list(range(1, 13))
    for month in data["months"]:
        assert list(month) == list(MONTH_KEYS)
        for key in MONTH_KEYS:
            value = month[key]
            if key == "month" or key.endswith("_count"):
                assert type(value) is int, key
            elif key.endswith("_m2"):
                assert isinstance(value, str) and AREA_TEXT.match(value), (key, value)
            else:
                assert isinstance(value, str) and RATE_TEXT.match(value), (key, value)
    december = data["months"][-1]
    assert december["cum_disposed_count"] == 7
    assert december["cum_disposed_area_m2"] == "303200.00"
    assert december["register_area_m2"] == "547300.00"
    assert december["rate_pct"] == "55.4"
    assert december["gap_pp"] == "0.0"
    assert december["area_to_benchmark_m2"] == "4.20"


def test_demo_csv_is_utf8_with_a_bom_and_one_row_a_month(client):
    response = get_report(client, load_demo(), DEMO_QUERY, path="/reports/monthly.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert zh("disposal rate (%)") in header  # Chinese headers, readable in Excel
    months = csv_months(response.content)
    assert [m["month"] for m in months] == [str(m) for m in range(1, 13)]
    assert months[-1]["cum_disposed_count"] == "7"
    assert months[-1]["cum_disposed_area_m2"] == "303200.00"
    assert months[-1]["register_area_m2"] == "547300.00"
    assert months[-1]["rate_pct"] == "55.4"


def test_demo_xlsx_is_a_formatted_workbook(client):
    response = get_report(client, load_demo(), DEMO_QUERY, path="/reports/monthly.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert "新青科技工业园" in sheet["A1"].value and "2022" in sheet["A1"].value
    assert "2022-12-31" in sheet["A2"].value and "55.4" in sheet["A2"].value
    assert sheet.freeze_panes == "A4"  # the header row 3 stays in view
    assert sheet["A3"].font.bold
    assert zh("register area (m²)") in [cell.value for cell in sheet[3]]
    months = xlsx_months(response.content)
    assert [m["month"] for m in months] == list(range(1, 13))
    december = months[-1]
    assert december["cum_disposed_count"] == 7
    assert Decimal(str(december["cum_disposed_area_m2"])) == Decimal("303200")
    assert Decimal(str(december["register_area_m2"])) == Decimal("547300")
    assert Decimal(str(december["rate_pct"])) == Decimal("55.4")
    area_cell, rate_cell = sheet.cell(15, MONTH_KEYS.index("register_area_m2") + 1), sheet.cell(15, 10)
    assert area_cell.number_format == "#,##0.00"
    assert rate_cell.number_format == "0.0"
    definitions = workbook.worksheets[1]
    assert definitions.max_row == len(reporting.DEFINITIONS) + 1
    assert definitions["A2"].value == zh("register")


def test_demo_pdf_says_55_4_with_the_chinese_font_embedded(client):
    response = get_report(client, load_demo(), DEMO_QUERY, path="/reports/monthly.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "55.4" in text
    assert "新青科技工业园" in text
    assert "303,200.00" in text and "547,300.00" in text
    fonts = pdf_fonts(response.content)
    assert fonts, "the PDF uses no font"
    assert all(fonts.values()), f"fonts not embedded: {[name for name, ok in fonts.items() if not ok]}"
    assert any("CJK" in name or "SC" in name for name in fonts), fonts


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler's pdffonts is not installed")
def test_demo_pdf_fonts_are_embedded_according_to_pdffonts(client, tmp_path):
    response = get_report(client, load_demo(), DEMO_QUERY, path="/reports/monthly.pdf")
    target = tmp_path / "report.pdf"
    target.write_bytes(response.content)
    listing = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    fonts = listing.splitlines()[2:]
    assert fonts
    for line in fonts:
        # name, type, encoding, emb, sub, uni, object, ID: the type has spaces, so count from the end.
        assert line.split()[-5] == "yes", line


def test_page_csv_xlsx_and_json_agree_month_by_month_on_the_demo(client):
    user = load_demo()
    page = page_months(get_report(client, user, DEMO_QUERY).content.decode())
    files = {
        "csv": csv_months(get_report(client, user, DEMO_QUERY, path="/reports/monthly.csv").content),
        "xlsx": xlsx_months(get_report(client, user, DEMO_QUERY, path="/reports/monthly.xlsx").content),
        "json": json.loads(get_report(client, user, DEMO_QUERY, path="/reports/monthly.json").content)[
            "months"
        ],
    }
    expected = [comparable(month) for month in page]
    assert len(expected) == 12
    assert expected[-1]["rate_pct"] == Decimal("55.4")
    for name, months in files.items():
        assert [comparable(month) for month in months] == expected, name


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("supervisor", "year=2022&park=XQ&as_of=2022-05-15", XQ_MID_MAY),
        ("both", "year=2022&as_of=2022-05-15", ALL_PARKS_MID_MAY),
    ],
)
def test_every_file_carries_the_hand_computed_month_table(client, who, query, expected):
    ledger = build_ledger()
    user = getattr(ledger, who)
    data = json.loads(get_report(client, user, query, path="/reports/monthly.json").content)
    assert data["months"] == expected  # the exact strings of docs/disposal-rate.md#json
    assert data["as_of"] == "2022-05-15"
    want = [comparable(month) for month in expected]
    assert [
        comparable(m)
        for m in csv_months(get_report(client, user, query, path="/reports/monthly.csv").content)
    ] == want
    assert [
        comparable(m)
        for m in xlsx_months(get_report(client, user, query, path="/reports/monthly.xlsx").content)
    ] == want
    assert [comparable(m) for m in page_months(get_report(client, user, query).content.decode())] == want


def test_json_scope_names_the_park_and_category(client):
    ledger = build_ledger()
    response = get_report(
        client, ledger.supervisor, "year=2022&park=XQ&category=idle", path="/reports/monthly.json"
    )
    assert json.loads(response.content)["scope"] == {
        "park": "XQ",
        "park_name": "新青科技工业园",
        "category": "idle",
    }


# The command ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_command_writes_the_same_figures_as_the_web(client, tmp_path, fmt):
    user = load_demo()
    target = tmp_path / f"report.{fmt}"
    command("--year", "2022", "--park", "XQ", "--format", fmt, "--output", str(target))
    web = get_report(client, user, DEMO_QUERY, path=f"/reports/monthly.{fmt}").content
    written = target.read_bytes()
    if fmt == "json":
        assert json.loads(written) == json.loads(web)
        assert json.loads(written)["months"][-1]["rate_pct"] == "55.4"
    elif fmt == "csv":
        assert written == web
        assert written.startswith(b"\xef\xbb\xbf")
    else:
        assert xlsx_months(written) == xlsx_months(web)
        assert Decimal(str(xlsx_months(written)[-1]["rate_pct"])) == Decimal("55.4")


def test_command_writes_the_pdf(tmp_path):
    load_demo()
    target = tmp_path / "report.pdf"
    command("--year", "2022", "--park", "XQ", "--format", "pdf", "--output", str(target))
    content = target.read_bytes()
    assert content.startswith(b"%PDF")
    assert "55.4" in pdf_text(content)
    assert all(pdf_fonts(content).values())


def test_command_writes_json_to_standard_output(monkeypatch):
    load_demo()
    buffer = BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buffer, encoding="utf-8"))
    command("--year", "2022", "--park", "XQ", "--format", "json", "--output", "-")
    data = json.loads(buffer.getvalue())
    assert list(data) == TOP_KEYS
    december = data["months"][-1]
    assert (december["cum_disposed_count"], december["cum_disposed_area_m2"]) == (7, "303200.00")
    assert (december["register_area_m2"], december["rate_pct"]) == ("547300.00", "55.4")


def test_command_honours_category_and_as_of(tmp_path):
    build_ledger()
    target = tmp_path / "report.json"
    command(
        "--year", "2022", "--park", "XQ", "--as-of", "2022-05-15", "--category", "idle",
        "--format", "json", "--output", str(target),
    )  # fmt: skip
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["as_of"] == "2022-05-15"
    assert data["scope"]["category"] == "idle"
    # idle at 15 May: A 4,000 + F 1,500 + H 600 + I 700 + K 2,500; disposed A 3,000 + H 600.
    assert data["months"][-1]["register_area_m2"] == "9300.00"
    assert data["months"][-1]["cum_disposed_area_m2"] == "3600.00"
    assert data["months"][-1]["rate_pct"] == "38.7"


# The benchmark in the files -------------------------------------------------------------------------------


def test_files_use_the_park_target(client):
    ledger = build_ledger()
    DisposalTarget.objects.create(park=ledger.xq, year=2022, rate_pct=Decimal("40.0"))
    query = "year=2022&park=XQ&as_of=2022-05-15"
    data = json.loads(get_report(client, ledger.supervisor, query, path="/reports/monthly.json").content)
    assert data["benchmark_pct"] == "40.0"
    assert [m["gap_pp"] for m in data["months"]] == ["-40.0", "-40.0", "-10.6", "-0.8", "-2.6"]
    assert data["months"][-1]["area_to_benchmark_m2"] == "320.00"
    csv_rows = csv_months(get_report(client, ledger.supervisor, query, path="/reports/monthly.csv").content)
    assert csv_rows[-1]["gap_pp"] == "-2.6" and csv_rows[-1]["area_to_benchmark_m2"] == "320.00"
    workbook = get_report(client, ledger.supervisor, query, path="/reports/monthly.xlsx").content
    assert "40.0" in load_workbook(BytesIO(workbook)).worksheets[0]["A2"].value
    assert Decimal(str(xlsx_months(workbook)[-1]["area_to_benchmark_m2"])) == Decimal("320")


# An empty register --------------------------------------------------------------------------------------


def test_files_of_an_empty_register_have_no_rate(client):
    park = make_park(code="EM", name="空园")
    user = make_user(park=park, role=R.VIEWER)
    add_case(park, "100.00", identified=date(2022, 3, 1), status="withdrawn")
    query = "year=2022&park=EM"
    data = json.loads(get_report(client, user, query, path="/reports/monthly.json").content)
    assert len(data["months"]) == 12
    assert {m["rate_pct"] for m in data["months"]} == {None}
    assert {m["gap_pp"] for m in data["months"]} == {None}
    assert {m["register_area_m2"] for m in data["months"]} == {"0.00"}
    csv_rows = csv_months(get_report(client, user, query, path="/reports/monthly.csv").content)
    assert {m["rate_pct"] for m in csv_rows} == {""}
    xlsx_rows = xlsx_months(get_report(client, user, query, path="/reports/monthly.xlsx").content)
    assert {m["rate_pct"] for m in xlsx_rows} == {None}
    pdf = get_report(client, user, query, path="/reports/monthly.pdf")
    assert pdf.status_code == 200
    assert zh("no rate") in pdf_text(pdf.content)


# Query counts: the same for 10 cases and for 1,000 ------------------------------------------------------


def bulk_cases(park, start: int, count: int, enterprise) -> None:
    """`count` cases without save(): disposed, implementing, planning and withdrawn in turn, spread
    over the months of 2022, each on its own parcel and with its own number."""
    parcels = LandParcel.objects.bulk_create(
        [
            LandParcel(
                park=park,
                code=f"BULK-{i:05d}",
                location="新青科技工业园",
                area_m2=Decimal("1000.00"),
                enterprise=enterprise,
            )
            for i in range(start, start + count)
        ]
    )
    cases = []
    for i, parcel in zip(range(start, start + count), parcels, strict=True):
        month, category = 1 + i % 12, ("idle", "inefficient")[i % 2]
        identified = date(2022, month, 1)
        fields = {
            "number": f"{park.code}-2022-{i:04d}",
            "parcel": parcel,
            "category": category,
            "case_area_m2": Decimal("1000.00"),
            "opened_on": date(2021, 12, 1),
            "identified_on": identified,
        }
        decided = {
            "disposal_method": "idle_fee" if category == "idle" else "transfer",
            "decision_on": identified,
        }
        kind = i % 4
        if kind == 0:
            fields |= decided | {
                "status": "disposed",
                "disposed_on": date(2022, month, 20),
                "disposed_area_m2": Decimal("800.00"),
                "status_before_close": "implementing",
            }
        elif kind == 1:
            fields |= decided | {"status": "implementing", "target_on": date(2022, 12, 1)}
        elif kind == 2:
            fields |= {"status": "planning"}
        else:
            fields |= {"status": "withdrawn", "status_before_close": "identified"}
        cases.append(DisposalCase(**fields))
    DisposalCase.objects.bulk_create(cases)


QUERY_COUNTED = [
    "/reports/monthly/?year=2022&park=XQ",
    "/reports/monthly/?year=2022",
    "/reports/monthly/print/?year=2022&park=XQ",
    "/reports/monthly.csv?year=2022&park=XQ",
    "/reports/monthly.xlsx?year=2022&park=XQ",
    "/reports/monthly.json?year=2022&park=XQ",
    "/reports/monthly.pdf?year=2022&park=XQ",
]


def count_queries(client) -> dict[str, int]:
    counts = {}
    for url in QUERY_COUNTED:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_page_and_files_make_the_same_number_of_queries_for_10_and_1000_cases(client):
    xq, bb = make_park(code="XQ", name="新青科技工业园"), make_park(code="BB", name="乙园")
    supervisor = make_user(park=xq, role=R.SUPERVISOR)
    Membership.objects.create(user=supervisor, park=bb, role=R.VIEWER)
    enterprise = make_enterprise(park=xq)
    bulk_cases(xq, 0, 8, enterprise)
    bulk_cases(bb, 8, 2, None)
    reporting.close_month(park=xq, year=2022, month=1, by=supervisor)  # a closed month on the page
    client.force_login(supervisor)
    count_queries(client)  # warm up: sessions, content types, translations
    few = count_queries(client)
    bulk_cases(xq, 10, 900, enterprise)
    bulk_cases(bb, 910, 90, None)
    assert DisposalCase.objects.count() == 1000
    many = count_queries(client)
    assert many == few

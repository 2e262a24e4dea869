"""How exports are written: row by row into write-only workbooks and streamed CSV, with the same
columns, headers and formats as before, and as many queries for many rows as for few."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from cases.exports import SheetWriter, new_workbook, workbook_bytes
from cases.ledger.columns import LEDGER_COLUMNS
from cases.models import Membership
from cases.views.land import PARCEL_COLUMNS
from tests import factories
from tests.worlds.admin import add_parks
from tests.worlds.exports import body, export_queries

pytestmark = pytest.mark.django_db

R = Membership.Role


def read_back(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_a_column_takes_each_rows_own_value_and_type_and_text_stays_text():
    workbook = new_workbook()
    sheet = SheetWriter(workbook, "x" * 40, widths=[12, 30], freeze="A2")
    sheet.header(["甲", "乙"], fill="E8EEF4")
    rows = [
        ["=1+1", Decimal("1234.50")],
        [Decimal("2.25"), date(2022, 3, 5)],
        ["#N/A", None],
        [date(2023, 1, 2), "+1-2"],
        [None, Decimal("7")],
        ["响\x0b铃\x07", "@SUM(A1)"],
    ]
    for row in rows:
        sheet.row(row, ["#,##0.00", "#,##0.00"])
    read = read_back(workbook_bytes(workbook)).active
    assert read.title == "x" * 31
    assert read.freeze_panes == "A2"
    assert read.column_dimensions["A"].width == 12 and read.column_dimensions["B"].width == 30
    assert read["A1"].font.bold and read["A1"].fill.fgColor.rgb.endswith("E8EEF4")
    values = [[cell.value for cell in row] for row in read.iter_rows(min_row=2, max_col=2)]
    assert values == [
        ["=1+1", 1234.5],
        [2.25, datetime(2022, 3, 5)],
        ["#N/A", None],
        [datetime(2023, 1, 2), "+1-2"],
        [None, 7],
        ["响铃", "@SUM(A1)"],
    ]
    assert [read.cell(row, 1).data_type for row in (2, 4, 7)] == ["s", "s", "s"]
    assert read["A3"].number_format == "#,##0.00" and read["B2"].number_format == "#,##0.00"
    assert not read["A3"].font.bold


@pytest.fixture
def superuser_client(client):
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    return client


EXPORTS = [
    "/cases/export.ledger.xlsx",
    "/measures/export.csv",
    "/measures/export.xlsx",
    "/partners/export.csv",
    "/partners/export.xlsx",
    "/leads/export.csv",
    "/leads/export.xlsx",
    "/cases/export.csv?sort=-case_area_m2",
    "/parcels/export.xlsx?sort=-area_m2",
]


@pytest.mark.parametrize("path", EXPORTS)
def test_an_export_makes_as_many_queries_for_24_rows_as_for_3(superuser_client, path):
    add_parks(3)
    export_queries(superuser_client, path)  # what loads once per process
    three = export_queries(superuser_client, path)
    add_parks(21)
    assert export_queries(superuser_client, path) == three


@pytest.mark.parametrize("path", ["/cases/export.csv", "/parcels/export.csv", "/measures/export.csv"])
def test_a_lists_csv_is_streamed_with_its_bom_and_header_first(superuser_client, path):
    add_parks(2)
    response = superuser_client.get(path)
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="')
    first, *rest = list(response.streaming_content)
    assert first.startswith(b"\xef\xbb\xbf")
    assert len((first + b"".join(rest)).decode("utf-8-sig").splitlines()) == 3


def test_every_row_is_exported_across_the_chunks_read(superuser_client, settings, monkeypatch):
    monkeypatch.setattr("cases.exports.EXPORT_CHUNK", 2)
    monkeypatch.setattr("cases.exports.CSV_ROWS_PER_CHUNK", 2)
    add_parks(5)
    lines = body(superuser_client.get("/cases/export.csv?sort=number")).decode("utf-8-sig").splitlines()
    assert len(lines) == 6
    sheet = read_back(superuser_client.get("/cases/export.ledger.xlsx").content).active
    assert sheet.max_row == 6
    assert len({row[9] for row in sheet.iter_rows(min_row=2, values_only=True)}) == 5  # case numbers


def test_the_list_workbook_keeps_its_header_widths_and_number_formats(superuser_client):
    add_parks(1)
    sheet = read_back(superuser_client.get("/parcels/export.xlsx").content).active
    with translation.override("zh-hans"):
        labels = [str(column.label) for column in PARCEL_COLUMNS]
    assert [cell.value for cell in sheet[1]] == labels
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    area = [column.key for column in PARCEL_COLUMNS].index("area_m2") + 1
    assert sheet.cell(2, area).value == 10000
    assert sheet.cell(2, area).number_format == "#,##0.00"
    assert sheet.column_dimensions["A"].width == max(10, min(40, len(labels[0]) * 2 + 4))


def test_the_ledger_workbook_keeps_its_header_and_formats(superuser_client):
    add_parks(1)
    sheet = read_back(superuser_client.get("/cases/export.ledger.xlsx").content).active
    assert sheet.title == "台账"
    assert [cell.value for cell in sheet[1]] == [column.chinese for column in LEDGER_COLUMNS]
    assert all(cell.font.bold and cell.fill.fgColor.rgb.endswith("E8EEF4") for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == max(10, len(LEDGER_COLUMNS[0].chinese) * 2 + 2)
    keys = [column.key for column in LEDGER_COLUMNS]
    row = dict(zip(keys, sheet[2], strict=True))
    assert row["opened_on"].number_format == "yyyy-mm-dd"
    assert row["case_area_m2"].number_format == "#,##0.00"
    assert row["parcel_area_m2"].value == 10000


def test_the_template_explains_each_column_on_wrapped_rows(client):
    park = factories.make_park(code="TW")
    client.force_login(factories.make_user(park=park, role=R.PARK_ADMIN))
    workbook = read_back(client.get("/import/template.xlsx").content)
    ledger, notes = workbook.worksheets
    assert ledger.max_row == 1
    assert notes.column_dimensions["D"].width == 60
    assert notes["A2"].alignment.wrap_text and notes["A2"].alignment.vertical == "top"
    assert (
        notes.cell(
            LEDGER_COLUMNS.index(next(c for c in LEDGER_COLUMNS if c.key == "opened_on")) + 2, 6
        ).number_format
        == "yyyy-mm-dd"
    )
    assert notes.cell(len(LEDGER_COLUMNS) + 2, 1).value is None  # a blank line before the rules

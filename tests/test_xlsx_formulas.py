"""No workbook Parkland writes runs what a user typed: text that begins like a formula stays text.

Every text field that reaches an XLSX file is filled with a formula-like value, every workbook the
product offers is downloaded, and each is read back: no cell is a formula, and the values come
back exactly as typed.
"""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from cases.models import Membership, Partner, ProjectLead
from tests import factories

pytestmark = pytest.mark.django_db

R = Membership.Role
# What spreadsheet programs run: an equals sign, a plus, a minus, an at sign.
FORMULAS = {
    "park": "=1+1",
    "enterprise": "+cmd|' /C calc'!A0",
    "location": "-2+3",
    "parcel": "@SUM(A1)",
    "summary": '=HYPERLINK("http://example.invalid")',
    "partner": "=2*3",
    "lead": "+1-1",
    "notes": "@A1",
}


@pytest.fixture
def world():
    park = factories.make_park(code="FX", name=FORMULAS["park"])
    admin = factories.make_user(username="admin-fx", park=park, role=R.PARK_ADMIN)
    enterprise = factories.make_enterprise(park=park, name=FORMULAS["enterprise"])
    parcel = factories.make_parcel(
        park=park, code=FORMULAS["parcel"], location=FORMULAS["location"], enterprise=enterprise
    )
    case = factories.make_case(
        parcel=parcel,
        status="disposed",
        opened_on=date(2022, 1, 10),
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 5, 1),
        disposed_on=date(2022, 9, 1),
        disposed_area_m2="5000.00",
        summary=FORMULAS["summary"],
        officer=admin,
    )
    partner = Partner.objects.create(park=park, name=FORMULAS["partner"], kind="bank")
    factories.make_measure(case=case, method="other", partner=partner, notes=FORMULAS["notes"])
    ProjectLead.objects.create(
        park=park, name=FORMULAS["lead"], investor=FORMULAS["lead"], area_needed_m2="100"
    )
    return {"park": park, "admin": admin, "case": case}


def cells_of(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_safe(content: bytes, *expected: str) -> None:
    cells = cells_of(content)
    formulas = [(cell.coordinate, cell.value) for cell in cells if cell.data_type == "f"]
    assert formulas == []
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    for value in expected:
        assert any(value in text for text in texts), (value, texts[:40])
        # Where a value fills its cell, it comes back exactly as typed, as text.
    for cell in cells:
        if cell.value in FORMULAS.values():
            assert cell.data_type == "s"


EXPORTS = [
    ("/cases/export.xlsx", ["parcel", "location", "enterprise"]),
    ("/parcels/export.xlsx", ["parcel", "location", "enterprise"]),
    ("/enterprises/export.xlsx", ["enterprise"]),
    ("/measures/export.xlsx", ["partner"]),
    ("/partners/export.xlsx", ["partner"]),
    ("/leads/export.xlsx", ["lead"]),
    ("/cases/export.ledger.xlsx", ["parcel", "location", "enterprise", "park"]),
    ("/reports/monthly.xlsx?year=2022", ["park", "enterprise", "location", "parcel"]),
]


@pytest.mark.parametrize(("url", "keys"), EXPORTS, ids=[url for url, _k in EXPORTS])
def test_every_export_keeps_formula_like_text_as_text(client, world, url, keys):
    client.force_login(world["admin"])
    if "monthly" in url:
        url += "&park=FX"
    response = client.get(url)
    assert response.status_code == 200, url
    assert_safe(response.content, *(FORMULAS[key] for key in keys if key != "park" or "ledger" not in url))


def test_the_report_title_names_a_formula_like_park_as_text(client, world):
    client.force_login(world["admin"])
    response = client.get("/reports/monthly.xlsx?year=2022&park=FX")
    title = load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"]
    assert title.data_type == "s" and title.value.startswith(FORMULAS["park"])


def test_the_import_report_keeps_formula_like_values_as_text(client, world):
    client.force_login(world["admin"])
    ledger = "\n".join(
        [
            "园区代码,宗地编号,坐落,宗地面积(平方米),类别,状态,处置面积(平方米),登记日期,备注",
            f"FX,=9+9,{FORMULAS['location']},1000,闲置,线索,1000,2099-01-01,{FORMULAS['notes']}",
        ]
    ).encode("utf-8")
    client.post("/import/", {"file": SimpleUploadedFile("台账.csv", ledger), "park": ""})
    response = client.get("/import/report.xlsx")
    assert response.status_code == 200
    assert_safe(response.content, "=9+9")


def test_the_command_writes_the_report_workbook_safely(world, tmp_path: Path):
    output = tmp_path / "report.xlsx"
    call_command("disposal_report", year=2022, park="FX", format="xlsx", output=str(output))
    assert_safe(output.read_bytes(), FORMULAS["park"], FORMULAS["enterprise"], FORMULAS["location"])

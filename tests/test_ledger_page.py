"""The ledger pages (issue 7): /import/ for park administrators only, dry run then confirm, the
report and the template as XLSX, the uploaded file kept privately between the two steps, and the
case list's ledger export that imports back unchanged."""

import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from cases.ledger.columns import LEDGER_COLUMNS
from cases.ledger.importing import import_ledger
from cases.models import DisposalCase, LedgerImport, Membership
from tests import factories
from tests.worlds.ledger import World, case_row, counts, csv_bytes, refused_lines, xlsx
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture
def world() -> World:
    park = factories.make_park(code="HZ", name="海洲工业园")
    other = factories.make_park(code="QT", name="其他园区")
    return World(
        park=park,
        other=other,
        admin=factories.make_user(username="hz-admin", park=park, role=R.PARK_ADMIN),
        officer=factories.make_user(username="hz-officer", park=park, role=R.OFFICER),
        other_admin=factories.make_user(username="qt-admin", park=other, role=R.PARK_ADMIN),
    )


def upload(client, data: bytes, name: str = "海洲台账.xlsx", park: str = ""):
    return client.post("/import/", {"file": SimpleUploadedFile(name, data), "park": park})


def waiting_files() -> list[Path]:
    # conftest.py gives each test its own private storage, where a ledger waits for its confirmation.
    folder = Path(settings.PRIVATE_ROOT) / "ledger-uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


# Who may import ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [R.VIEWER, R.OFFICER, R.SUPERVISOR])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/import/"),
        ("post", "/import/"),
        ("post", "/import/confirm/"),
        ("get", "/import/report.xlsx"),
        ("get", "/import/template.xlsx"),
    ],
)
def test_only_park_administrators_reach_the_import_pages(client, world, role, method, path):
    sign_in(client, factories.make_user(park=world.park, role=role))
    assert getattr(client, method)(path).status_code == 403


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get("/import/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_nav_shows_import_to_park_administrators_only(client, world):
    sign_in(client, world.officer)
    assert 'href="/import/"' not in client.get("/cases/").text
    sign_in(client, world.admin)
    assert 'href="/import/"' in client.get("/cases/").text


def test_an_administrator_of_another_park_has_those_rows_refused(client, world):
    sign_in(client, world.other_admin)
    before = counts()
    upload(client, xlsx([case_row(1)]))
    report = client.get("/import/").context["report"]
    assert refused_lines(report) == [
        (2, "园区代码", "HZ", "You may not import into park HZ: that needs its park administrator.")
    ]
    assert client.post("/import/confirm/").status_code == 302
    assert counts() == before


def test_the_park_choice_offers_only_the_users_own_parks(client, world):
    sign_in(client, world.admin)
    choices = list(client.get("/import/").context["form"].fields["park"].queryset)
    assert choices == [world.park]
    before = counts()
    response = upload(client, xlsx([case_row(1)]), park=str(world.other.pk))
    assert response.status_code == 422
    assert counts() == before and not waiting_files()


def test_the_upload_is_protected_against_cross_site_requests(world):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.admin)
    assert upload(client, xlsx([case_row(1)])).status_code == 403
    assert not waiting_files()


# Dry run, then confirm ------------------------------------------------------------------------------


def test_a_dry_run_shows_every_row_then_confirming_imports_them_all(client, world):
    sign_in(client, world.admin)
    before = counts()

    response = upload(client, xlsx([case_row(1), case_row(2)]))
    assert response.status_code == 302 and response["Location"] == "/import/"
    page = client.get("/import/")
    assert page.status_code == 200
    report = page.context["report"]
    assert [row.outcome for row in report.rows] == ["created", "created"]
    assert page.context["can_confirm"]
    assert "new parcel HZ-002" in page.text and "Import 2 rows" in page.text
    assert counts() == before, "a dry run writes nothing"

    waiting = waiting_files()
    # Readable by the owner and its group (nginx), by nobody else.
    assert len(waiting) == 2 and all(oct(p.stat().st_mode)[-3:] == "640" for p in waiting)
    token = client.session["ledger_import"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token) and token not in page.text

    response = client.post("/import/confirm/")
    assert response.status_code == 302
    page = client.get("/import/")
    assert "imported: 2 rows: 2 created" in page.text
    assert page.context["state"] == "imported" and not page.context["can_confirm"]
    assert DisposalCase.objects.count() == 2
    record = LedgerImport.objects.get()
    assert (record.file_name, record.imported_by) == ("海洲台账.xlsx", world.admin)
    assert [p.suffix for p in waiting_files()] == [".json"], "the uploaded file is deleted once imported"
    assert "imported from 海洲台账.xlsx" in DisposalCase.objects.first().history.get().history_change_reason

    # A second confirmation has nothing left to import.
    client.post("/import/confirm/")
    assert LedgerImport.objects.count() == 1


def test_refused_rows_are_highlighted_with_column_and_reason_and_cannot_be_imported(client, world):
    sign_in(client, world.admin)
    before = counts()
    upload(client, xlsx([case_row(1), case_row(2, case_area_m2="0"), case_row(3, opened_on="2022-02-30")]))

    page = client.get("/import/")
    assert page.status_code == 200 and not page.context["can_confirm"]
    assert page.text.count('class="table-danger"') == 2
    assert "Area under disposal (m²) 0 is outside the allowed range (0.01 to 10,000,000 m²)." in page.text
    assert "There is no such day in the calendar." in page.text
    assert "2 rows are refused, so nothing can be imported." in page.text
    only = client.get("/import/?only=refused")
    assert [row.number for row in only.context["rows"]] == [3, 4]
    assert [p.suffix for p in waiting_files()] == [".json"], "a refused file is not kept"

    client.post("/import/confirm/")
    assert counts() == before


def test_the_report_downloads_as_xlsx(client, world):
    sign_in(client, world.admin)
    upload(client, xlsx([case_row(1), case_row(2, credit_code="123")]), name="台账.xlsx")
    response = client.get("/import/report.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    lines = list(workbook.worksheets[0].values)
    assert lines[0] == ("row", "outcome", "park", "parcel", "case", "column", "value", "reason or change")
    assert lines[1][:2] == (2, "created") and lines[2][:2] == (3, "refused")
    assert lines[2][5:7] == ("统一社会信用代码", "123")
    summary = dict(workbook.worksheets[1].values)
    assert summary["file"] == "台账.xlsx" and summary["refused"] == 1


def test_a_file_that_is_not_a_ledger_shows_a_clear_message(client, world):
    sign_in(client, world.admin)
    upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="photo.xlsx")
    page = client.get("/import/")
    assert "This file is not a spreadsheet" in page.text
    assert not page.context["can_confirm"]


def test_a_file_over_the_limit_is_dropped_while_it_arrives(client, world, settings):
    settings.PARKLAND_LEDGER_MAX_BYTES = 256 * 1024
    sign_in(client, world.admin)
    before = counts()
    response = upload(client, csv_bytes([case_row(1)]) + b"#" * (1024 * 1024), name="big.csv")
    assert response.status_code == 422
    assert "The file is larger than 0.25 MB" in response.text
    assert counts() == before and not waiting_files()


def test_a_gbk_csv_through_the_page(client, world):
    sign_in(client, world.admin)
    upload(client, csv_bytes([case_row(1, location="海洲大道一号")], encoding="gbk"), name="台账.csv")
    client.post("/import/confirm/")
    assert DisposalCase.objects.get().parcel.location == "海洲大道一号"


def test_the_confirmation_checks_every_row_again(client, world):
    sign_in(client, world.admin)
    upload(client, xlsx([case_row(1)]))
    assert client.get("/import/").context["can_confirm"]
    # Meanwhile someone opens a case on the same parcel through another ledger.
    assert import_ledger(
        xlsx([case_row(1, opened_on="2022-01-02", identified_on="2022-01-20")]),
        file_name="b.xlsx",
        user=world.admin,
    ).imported
    before = counts()

    client.post("/import/confirm/")

    page = client.get("/import/")
    assert "Nothing was imported" in page.text
    assert page.context["report"].refused == 1
    assert counts() == before


def test_another_user_cannot_confirm_someone_elses_upload(client, world):
    sign_in(client, world.admin)
    upload(client, xlsx([case_row(1)]))
    token = client.session["ledger_import"]
    second_admin = factories.make_user(park=world.park, role=R.PARK_ADMIN)
    other = Client()
    sign_in(other, second_admin)
    session = other.session
    session["ledger_import"] = token  # even with the token in hand
    session.save()
    other.post("/import/confirm/")
    assert not DisposalCase.objects.exists()
    assert other.get("/import/").context["report"] is None


def test_a_waiting_file_older_than_a_day_is_swept(client, world):
    import os
    import time

    sign_in(client, world.admin)
    upload(client, xlsx([case_row(1)]))
    old = time.time() - 2 * 24 * 60 * 60
    for path in waiting_files():
        os.utime(path, (old, old))
    upload(client, xlsx([case_row(2)]))
    assert len(waiting_files()) == 2  # only the new file and its record


# The template -------------------------------------------------------------------------------------------


def test_the_template_has_the_header_and_explains_each_column_with_an_example(client, world):
    sign_in(client, world.admin, language="zh-hans")
    response = client.get("/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    ledger, notes = workbook.worksheets
    assert [list(row) for row in ledger.values] == [[column.chinese for column in LEDGER_COLUMNS]]
    lines = list(notes.values)
    explained = {line[0]: line for line in lines[1:] if line and line[0]}
    for column in LEDGER_COLUMNS:
        assert column.chinese in explained and explained[column.chinese][1] == column.key
    assert "已处置 / disposed / disposed" in explained["状态"][4]
    assert "协议有偿收回 / negotiated paid take-back / negotiated_recovery" in explained["处置方式"][4]
    assert explained["园区代码"][5] == "HZ"

    # The examples, copied under the header as one row, make a valid ledger: a dry run would create it.
    example = [explained[column.chinese][5] for column in LEDGER_COLUMNS]
    rows = [[c.chinese for c in LEDGER_COLUMNS], example]
    report = import_ledger(_sheet(rows), file_name="示例.xlsx", user=world.admin, dry_run=True)
    assert [row.outcome for row in report.rows] == ["created"], refused_lines(report)


def _sheet(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_untouched_template_imports_nothing_and_says_why(client, world):
    sign_in(client, world.admin, language="zh-hans")
    template = client.get("/import/template.xlsx").content
    before = counts()
    with translation.override("en"):
        report = import_ledger(template, file_name="台账模板.xlsx", user=world.admin, dry_run=False)
    assert report.rows == [] and report.errors
    assert "no rows of cases" in report.errors[0]
    assert counts() == before

    # On the page: the dry run of the untouched template creates nothing and names the reason.
    page = client.post(
        "/import/", {"file": SimpleUploadedFile("台账模板.xlsx", template), "park": ""}, follow=True
    )
    assert page.status_code in (200, 422)
    assert "文件有表头但没有案件行" in page.text
    assert counts() == before


def test_an_example_row_of_an_earlier_template_is_refused(world):
    rows = [[c.chinese for c in LEDGER_COLUMNS], [None] * len(LEDGER_COLUMNS)]
    example = {
        "park": world.park.code,
        "parcel_code": "HZ-EX1",
        "location": "示例路1号",
        "parcel_area_m2": 1000,
        "category": "闲置",
        "status": "线索",
        "case_area_m2": 1000,
        "opened_on": "2022-03-05",
        "notes": "示例行，导入前请删除 Example row: delete it before importing",
    }
    for index, column in enumerate(LEDGER_COLUMNS):
        rows[1][index] = example.get(column.key)
    before = counts()
    with translation.override("en"):
        report = import_ledger(_sheet(rows), file_name="旧模板.xlsx", user=world.admin, dry_run=False)
    assert [row.outcome for row in report.rows] == ["refused"]
    assert any("the template's example row" in p.reason for p in report.rows[0].problems)
    assert counts() == before


# The ledger export and the round trip ---------------------------------------------------------------


def test_the_case_list_offers_the_ledger_export_with_its_filters(client, world):
    factories.make_case(park=world.park, status="lead")
    sign_in(client, world.officer)
    page = client.get("/cases/?status=lead")
    assert 'href="/cases/export.ledger.xlsx?status=lead"' in page.text


def test_the_ledger_export_respects_filters_and_scoping(client, world):
    lead = factories.make_case(park=world.park, status="lead")
    factories.make_case(park=world.park, status="investigating")
    factories.make_case(park=world.other, status="lead")
    viewer = factories.make_user(park=world.park, role=R.VIEWER)
    sign_in(client, viewer)

    response = client.get("/cases/export.ledger.xlsx?status=lead")

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "园区代码" and len(rows) == 2
    assert rows[1][9] == lead.number
    assert (
        len(list(load_workbook(io.BytesIO(client.get("/cases/export.ledger.xlsx").content)).active.values))
        == 3
    )


def test_the_demo_ledger_round_trips_through_the_pages(client):
    call_command("load_demo", password="x", stdout=StringIO())
    admin = get_user_model().objects.get(username="demo-parkadmin")
    sign_in(client, admin)
    export = client.get("/cases/export.ledger.xlsx")
    assert export.status_code == 200
    expected = DisposalCase.objects.filter(parcel__park__code="XQ").count()
    before = counts()

    upload(client, export.content, name="cases-ledger.xlsx")
    report = client.get("/import/").context["report"]
    assert len(report.rows) == expected and {row.outcome for row in report.rows} == {"unchanged"}
    client.post("/import/confirm/")

    after = counts()
    assert after.pop("cases.LedgerImport") == before.pop("cases.LedgerImport") + 1
    assert after == before


def test_the_page_reads_in_chinese(client, world):
    sign_in(client, world.admin, language="zh-hans")
    upload(client, xlsx([case_row(1), case_row(2, opened_on="2022-02-30")]))
    page = client.get("/import/")
    assert "导入台账" in page.text
    assert "日历中没有这一天" in page.text


def test_the_ledger_export_makes_as_many_queries_for_many_cases_as_for_one(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/export.ledger.xlsx").status_code == 200
        return len(captured)

    sign_in(client, world.admin)
    enterprise = factories.make_enterprise(park=world.park, credit_code=factories.credit_code())
    factories.make_case(
        parcel=factories.make_parcel(park=world.park, enterprise=enterprise), officer=world.officer
    )
    one = queries()
    for _ in range(10):
        enterprise = factories.make_enterprise(park=world.park, credit_code=factories.credit_code())
        parcel = factories.make_parcel(park=world.park, enterprise=enterprise)
        factories.make_case(parcel=parcel, officer=world.officer)
    assert queries() == one

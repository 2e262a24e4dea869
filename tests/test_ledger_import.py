"""The ledger import (issue 7): every bad input refused with a line that says why, nothing written;
all rows or none; a second import changes nothing; the round trip; the audit trail; the command."""

import io
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from cases.ledger.columns import LEDGER_COLUMNS
from cases.ledger.importing import history_reason, import_ledger
from cases.ledger.reading import read_table
from cases.ledger.values import CellProblem, parse_bool, parse_date, parse_decimal
from cases.ledger.writing import ledger_xlsx
from cases.models import (
    CaseNumberSequence,
    DisposalCase,
    Enterprise,
    LandParcel,
    LedgerImport,
    Membership,
)
from cases.reporting import monthly_report
from tests import factories
from tests.worlds.ledger import CHINESE, KEYS, World, case_row, counts, csv_bytes, refused_lines, xlsx

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture(autouse=True)
def _english():
    """Reasons in English, so that tests can match the source strings."""
    with translation.override("en"):
        yield


# Building ledgers -------------------------------------------------------------------------------------


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


def test_counts_include_the_history_tables():
    assert {
        "cases.HistoricalDisposalCase",
        "cases.HistoricalLandParcel",
        "cases.HistoricalEnterprise",
    } <= set(counts())


# A good ledger ---------------------------------------------------------------------------------------


def test_a_ledger_creates_parcels_enterprises_and_cases_in_their_stated_status(world):
    rows = [
        case_row(1),
        case_row(
            2,
            status="已处置",
            disposal_method="协议有偿收回",
            decision_on="2022-08-01",
            disposed_on="2022-11-30",
            disposed_area_m2="18,500.5",
        ),
        case_row(3, status="lead", identified_on="", category="inefficient", officer=""),
    ]
    report = import_ledger(xlsx(rows), file_name="海洲台账.xlsx", user=world.admin)

    assert report.ok and report.imported, refused_lines(report)
    assert [row.outcome for row in report.rows] == ["created"] * 3
    assert report.counts == {
        "enterprises": {"created": 3, "updated": 0},
        "parcels": {"created": 3, "updated": 0},
        "cases": {"created": 3, "updated": 0},
    }
    first, disposed, lead = DisposalCase.objects.select_related("parcel__enterprise").order_by("parcel__code")
    assert (first.number, disposed.number, lead.number) == ("HZ-2022-001", "HZ-2022-002", "HZ-2022-003")
    assert [row.case_number for row in report.rows] == ["HZ-2022-001", "HZ-2022-002", "HZ-2022-003"]
    assert first.status == "identified" and first.identified_on == date(2022, 6, 1)
    assert first.target_on == date(2023, 6, 30) and first.officer == world.officer
    assert first.low_willingness and not first.litigation_risk and not first.funding_gap
    assert first.summary == "导入测试" and first.created_by == world.admin
    assert first.parcel.area_m2 == Decimal("20000.00") and first.parcel.land_use == "industrial"
    assert first.parcel.enterprise.credit_code == factories.credit_code(901)
    assert disposed.status == "disposed" and disposed.disposed_area_m2 == Decimal("18500.50")
    assert disposed.disposal_method == "negotiated_recovery"
    assert lead.category == "inefficient" and lead.officer is None
    # Numbers given on import are never handed out again.
    assert CaseNumberSequence.objects.get(park=world.park, year=2022).last_number == 3


def test_headers_in_english_in_any_order_and_labels_in_english_or_codes(world):
    keys = list(reversed(KEYS))
    headers = [key.upper() if i % 2 else key for i, key in enumerate(keys)]
    row = case_row(1, category="idle", status="Identified", land_use="new_industrial", low_willingness="yes")
    report = import_ledger(xlsx([row], keys=keys, headers=headers), file_name="ledger.xlsx", user=world.admin)

    assert report.ok, refused_lines(report)
    case = DisposalCase.objects.get()
    assert (case.category, case.status, case.parcel.land_use) == ("idle", "identified", "new_industrial")


def test_only_the_required_columns_are_needed(world):
    required = [c.key for c in LEDGER_COLUMNS if c.required]
    report = import_ledger(
        xlsx([case_row(1, status="线索")], keys=required), file_name="short.xlsx", user=world.admin
    )

    assert report.ok, refused_lines(report)
    case = DisposalCase.objects.get()
    assert case.parcel.enterprise is None and case.officer is None

    # A status that needs a date the file has no column for names that column.
    report = import_ledger(xlsx([case_row(2)], keys=required), file_name="short.xlsx", user=world.admin)
    assert refused_lines(report) == [
        (2, "认定日期 (identified_on)", "", "An identified case needs its identification date.")
    ]


def test_a_csv_in_gbk_is_read(world):
    data = csv_bytes([case_row(1, location="海洲大道一号（东侧）")], encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    report = import_ledger(data, file_name="台账.csv", user=world.admin)

    assert report.ok, refused_lines(report)
    assert LandParcel.objects.get().location == "海洲大道一号（东侧）"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_in_utf8_with_or_without_bom_or_gb18030_is_read(world, encoding):
    report = import_ledger(
        csv_bytes([case_row(1)], encoding=encoding), file_name="台账.csv", user=world.admin
    )
    assert report.ok, refused_lines(report)
    assert Enterprise.objects.get().name == "海洲精密1有限公司"


def test_dates_numbers_and_flags_in_every_written_form():
    assert (
        parse_date("2022-03-05") == parse_date("2022/3/5") == parse_date("2022年3月5日") == date(2022, 3, 5)
    )
    assert parse_date(44625) == date(2022, 3, 5)  # an Excel serial date
    assert parse_date("２０２２年３月５日") == date(2022, 3, 5)
    assert parse_decimal("12,345.67") == Decimal("12345.67")
    assert parse_decimal(12345.67) == Decimal("12345.67")
    assert parse_decimal(0.1 + 0.2) == Decimal("0.30")
    assert [parse_bool(v) for v in ("是", "否", "yes", "No", "1", "0", 1, 0, None, "")] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        False,
        False,
    ]
    for bad in ("2022-02-30", "2022-13-01", "5 March 2022"):
        with pytest.raises(CellProblem):
            parse_date(bad)
    for bad in ("12.345,67", "abc", "1,2345"):
        with pytest.raises(CellProblem):
            parse_decimal(bad)


def test_an_excel_date_cell_is_read_as_a_date(world):
    report = import_ledger(
        xlsx([case_row(1, opened_on=date(2022, 3, 5), identified_on=date(2022, 6, 1))]),
        file_name="dates.xlsx",
        user=world.admin,
    )
    assert report.ok, refused_lines(report)
    assert DisposalCase.objects.get().opened_on == date(2022, 3, 5)


def test_rows_share_a_parcel_and_an_enterprise(world):
    rows = [
        case_row(1, status="不予认定/撤销", opened_on="2021-01-04", identified_on=""),
        case_row(1, opened_on="2022-03-05"),
        case_row(2, enterprise="海洲精密1有限公司", credit_code=factories.credit_code(901)),
    ]
    report = import_ledger(xlsx(rows), file_name="shared.xlsx", user=world.admin)

    assert report.ok, refused_lines(report)
    assert (Enterprise.objects.count(), LandParcel.objects.count(), DisposalCase.objects.count()) == (1, 2, 3)
    assert report.counts["enterprises"] == {"created": 1, "updated": 0}


# Bad input: the file as a whole --------------------------------------------------------------------


def assert_refused_whole(report, *fragments: str) -> None:
    assert not report.ok and not report.imported
    text = " ".join(report.errors)
    for fragment in fragments:
        assert fragment in text, text


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        pytest.param(b"", ["The file is empty."], id="empty file"),
        pytest.param(b"  \r\n \n", ["The file is empty."], id="blank file"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ["This file is not a spreadsheet"], id="an image"
        ),
        pytest.param(
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00", ["This file is not a spreadsheet"], id="a PDF"
        ),
        pytest.param(b"PK\x03\x04not really a zip", ["This file is not a spreadsheet"], id="a broken zip"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, [".xls"], id="an xls workbook"),
        pytest.param(
            b"Dear colleagues,\nplease find the ledger attached.\n",
            ["names none of the ledger's columns"],
            id="a letter",
        ),
        pytest.param(csv_bytes([]), ["no rows"], id="only a header"),
        pytest.param(
            b"\xff\xfe\x00\x00\x81\x30", ["This file is not a spreadsheet"], id="neither utf-8 nor gbk"
        ),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_with_a_clear_message(world, data, fragments):
    before = counts()
    report = import_ledger(data, file_name="x", user=world.admin)
    assert_refused_whole(report, *fragments)
    assert counts() == before


def test_a_docx_is_not_a_spreadsheet(world):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    report = import_ledger(buffer.getvalue(), file_name="letter.docx", user=world.admin)
    assert_refused_whole(report, "This file is not a spreadsheet")


def test_a_missing_required_column_is_named(world):
    keys = [k for k in KEYS if k not in ("location", "opened_on")]
    before = counts()
    report = import_ledger(xlsx([case_row(1)], keys=keys), file_name="x.xlsx", user=world.admin)
    assert_refused_whole(report, "Required columns are missing", "坐落 (location)", "登记日期 (opened_on)")
    assert counts() == before


def test_an_unknown_column_is_named_with_its_letter(world):
    headers = [CHINESE[k] for k in KEYS] + ["联系电话"]
    rows = [{**case_row(1), "extra": "0756-1234567"}]
    before = counts()
    report = import_ledger(
        xlsx(rows, keys=[*KEYS, "extra"], headers=headers), file_name="x.xlsx", user=world.admin
    )
    assert_refused_whole(report, "Unknown columns", "AA“联系电话”")
    assert counts() == before


def test_a_duplicated_column_is_named_even_in_another_language(world):
    headers = [CHINESE[k] for k in KEYS] + ["parcel_area_m2"]
    before = counts()
    report = import_ledger(
        xlsx([case_row(1)], keys=[*KEYS, "parcel_area_m2"], headers=headers),
        file_name="x.xlsx",
        user=world.admin,
    )
    assert_refused_whole(report, "宗地面积(平方米) (parcel_area_m2) appears more than once", "E, AA")
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, settings):
    settings.PARKLAND_LEDGER_MAX_BYTES = 1024 * 1024
    before = counts()
    report = import_ledger(
        csv_bytes([case_row(1)]) + b"#" * 2 * 1024 * 1024, file_name="big.csv", user=world.admin
    )
    assert_refused_whole(
        report, "The file is 2.0 MB; a ledger may be at most 1 MB. Split it into several files."
    )
    assert counts() == before


def test_a_file_over_20_mb_is_refused_with_the_default_limit(world):
    data = csv_bytes([case_row(1)]) + b"#" * (21 * 1024 * 1024)
    report = import_ledger(data, file_name="big.csv", user=world.admin)
    assert_refused_whole(report, "The file is 21.0 MB; a ledger may be at most 20 MB")


def test_an_overlarge_file_fails_fast_even_at_50_mb(world):
    report = import_ledger(bytes(50 * 1024 * 1024), file_name="huge.xlsx", user=world.admin)
    assert_refused_whole(report, "The file is 50.0 MB")


# Bad input: rows ------------------------------------------------------------------------------------


BAD_ROWS = [
    pytest.param(
        {"parcel_area_m2": "两万"}, "宗地面积(平方米)", "两万", "This is not a number", id="non-numeric area"
    ),
    pytest.param(
        {"parcel_area_m2": "0", "case_area_m2": "0"},
        "宗地面积(平方米)",
        "0",
        "Area (m²) 0 is outside the allowed range (0.01 to 10,000,000 m²).",
        id="parcel area of 0",
    ),
    pytest.param(
        {"case_area_m2": "0"},
        "处置面积(平方米)",
        "0",
        "Area under disposal (m²) 0 is outside the allowed range (0.01 to 10,000,000 m²).",
        id="case area of 0",
    ),
    pytest.param(
        {
            "status": "已处置",
            "disposal_method": "无偿收回",
            "decision_on": "2022-07-01",
            "disposed_on": "2022-09-01",
            "disposed_area_m2": "20,000.01",
        },
        "已处置面积(平方米)",
        "20,000.01",
        "at most the area under disposal",
        id="disposed area above the case area",
    ),
    pytest.param(
        {"case_area_m2": "25000"}, "处置面积(平方米)", "25000", "cannot exceed the parcel", id="case > parcel"
    ),
    pytest.param({"opened_on": "2022-02-30"}, "登记日期", "2022-02-30", "no such day", id="impossible date"),
    pytest.param(
        {
            "status": "已处置",
            "disposal_method": "无偿收回",
            "decision_on": "2022-07-01",
            "disposed_on": "2022-05-31",
            "disposed_area_m2": "20000",
        },
        "处置完成日期",
        "2022-05-31",
        "cannot be disposed of before it was identified",
        id="disposed before identified",
    ),
    pytest.param({"park": "XX"}, "园区代码", "XX", "no park with the code XX", id="unknown park"),
    pytest.param({"park": "QT"}, "园区代码", "QT", "You may not import into park QT", id="another park"),
    pytest.param(
        {"credit_code": "91440403000000001X"},
        "统一社会信用代码",
        "91440403000000001X",
        "check character",
        id="invalid credit code",
    ),
    pytest.param({"status": "已结案"}, "状态", "已结案", "Not one of", id="unknown status"),
    pytest.param({"officer": "nobody"}, "经办人", "nobody", "no active user nobody", id="unknown officer"),
    pytest.param(
        {"officer": "qt-admin"},
        "经办人",
        "qt-admin",
        "not a case officer of park HZ",
        id="officer of another park",
    ),
    pytest.param({"opened_on": ""}, "登记日期", "", "Required", id="empty required cell"),
    pytest.param(
        {"disposal_method": "政府收购储备"},
        "处置方式",
        "政府收购储备",
        "does not apply to this category",
        id="method",
    ),
    pytest.param({"low_willingness": "也许"}, "意愿不高", "也许", "Write 是 or 否", id="flag"),
    pytest.param(
        {"identified_on": "2022-01-01"},
        "认定日期",
        "2022-01-01",
        "identified before it was opened",
        id="identified early",
    ),
    pytest.param(
        {"cadastral_code": "4404"}, "宗地代码", "4404", "19-character parcel code", id="cadastral code"
    ),
]


@pytest.mark.parametrize(("values", "column", "value", "reason"), BAD_ROWS)
def test_a_bad_row_is_reported_with_its_column_value_and_reason_and_nothing_is_written(
    world, values, column, value, reason
):
    before = counts()
    rows = [case_row(1), case_row(2, **values), case_row(3)]
    report = import_ledger(xlsx(rows), file_name="bad.xlsx", user=world.admin)

    assert not report.ok and not report.imported
    assert [row.outcome for row in report.rows] == ["created", "refused", "created"]
    lines = refused_lines(report)
    assert any(n == 3 and c == column and v == value and reason in r for n, c, v, r in lines), lines
    assert counts() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_refused_row_is_reported_not_only_the_first(world, fmt):
    rows = [
        case_row(1, parcel_area_m2="abc"),
        case_row(2),
        case_row(3, opened_on="2022-02-30", credit_code="123"),
        case_row(4, park="QT"),
        case_row(5),
    ]
    data = xlsx(rows) if fmt == "xlsx" else csv_bytes(rows)
    before = counts()
    report = import_ledger(data, file_name=f"bad.{fmt}", user=world.admin)

    assert [row.outcome for row in report.rows] == ["refused", "created", "refused", "refused", "created"]
    assert [(n, c) for n, c, _v, _r in refused_lines(report)] == [
        (2, "宗地面积(平方米)"),
        (4, "登记日期"),
        (4, "统一社会信用代码"),
        (5, "园区代码"),
    ]
    assert report.summary() == "5 rows: 2 created, 0 updated, 0 unchanged, 3 refused."
    assert counts() == before


def test_row_numbers_are_those_of_the_spreadsheet_blank_rows_included(world):
    rows = [case_row(1), {}, {}, case_row(2, case_area_m2="x")]
    report = import_ledger(xlsx(rows), file_name="gaps.xlsx", user=world.admin)
    assert [(row.number, row.outcome) for row in report.rows] == [(2, "created"), (5, "refused")]


def test_two_open_cases_for_one_parcel_in_the_same_file_are_both_refused(world):
    rows = [
        case_row(1, opened_on="2022-03-05"),
        case_row(1, opened_on="2022-04-01", status="调查取证", identified_on=""),
    ]
    before = counts()
    report = import_ledger(xlsx(rows), file_name="twice.xlsx", user=world.admin)

    assert [row.outcome for row in report.rows] == ["refused", "refused"]
    reasons = [r for _n, _c, _v, r in refused_lines(report)]
    assert "Parcel HZ-001 would have two open cases: this one and row 3." in reasons
    assert "Parcel HZ-001 would have two open cases: this one and row 2." in reasons
    assert counts() == before


def test_an_open_case_beside_one_already_open_is_refused(world):
    assert import_ledger(xlsx([case_row(1)]), file_name="a.xlsx", user=world.admin).imported
    before = counts()
    report = import_ledger(
        xlsx([case_row(1, opened_on="2023-01-09", identified_on="2023-02-01")]),
        file_name="b.xlsx",
        user=world.admin,
    )
    assert refused_lines(report) == [
        (2, "状态", "identified", "Parcel HZ-001 would have two open cases: this one and HZ-2022-001.")
    ]
    assert counts() == before


def test_a_formula_cell_is_refused(world):
    data = xlsx([case_row(1, case_area_m2="=E2*0.5")])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.active["M2"].data_type == "f"
    before = counts()
    report = import_ledger(data, file_name="formula.xlsx", user=world.admin)
    assert refused_lines(report) == [
        (2, "处置面积(平方米)", "=E2*0.5", "A formula, not a value: copy the column and paste it as values.")
    ]
    assert counts() == before


def test_a_formula_in_a_csv_is_refused_too(world):
    report = import_ledger(
        csv_bytes([case_row(1, location="=HYPERLINK(1)")]), file_name="f.csv", user=world.admin
    )
    assert [c for _n, c, _v, _r in refused_lines(report)] == ["坐落"]


def test_a_long_number_excel_rounded_is_refused(world):
    report = import_ledger(
        xlsx([case_row(1, credit_code=914404031234567890)]), file_name="n.xlsx", user=world.admin
    )
    assert "imprecisely" in refused_lines(report)[0][3]


def test_a_row_cannot_move_a_case_to_another_parcel(world):
    assert import_ledger(xlsx([case_row(1)]), file_name="a.xlsx", user=world.admin).imported
    report = import_ledger(
        xlsx([case_row(2, case_number="HZ-2022-001")]), file_name="b.xlsx", user=world.admin
    )
    assert "is a case of parcel HZ-001" in refused_lines(report)[0][3]


def test_a_case_number_of_another_park_is_refused(world):
    factories.make_case(park=world.other)
    number = DisposalCase.objects.get().number
    report = import_ledger(xlsx([case_row(1, case_number=number)]), file_name="n.xlsx", user=world.admin)
    assert (
        refused_lines(report)[0][3] == f"Case number {number} is already a case of park {world.other.code}."
    )
    report = import_ledger(
        xlsx([case_row(1, case_number="QT-2021-005")]), file_name="n.xlsx", user=world.admin
    )
    assert "in park QT's series" in refused_lines(report)[0][3]


def test_rows_that_disagree_about_a_parcel_are_refused(world):
    rows = [case_row(1), case_row(1, opened_on="2020-01-01", status="不予认定/撤销", parcel_area_m2="30000")]
    report = import_ledger(xlsx(rows), file_name="x.xlsx", user=world.admin)
    assert refused_lines(report) == [
        (3, "宗地面积(平方米)", "30000", "Row 2 gives this parcel other values: area (m²).")
    ]


def test_a_park_admin_may_import_only_into_their_parks_even_through_the_park_option(world):
    report = import_ledger(xlsx([case_row(1, park="QT")]), file_name="x.xlsx", user=world.admin)
    assert (
        refused_lines(report)[0][3] == "You may not import into park QT: that needs its park administrator."
    )
    officer_report = import_ledger(xlsx([case_row(1)]), file_name="x.xlsx", user=world.officer)
    assert "You may not import into park HZ" in refused_lines(officer_report)[0][3]


def test_the_park_option_fills_a_missing_park_column_and_refuses_other_parks(world):
    keys = [k for k in KEYS if k != "park"]
    report = import_ledger(
        xlsx([case_row(1)], keys=keys), file_name="x.xlsx", user=world.admin, park=world.park
    )
    assert report.imported, refused_lines(report)
    report = import_ledger(xlsx([case_row(2, park="QT")]), file_name="x.xlsx", park=world.park)
    assert refused_lines(report)[0][3] == "This file is being imported into park HZ only."


# Updates, idempotence and the audit trail ------------------------------------------------------------


def test_a_second_import_of_the_same_file_changes_nothing_and_says_so(world):
    data = xlsx([case_row(1), case_row(2), case_row(3, status="lead", identified_on="")])
    first = import_ledger(data, file_name="台账.xlsx", user=world.admin)
    assert first.imported
    before = counts()

    again = import_ledger(data, file_name="台账.xlsx", user=world.admin)

    assert again.imported and not again.changes_anything
    assert [row.outcome for row in again.rows] == ["unchanged"] * 3
    assert all(row.changes == [] for row in again.rows)
    assert again.counts == {k: {"created": 0, "updated": 0} for k in ("enterprises", "parcels", "cases")}
    after = counts()
    assert after.pop("cases.LedgerImport") == before.pop("cases.LedgerImport") + 1
    assert after == before  # not one history row


def test_an_import_updates_what_changed_and_nothing_else(world):
    assert import_ledger(xlsx([case_row(1), case_row(2)]), file_name="v1.xlsx", user=world.admin).imported
    case = DisposalCase.objects.get(parcel__code="HZ-001")
    before = counts()
    rows = [
        case_row(
            1,
            case_number="HZ-2022-001",
            status="处置实施",
            disposal_method="协议有偿收回",
            decision_on="2022-09-01",
            location="海洲大道1号（北）",
        ),
        case_row(2),
    ]
    report = import_ledger(xlsx(rows), file_name="v2.xlsx", user=world.admin)

    assert [row.outcome for row in report.rows] == ["updated", "unchanged"]
    assert report.rows[0].changes == [
        "parcel HZ-001: location",
        "case HZ-2022-001: decision date、disposal method、status",
    ]
    assert report.counts["cases"] == {"created": 0, "updated": 1}
    assert report.counts["parcels"] == {"created": 0, "updated": 1}
    updated = DisposalCase.objects.get(pk=case.pk)
    assert (updated.status, updated.version, updated.updated_by) == (
        "implementing",
        case.version + 1,
        world.admin,
    )
    after = counts()
    assert after["cases.HistoricalDisposalCase"] == before["cases.HistoricalDisposalCase"] + 1
    assert after["cases.HistoricalLandParcel"] == before["cases.HistoricalLandParcel"] + 1
    assert after["cases.HistoricalEnterprise"] == before["cases.HistoricalEnterprise"]


def test_closing_a_case_by_import_remembers_where_it_was_and_a_new_case_can_follow(world):
    assert import_ledger(xlsx([case_row(1)]), file_name="v1.xlsx", user=world.admin).imported
    rows = [
        case_row(1, case_number="HZ-2022-001", status="不予认定/撤销"),
        case_row(1, opened_on="2023-02-01", identified_on="2023-03-01", status="已认定"),
    ]
    report = import_ledger(xlsx(rows), file_name="v2.xlsx", user=world.admin)

    assert report.imported, refused_lines(report)
    old, new = DisposalCase.objects.order_by("opened_on")
    assert (old.status, old.status_before_close) == ("withdrawn", "identified")
    assert new.number == "HZ-2023-001" and new.status == "identified"


def test_every_object_touched_shows_imported_from_the_file_in_its_history(world):
    data = xlsx([case_row(1)])
    report = import_ledger(data, file_name="海洲台账2022.xlsx", user=world.admin)
    reason = history_reason("海洲台账2022.xlsx", report.sha256)
    assert reason == f"导入台账 imported from 海洲台账2022.xlsx ({report.sha256[:12]})"

    case = DisposalCase.objects.get()
    for obj in (case, case.parcel, case.parcel.enterprise):
        record = obj.history.get()
        assert (record.history_type, record.history_change_reason, record.history_user) == (
            "+",
            reason,
            world.admin,
        )


def test_a_long_file_name_still_fits_the_history_reason():
    reason = history_reason("台账" * 80 + ".xlsx", "a" * 64)
    assert len(reason) == 100 and reason.endswith("… (aaaaaaaaaaaa)")


def test_the_import_is_recorded_with_who_when_which_file_and_the_counts(world):
    data = xlsx([case_row(1), case_row(2)])
    report = import_ledger(data, file_name="海洲台账.xlsx", user=world.admin)

    record = LedgerImport.objects.get()
    assert record.pk == report.import_id
    assert (record.file_name, record.sha256, record.size) == ("海洲台账.xlsx", report.sha256, len(data))
    assert (record.rows, record.created, record.updated, record.unchanged) == (2, 2, 0, 0)
    assert record.counts["cases"] == {"created": 2, "updated": 0}
    assert record.imported_by == world.admin and record.imported_at is not None
    assert list(record.parks.all()) == [world.park]


def test_a_dry_run_reports_every_row_and_writes_nothing(world):
    assert import_ledger(xlsx([case_row(1)]), file_name="v1.xlsx", user=world.admin).imported
    before = counts()
    rows = [case_row(1, case_number="HZ-2022-001", notes="已更新"), case_row(2), case_row(3, park="XX")]
    report = import_ledger(xlsx(rows), file_name="v2.xlsx", user=world.admin, dry_run=True)

    assert [row.outcome for row in report.rows] == ["updated", "created", "refused"]
    assert report.rows[1].changes == [
        "new enterprise 海洲精密2有限公司",
        "new parcel HZ-002",
        "new case (numbered on import)",
    ]
    assert counts() == before


def test_a_refused_row_rolls_back_everything_even_numbers(world):
    before = counts()
    report = import_ledger(xlsx([case_row(1), case_row(2, park="XX")]), file_name="x.xlsx", user=world.admin)
    assert not report.imported
    assert counts() == before
    assert not CaseNumberSequence.objects.exists()


def test_the_import_makes_a_fixed_number_of_queries_however_many_rows(world, django_assert_max_num_queries):
    def run(rows: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        data = xlsx([case_row(n) for n in range(1, rows + 1)])
        DisposalCase.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            report = import_ledger(data, file_name="q.xlsx", user=world.admin, dry_run=True)
        assert report.ok
        return len(captured)

    assert run(2) == run(40)


# The round trip -----------------------------------------------------------------------------------------


def test_the_demo_ledger_exported_imports_back_with_every_row_unchanged():
    call_command("load_demo", password="x", stdout=StringIO())
    cases = DisposalCase.objects.select_related("parcel__park", "parcel__enterprise", "officer")
    data = ledger_xlsx(cases)
    before = counts()
    admin = get_user_model().objects.get(username="demo-admin")

    report = import_ledger(data, file_name="demo.xlsx", user=admin)

    assert report.imported, refused_lines(report)
    assert len(report.rows) == cases.count() > 20
    assert {row.outcome for row in report.rows} == {"unchanged"}
    after = counts()
    assert after.pop("cases.LedgerImport") == before.pop("cases.LedgerImport") + 1
    assert after == before


def test_the_exported_ledger_has_the_chinese_columns_and_one_row_per_case(world):
    factories.make_case(park=world.park, status="lead")
    sheet = load_workbook(io.BytesIO(ledger_xlsx(DisposalCase.objects.all()))).active
    rows = list(sheet.values)
    assert list(rows[0]) == [column.chinese for column in LEDGER_COLUMNS]
    assert len(rows) == 2 and rows[1][KEYS.index("status")] == "线索"


# The command ---------------------------------------------------------------------------------------------


def test_the_command_imports_and_prints_a_summary(world, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx([case_row(1), case_row(2)]))
    out = StringIO()
    call_command("import_ledger", str(path), "--user", "hz-admin", stdout=out)
    assert "2 rows: 2 created, 0 updated, 0 unchanged, 0 refused." in out.getvalue()
    assert DisposalCase.objects.count() == 2
    assert LedgerImport.objects.get().imported_by == world.admin

    out = StringIO()
    call_command("import_ledger", str(path), stdout=out)
    assert "Every row is unchanged" in out.getvalue()


def test_the_command_dry_run_writes_nothing_and_the_report_is_an_xlsx(world, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(csv_bytes([case_row(1)]))
    report_path = tmp_path / "report.xlsx"
    before = counts()
    out = StringIO()
    call_command(
        "import_ledger", str(path), "--dry-run", "--park", "HZ", "--report", str(report_path), stdout=out
    )
    assert "Dry run: nothing was written." in out.getvalue()
    assert counts() == before
    sheet = load_workbook(report_path).active
    assert list(next(sheet.values)) == [
        "row",
        "outcome",
        "park",
        "parcel",
        "case",
        "column",
        "value",
        "reason or change",
    ]
    assert list(sheet.values)[1][:3] == (2, "created", "HZ")


def test_the_command_fails_with_one_line_and_lists_every_refused_row(world, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([case_row(1, case_area_m2="0"), case_row(2), case_row(3, opened_on="2022-02-30")]))
    report_path = tmp_path / "report.xlsx"
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_ledger", str(path), "--report", str(report_path), stdout=out)
    assert str(error.value) == "2 rows refused; nothing was imported."
    assert (
        "row 2, 处置面积(平方米) “0”: Area under disposal (m²) 0 is outside the allowed range "
        "(0.01 to 10,000,000 m²)." in out.getvalue()
    )
    assert "row 4, 登记日期 “2022-02-30”: There is no such day in the calendar." in out.getvalue()
    assert counts() == before
    lines = list(load_workbook(report_path).active.values)[1:]
    assert [(line[0], line[1]) for line in lines] == [(2, "refused"), (3, "created"), (4, "refused")]


def test_the_command_refuses_a_file_that_is_not_a_ledger_in_one_line(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    out = StringIO()
    with pytest.raises(CommandError, match=r"^The file was refused; nothing was imported\.$"):
        call_command("import_ledger", str(path), stdout=out)
    assert "The file is empty." in out.getvalue()


def test_the_command_checks_its_park_and_user(world, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx([case_row(1)]))
    with pytest.raises(CommandError, match="There is no park with the code NOPE"):
        call_command("import_ledger", str(path), "--park", "NOPE", stdout=StringIO())
    with pytest.raises(CommandError, match="There is no active user ghost"):
        call_command("import_ledger", str(path), "--user", "ghost", stdout=StringIO())
    with pytest.raises(CommandError, match="1 rows refused"):
        call_command("import_ledger", str(path), "--user", "qt-admin", stdout=StringIO())


# The disposal rate of an imported ledger ---------------------------------------------------------------


def test_the_monthly_report_of_an_imported_2022_ledger_gives_the_rate_computed_by_hand(world):
    """Six cases of park HZ, by hand for 2022 at 31 December:

    register = cases identified by then, not withdrawn, not disposed before 2022:
      A 10,000 (identified Feb) + B 20,000 (Mar, open) + C 15,000 (identified 2021, disposed Sep)
      = 45,000 m²; D is withdrawn, E was disposed in 2021, F is a lead without identification.
    disposed in 2022 = A 10,000 (May) + C 12,000 (Sep) = 22,000 m².
    rate = 22,000 / 45,000 = 48.888… → 48.9 %; count rate 2 / 3 → 66.7 %; gap to 55.4 = −6.5 pp.
    At 31 May: register 45,000, disposed 10,000 → 22.2 %.
    """
    disposed = {"status": "已处置", "disposal_method": "协议有偿收回"}
    a = {"opened_on": "2022-01-10", "identified_on": "2022-02-10", "decision_on": "2022-03-01"}
    c = {"opened_on": "2021-09-01", "identified_on": "2021-11-01", "decision_on": "2022-01-15"}
    e = {"opened_on": "2021-02-01", "identified_on": "2021-06-01", "decision_on": "2021-08-01"}
    rows = [
        case_row(
            1, case_area_m2="10000", **a, **disposed, disposed_on="2022-05-20", disposed_area_m2="10000"
        ),
        case_row(
            2, case_area_m2="20000", opened_on="2022-02-01", identified_on="2022-03-01", status="方案制定"
        ),
        case_row(
            3, case_area_m2="15000", **c, **disposed, disposed_on="2022-09-30", disposed_area_m2="12000"
        ),
        case_row(4, case_area_m2="8000", opened_on="2022-03-01", identified_on="2022-04-05", status="撤销"),
        case_row(5, case_area_m2="9000", **e, **disposed, disposed_on="2021-12-15", disposed_area_m2="9000"),
        case_row(6, case_area_m2="7000", opened_on="2022-10-01", identified_on="", status="线索"),
    ]
    report = import_ledger(xlsx(rows), file_name="海洲2022.xlsx", user=world.admin)
    assert report.imported, refused_lines(report)

    result = monthly_report(DisposalCase.objects.all(), year=2022, as_of=date(2022, 12, 31), park=world.park)

    assert result.totals.register_area_m2 == Decimal("45000.00")
    assert result.totals.disposed_area_m2 == Decimal("22000.00")
    assert result.totals.rate_pct == Decimal("48.9")
    assert result.totals.count_rate_pct == Decimal("66.7")
    assert result.gap_pp == Decimal("-6.5")
    may = result.months[4].as_dict()
    assert (may["register_area_m2"], may["cum_disposed_area_m2"], may["rate_pct"]) == (
        "45000.00",
        "10000.00",
        "22.2",
    )
    december = result.months[11].as_dict()
    assert (december["rate_pct"], december["cum_disposed_count"], december["register_count"]) == (
        "48.9",
        2,
        3,
    )


# Reading ---------------------------------------------------------------------------------------------------


def test_a_csv_export_of_parkland_reads_back_its_neutralised_text():
    data = "园区代码,坐落\nHZ,'=危险\n".encode()
    table = read_table(data)
    assert table.rows == [(2, ["HZ", "=危险"])]


def test_semicolon_and_tab_separated_files_are_read():
    assert read_table("园区代码;坐落\nHZ;一路\n".encode()).rows == [(2, ["HZ", "一路"])]
    assert read_table("园区代码\t坐落\nHZ\t一路\n".encode()).rows == [(2, ["HZ", "一路"])]

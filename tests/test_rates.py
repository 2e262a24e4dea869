"""The disposal-rate engine (docs/disposal-rate.md#definitions) against hand-computed registers."""

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cases.models import DisposalCase, DisposalTarget
from cases.reporting import ReportError, monthly_report, to_csv, to_xlsx

from .factories import make_case, make_parcel, make_park

pytestmark = pytest.mark.django_db

YEAR_END = date(2022, 12, 31)


def disposed(park, area, *, on, identified_on=date(2022, 1, 5), disposed_area=None, **fields):
    parcel = make_parcel(park=park, area_m2=area)
    return make_case(
        parcel=parcel,
        status="disposed",
        opened_on=min(identified_on, date(2021, 12, 1)),
        identified_on=identified_on,
        disposal_method="idle_fee",
        decision_on=identified_on,
        disposed_on=on,
        disposed_area_m2=disposed_area if disposed_area is not None else area,
        **fields,
    )


def identified(park, area, *, on=date(2022, 1, 5), status="planning", **fields):
    parcel = make_parcel(park=park, area_m2=area)
    return make_case(
        parcel=parcel, status=status, opened_on=min(on, date(2021, 12, 1)), identified_on=on, **fields
    )


def figures(year=2022, as_of=YEAR_END, **filters):
    return DisposalCase.objects.filter(**filters).rate_figures(year=year, as_of=as_of)


def test_empty_register_gives_no_rate():
    result = figures()
    assert result.register_count == 0
    assert result.rate_pct is None
    assert result.count_rate_pct is None
    assert result.gap_pp(Decimal("55.4")) is None
    assert result.area_to_benchmark_m2(Decimal("55.4")) == Decimal("0.00")


def test_rate_is_disposed_area_over_register_area():
    park = make_park(code="XQ")
    disposed(park, "303200.00", on=date(2022, 6, 30))
    identified(park, "244100.00")
    result = figures()
    assert (result.register_count, result.register_area_m2) == (2, Decimal("547300.00"))
    assert (result.disposed_count, result.disposed_area_m2) == (1, Decimal("303200.00"))
    assert result.rate_pct == Decimal("55.4")
    assert result.count_rate_pct == Decimal("50.0")
    assert result.gap_pp(Decimal("55.4")) == Decimal("0.0")
    # 0.554 × 547300 − 303200 = 4.2
    assert result.area_to_benchmark_m2(Decimal("55.4")) == Decimal("4.20")


def test_withdrawn_case_leaves_the_register():
    park = make_park()
    identified(park, "1000.00")
    identified(park, "3000.00", status="withdrawn", status_before_close="planning")
    assert figures().register_area_m2 == Decimal("1000.00")


def test_case_disposed_the_year_before_is_not_in_this_years_register():
    park = make_park()
    disposed(park, "5000.00", on=date(2021, 12, 31), identified_on=date(2021, 3, 1))
    disposed(park, "2000.00", on=date(2022, 1, 1), identified_on=date(2021, 3, 1))
    result = figures()
    assert (result.register_count, result.register_area_m2) == (1, Decimal("2000.00"))
    assert result.disposed_area_m2 == Decimal("2000.00")
    assert result.rate_pct == Decimal("100.0")


def test_case_disposed_the_year_after_stays_in_the_register_undisposed():
    park = make_park()
    disposed(park, "4000.00", on=date(2023, 2, 1))
    identified(park, "1000.00")
    result = figures()
    assert result.register_area_m2 == Decimal("5000.00")
    assert result.disposed_count == 0
    assert result.rate_pct == Decimal("0.0")


def test_partial_disposal_counts_its_disposed_area():
    park = make_park()
    disposed(park, "10000.00", on=date(2022, 5, 1), disposed_area="2500.00")
    result = figures()
    assert result.register_area_m2 == Decimal("10000.00")
    assert result.disposed_area_m2 == Decimal("2500.00")
    assert result.rate_pct == Decimal("25.0")


def test_cases_identified_after_the_as_of_date_are_not_counted():
    park = make_park()
    identified(park, "1000.00", on=date(2022, 6, 16))
    disposed(park, "3000.00", on=date(2022, 6, 16))
    identified(park, "1000.00", on=date(2022, 6, 15))
    result = figures(as_of=date(2022, 6, 15))
    assert (result.register_count, result.register_area_m2) == (2, Decimal("4000.00"))
    assert result.disposed_count == 0


def test_rate_rounds_half_up_to_one_decimal():
    park = make_park()
    # 1 / 8 = 12.5 % exactly; 1 / 16 = 6.25 % rounds half-up to 6.3.
    disposed(park, "100.00", on=date(2022, 3, 1))
    identified(park, "1500.00")
    assert figures().rate_pct == Decimal("6.3")


def test_two_parks_apart_and_together():
    park_a, park_b = make_park(code="AA"), make_park(code="BB")
    disposed(park_a, "3000.00", on=date(2022, 4, 1))
    identified(park_a, "1000.00")
    disposed(park_b, "1000.00", on=date(2022, 4, 1))
    identified(park_b, "9000.00")
    assert figures(parcel__park=park_a).rate_pct == Decimal("75.0")
    assert figures(parcel__park=park_b).rate_pct == Decimal("10.0")
    together = figures()
    assert together.register_area_m2 == Decimal("14000.00")
    assert together.disposed_area_m2 == Decimal("4000.00")
    assert together.rate_pct == Decimal("28.6")
    by_park = DisposalCase.objects.rate_breakdown("parcel__park__code", year=2022, as_of=YEAR_END)
    assert by_park["AA"].rate_pct == Decimal("75.0")
    assert by_park["BB"].rate_pct == Decimal("10.0")


def test_benchmark_prefers_the_park_target_then_the_all_parks_target_then_the_default():
    park, other = make_park(code="AA"), make_park(code="BB")
    assert DisposalTarget.objects.benchmark_pct(park=park, year=2022) == Decimal("55.4")
    DisposalTarget.objects.create(park=None, year=2022, rate_pct=Decimal("50.0"))
    assert DisposalTarget.objects.benchmark_pct(park=park, year=2022) == Decimal("50.0")
    assert DisposalTarget.objects.benchmark_pct(park=None, year=2022) == Decimal("50.0")
    DisposalTarget.objects.create(park=park, year=2022, rate_pct=Decimal("60.0"))
    assert DisposalTarget.objects.benchmark_pct(park=park, year=2022) == Decimal("60.0")
    assert DisposalTarget.objects.benchmark_pct(park=other, year=2022) == Decimal("50.0")
    assert DisposalTarget.objects.benchmark_pct(park=park, year=2023) == Decimal("55.4")


def test_month_table_by_hand():
    park = make_park(code="XQ")
    # Identified in 2021, in the register all year; disposed in March (partly).
    disposed(park, "4000.00", on=date(2022, 3, 20), identified_on=date(2021, 5, 1), disposed_area="3000.00")
    # Identified in February, disposed in April.
    disposed(park, "1000.00", on=date(2022, 4, 2), identified_on=date(2022, 2, 10))
    # Identified in February, withdrawn later: never counted.
    identified(park, "9999.00", on=date(2022, 2, 11), status="withdrawn", status_before_close="identified")
    # Identified in April after the report date: not in April's row.
    identified(park, "5000.00", on=date(2022, 4, 20))
    report = monthly_report(DisposalCase.objects.all(), year=2022, as_of=date(2022, 4, 15))
    rows = [row.as_dict() for row in report.months]
    assert [r["month"] for r in rows] == [1, 2, 3, 4]
    assert [r["identified_count"] for r in rows] == [0, 1, 0, 0]
    assert [r["identified_area_m2"] for r in rows] == ["0.00", "1000.00", "0.00", "0.00"]
    assert [r["disposed_count"] for r in rows] == [0, 0, 1, 1]
    assert [r["disposed_area_m2"] for r in rows] == ["0.00", "0.00", "3000.00", "1000.00"]
    assert [r["cum_disposed_count"] for r in rows] == [0, 0, 1, 2]
    assert [r["cum_disposed_area_m2"] for r in rows] == ["0.00", "0.00", "3000.00", "4000.00"]
    assert [r["register_count"] for r in rows] == [1, 2, 2, 2]
    assert [r["register_area_m2"] for r in rows] == ["4000.00", "5000.00", "5000.00", "5000.00"]
    assert [r["rate_pct"] for r in rows] == ["0.0", "0.0", "60.0", "80.0"]
    assert [r["gap_pp"] for r in rows] == ["-55.4", "-55.4", "4.6", "24.6"]
    # 0.554 × 4000 = 2216; 0.554 × 5000 = 2770; then the benchmark is passed.
    assert [r["area_to_benchmark_m2"] for r in rows] == ["2216.00", "2770.00", "0.00", "0.00"]


def test_empty_month_rows_have_no_rate():
    report = monthly_report(DisposalCase.objects.all(), year=2022, as_of=date(2022, 2, 28))
    assert [row.as_dict()["rate_pct"] for row in report.months] == [None, None]
    assert [row.as_dict()["gap_pp"] for row in report.months] == [None, None]


def test_report_narrows_to_park_and_category():
    park_a, park_b = make_park(code="AA"), make_park(code="BB")
    disposed(park_a, "3000.00", on=date(2022, 4, 1))
    identified(park_a, "1000.00", category="inefficient")
    disposed(park_b, "1000.00", on=date(2022, 4, 1))
    report = monthly_report(
        DisposalCase.objects.all(), year=2022, as_of=YEAR_END, park=park_a, category="idle"
    )
    assert report.totals.register_area_m2 == Decimal("3000.00")
    assert report.scope() == {"park": "AA", "park_name": park_a.name, "category": "idle"}
    assert set(report.by_category) == {"idle"}
    assert [case.parcel.park.code for case in report.disposed_cases] == ["AA"]


def test_report_refuses_a_year_out_of_range_and_a_date_outside_the_year():
    with pytest.raises(ReportError):
        monthly_report(DisposalCase.objects.all(), year=1899)
    with pytest.raises(ReportError):
        monthly_report(DisposalCase.objects.all(), year=2022, as_of=date(2023, 1, 1))
    with pytest.raises(ReportError):
        monthly_report(DisposalCase.objects.all(), year=2022, category="fallow")


def _report_queries(count: int) -> int:
    park = make_park()
    for i in range(count):
        if i % 2:
            disposed(park, "1000.00", on=date(2022, 1 + i % 12, 1))
        else:
            identified(park, "1000.00", on=date(2022, 1 + i % 12, 2))
    with CaptureQueriesContext(connection) as queries:
        report = monthly_report(DisposalCase.objects.all(), year=2022, as_of=YEAR_END)
        report.as_dict()
        [(case.number, case.parcel.park.code, case.parcel.enterprise) for case in report.disposed_cases]
    return len(queries)


def test_report_query_count_does_not_grow_with_cases():
    assert _report_queries(3) == _report_queries(60)


def test_files_carry_the_same_figures():
    park = make_park(code="XQ")
    disposed(park, "303200.00", on=date(2022, 6, 30))
    identified(park, "244100.00")
    report = monthly_report(DisposalCase.objects.all(), year=2022, as_of=YEAR_END)
    csv_text = to_csv(report).decode("utf-8")
    assert csv_text.startswith("\ufeff")
    last = csv_text.strip().splitlines()[-1].split(",")
    assert last[0] == "12" and "55.4" in last and "303200.00" in last
    workbook = load_workbook(BytesIO(to_xlsx(report)))
    sheet = workbook.worksheets[0]
    # A title row, the scope row, the frozen header, then January to December.
    assert sheet.freeze_panes == "A4"
    assert sheet.max_row == 15
    assert sheet.cell(15, 1).value == 12
    assert Decimal(str(sheet.cell(15, 10).value)) == Decimal("55.4")
    assert Decimal(str(sheet.cell(15, 7).value)) == Decimal("303200")
    assert sheet.cell(15, 7).number_format == "#,##0.00"
    assert len(workbook.worksheets) == 4


def test_command_writes_the_json_of_the_report(tmp_path):
    park = make_park(code="XQ")
    disposed(park, "303200.00", on=date(2022, 6, 30))
    identified(park, "244100.00")
    target = tmp_path / "report.json"
    call_command(
        "disposal_report",
        "--year",
        "2022",
        "--park",
        "XQ",
        "--format",
        "json",
        "--output",
        str(target),
        stderr=StringIO(),
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["year"] == 2022 and data["as_of"] == "2022-12-31" and data["benchmark_pct"] == "55.4"
    assert data["scope"]["park"] == "XQ"
    december = data["months"][-1]
    assert december["month"] == 12
    assert december["rate_pct"] == "55.4"
    assert december["cum_disposed_count"] == 1
    assert december["cum_disposed_area_m2"] == "303200.00"
    assert december["register_area_m2"] == "547300.00"


@pytest.mark.parametrize(
    "arguments",
    [
        ["--year", "1899"],
        ["--year", "2022", "--park", "NOPE"],
        ["--year", "2022", "--as-of", "2023-01-01"],
        ["--year", "2022", "--as-of", "2022-02-30"],
        ["--year", "2022", "--output", "/nonexistent-folder/report.json"],
    ],
)
def test_command_refuses_bad_arguments(arguments):
    with pytest.raises(CommandError):
        call_command("disposal_report", *arguments, stdout=StringIO(), stderr=StringIO())


def test_command_error_is_one_line_without_a_traceback():
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "disposal_report", "--year", "1899"],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

"""Time the ledger import of a generated 10,000-row ledger against the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parkland_ledger \
        .venv/bin/python scripts/benchmark_import.py [--rows N] [--format xlsx|csv] [--keep]

Writes a ledger of new parcels, enterprises and cases of a benchmark park (`BENCH`, created if
missing) into a temporary folder, imports it once for real and times it, then imports the same
file again (every row unchanged). Everything it wrote is rolled back at the end unless `--keep`
is given, so it can run against a development database. The database must be migrated.
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkland.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "parkland-benchmark-only-not-a-secret")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from cases.ledger import LEDGER_COLUMNS, import_ledger  # noqa: E402
from cases.models import Park  # noqa: E402
from cases.validators import credit_code_check_character  # noqa: E402

STATUSES = ["线索", "调查取证", "已认定", "方案制定", "处置实施", "已处置", "不予认定/撤销"]


def credit_code(serial: int) -> str:
    first17 = f"91440403{serial:09d}"
    return first17 + credit_code_check_character(first17)


def ledger_rows(count: int) -> list[dict]:
    """`count` cases on as many new parcels, of count/2 enterprises, in every status, all valid."""
    rows = []
    for index in range(count):
        opened = date(2022, 1, 3) + timedelta(days=index % 700)
        status = STATUSES[index % len(STATUSES)]
        identified = opened + timedelta(days=30) if status in STATUSES[2:6] else None
        decided = identified + timedelta(days=30) if status in ("处置实施", "已处置") else None
        disposed = decided + timedelta(days=60) if status == "已处置" else None
        area = Decimal(10000 + index % 5000) + Decimal("0.25")
        rows.append(
            {
                "park": "BENCH",
                "parcel_code": f"B-{index:05d}",
                "cadastral_code": f"440403106003GB{index:05d}",
                "location": f"基准园区{index % 50}路{index}号",
                "parcel_area_m2": area,
                "land_use": "工业用地",
                "enterprise": f"基准测试企业{index // 2}有限公司",
                "credit_code": credit_code(index // 2),
                "agreed_start_on": opened - timedelta(days=800),
                "case_number": "",
                "category": "闲置",
                "status": status,
                "case_area_m2": area,
                "opened_on": opened,
                "identified_on": identified,
                "disposal_method": "协议有偿收回" if decided else "",
                "decision_on": decided,
                "target_on": opened + timedelta(days=365),
                "disposed_on": disposed,
                "disposed_area_m2": area if disposed else None,
                "officer": "",
                "low_willingness": "是" if index % 3 == 0 else "否",
                "evidence_difficulty": "否",
                "litigation_risk": "否",
                "funding_gap": "是" if index % 5 == 0 else "否",
                "notes": "基准测试",
            }
        )
    return rows


def write_xlsx(rows: list[dict], path: Path) -> None:
    """An XLSX as Excel saves one: shared strings, numbers and dates as typed cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    sheet.append([column.chinese for column in LEDGER_COLUMNS])
    for row in rows:
        sheet.append([row[column.key] if row[column.key] != "" else None for column in LEDGER_COLUMNS])
    workbook.save(path)


def write_csv(rows: list[dict], path: Path) -> None:
    """A CSV as a Chinese Excel saves one: GB18030, dates as 2022/3/5, areas with thousands separators."""

    def text(value) -> str:
        if isinstance(value, date):
            return f"{value.year}/{value.month}/{value.day}"
        if isinstance(value, Decimal):
            return f"{value:,}"
        return "" if value is None else str(value)

    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.chinese for column in LEDGER_COLUMNS])
        for row in rows:
            writer.writerow([text(row[column.key]) for column in LEDGER_COLUMNS])


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--keep", action="store_true", help="commit what the import wrote")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"benchmark-ledger.{options.format}"
        (write_xlsx if options.format == "xlsx" else write_csv)(ledger_rows(options.rows), path)
        data = path.read_bytes()
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        size = len(data) / 1024 / 1024
        print(f"ledger: {options.rows:,} rows, {size:.1f} MB {options.format.upper()} ({path.name})")
        try:
            with transaction.atomic():
                Park.objects.get_or_create(code="BENCH", defaults={"name": "基准测试园区"})
                started = time.perf_counter()
                report = import_ledger(data, file_name=path.name)
                elapsed = time.perf_counter() - started
                if not report.ok:
                    print("refused:", report.errors or [r for r in report.rows if r.problems][:5])
                    raise SystemExit(1)
                print(f"import:  {report.summary()}")
                print(f"         {elapsed:.1f} s, {options.rows / elapsed:,.0f} rows/s")
                started = time.perf_counter()
                again = import_ledger(data, file_name=path.name)
                elapsed_again = time.perf_counter() - started
                print(f"again:   {again.summary()}")
                print(f"         {elapsed_again:.1f} s, {options.rows / elapsed_again:,.0f} rows/s")
                if not options.keep:
                    raise Rollback
        except Rollback:
            print("rolled back (run with --keep to commit)")


if __name__ == "__main__":
    main()

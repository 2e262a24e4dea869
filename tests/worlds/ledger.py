"""Shared builders of the ledger tests (moved from tests/test_ledger_import.py)."""

import csv
import io
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from openpyxl import Workbook

from cases.ledger.columns import LEDGER_COLUMNS
from tests import factories

KEYS = [column.key for column in LEDGER_COLUMNS]


CHINESE = {column.key: column.chinese for column in LEDGER_COLUMNS}


@dataclass
class World:
    park: object
    other: object
    admin: object
    officer: object
    other_admin: object


def case_row(n: int = 1, **values) -> dict:
    """One valid row: an identified idle case on its own parcel of park HZ."""
    row = {
        "park": "HZ",
        "parcel_code": f"HZ-{n:03d}",
        "cadastral_code": f"440403106003GB{n:05d}",
        "location": f"海洲大道{n}号",
        "parcel_area_m2": "20,000.00",
        "land_use": "工业用地",
        "enterprise": f"海洲精密{n}有限公司",
        "credit_code": factories.credit_code(900 + n),
        "agreed_start_on": "2019-06-30",
        "case_number": "",
        "category": "闲置",
        "status": "已认定",
        "case_area_m2": "20000",
        "opened_on": "2022-03-05",
        "identified_on": "2022/6/1",
        "disposal_method": "",
        "decision_on": "",
        "target_on": "2023年6月30日",
        "disposed_on": "",
        "disposed_area_m2": "",
        "officer": "hz-officer",
        "low_willingness": "是",
        "evidence_difficulty": "否",
        "litigation_risk": "no",
        "funding_gap": "0",
        "notes": "导入测试",
    }
    row.update(values)
    return row


def xlsx(rows: list[dict], *, keys: list[str] | None = None, headers: list[str] | None = None) -> bytes:
    keys = keys or KEYS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or [CHINESE[key] for key in keys])
    for row in rows:
        sheet.append([row.get(key) if row.get(key) != "" else None for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8-sig", keys: list[str] | None = None) -> bytes:
    keys = keys or KEYS
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([CHINESE[key] for key in keys])
    for row in rows:
        writer.writerow([row.get(key, "") for key in keys])
    return buffer.getvalue().encode(encoding)


def counts() -> dict[str, int]:
    """The number of rows of every model of the app, history tables included, and of users."""
    models = [*apps.get_app_config("cases").get_models(), get_user_model()]
    return {model._meta.label: model._default_manager.count() for model in models}


def refused_lines(report) -> list[tuple[int, str, str, str]]:
    return [(row.number, p.column, p.value, p.reason) for row in report.rows for p in row.problems]

"""Importing yearly figures: the ledger import's design and machinery (read, check every row, report,
write all rows or none), with the figures' own columns and rows."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases import scoping
from cases.ledger.columns import BOOL, CHOICE, DATE, DECIMAL, map_headers
from cases.ledger.importing import history_reason, too_large_message
from cases.ledger.reading import LedgerFileError, read_table
from cases.ledger.report import LedgerReport, Outcome, Problem, RowResult
from cases.ledger.values import (
    CellProblem,
    choice_names,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_text,
    shown,
)
from cases.models import Enterprise, LandParcel, Membership, Park

from .columns import FIGURE_COLUMNS
from .indicators import FIGURE_FIELDS, FIGURES
from .models import YearFigures

HISTORY_HEAD = "导入亩均数据 imported from "
INDUSTRY_CODE = re.compile(r"[A-T]([0-9]{2,4})?")
FIELDS = (
    "is_tenant",
    "above_scale",
    "industry_code",
    "land_m2",
    *FIGURE_FIELDS,
    *(f"{f}_source" for f in FIGURE_FIELDS),
    *(f"{f}_on" for f in FIGURE_FIELDS),
)


@dataclass
class Context:
    user: object
    default_park: Park | None
    today: object
    parks: dict = field(default_factory=dict)
    enterprises: dict = field(default_factory=dict)
    parcels: dict = field(default_factory=dict)
    existing: dict = field(default_factory=dict)
    seen: dict = field(default_factory=dict)
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)


def import_figures(
    data: bytes, *, file_name: str, user=None, park: Park | None = None, dry_run: bool = False
):
    """Check every row of a figures file and, unless `dry_run` or a row is refused, write all of it.

    `user` must be a park administrator of each park the file names (None: the command line).
    """
    sha256 = hashlib.sha256(data).hexdigest()
    report = LedgerReport(file_name=file_name, sha256=sha256, size=len(data), dry_run=dry_run)
    if len(data) > settings.PARKLAND_LEDGER_MAX_BYTES:
        report.errors.append(too_large_message(len(data)))
        return report
    try:
        table = read_table(data)
        columns = map_headers(table.headers, has_default_park=park is not None, columns=FIGURE_COLUMNS)
    except LedgerFileError as error:
        report.errors.append(error.message)
        return report
    if not table.rows:
        report.errors.append(gettext("The file has a header row but no rows of figures."))
        return report
    context = Context(user=user, default_park=park, today=timezone.localdate())
    try:
        with transaction.atomic():
            _load(context, table, columns)
            for number, cells in table.rows:
                report.rows.append(_plan_row(context, number, cells, columns))
            if dry_run or not report.ok:
                transaction.set_rollback(True)
                return report
            _write(context, history_reason(file_name, sha256, head=HISTORY_HEAD))
            report.import_id = 0
    except IntegrityError as error:
        report.import_id = None
        report.errors.append(
            gettext("The database refused the import, so nothing was written (%(error)s).")
            % {"error": str(error).splitlines()[0][:200]}
        )
    return report


def _load(context: Context, table, columns) -> None:
    """The parks the user may import into, their enterprises and parcels, and the figures already kept."""
    parks = scoping.parks_for(context.user, role=Membership.Role.PARK_ADMIN) if context.user else Park.objects
    context.parks = {p.code: p for p in parks.all()}
    park_ids = [p.pk for p in context.parks.values()]
    for enterprise in Enterprise.objects.filter(park_id__in=park_ids).only(
        "id", "park_id", "name", "credit_code"
    ):
        if enterprise.credit_code:
            context.enterprises[(enterprise.park_id, "code", enterprise.credit_code)] = enterprise
        context.enterprises.setdefault((enterprise.park_id, "name", enterprise.name), []).append(enterprise)
    for parcel in LandParcel.objects.filter(park_id__in=park_ids).only("id", "park_id", "code", "area_m2"):
        context.parcels[(parcel.park_id, parcel.code)] = parcel
    year_index = next((i for i, c in columns.items() if c.key == "year"), None)
    years = {
        _year_or_none(cells[year_index] if year_index < len(cells) else None) for _n, cells in table.rows
    }
    existing = YearFigures.objects.filter(parcel__park_id__in=park_ids, year__in=[y for y in years if y])
    context.existing = {(f.enterprise_id, f.parcel_id, f.year): f for f in existing.select_for_update()}


def _year_or_none(cell) -> int | None:
    try:
        value = parse_decimal(cell)
    except CellProblem:
        return None
    return int(value) if value is not None and value == value.to_integral_value() else None


def _cells(context: Context, cells: list, columns) -> tuple[dict, list[Problem]]:
    values, problems = {}, []
    for index, column in columns.items():
        cell = cells[index] if index < len(cells) else None
        try:
            values[column.key] = _parse(column, cell)
        except CellProblem as problem:
            problems.append(Problem(column=column.chinese, value=shown(cell), reason=problem.message))
    return values, problems


_CHOICE_NAMES = {}


def _parse(column, cell):
    if column.kind == DECIMAL:
        value = parse_decimal(cell)
        if value is not None and value < 0 and column.key != "tax_wan":
            raise CellProblem(gettext("A figure cannot be negative."))
        return value
    if column.kind == DATE:
        return parse_date(cell)
    if column.kind == BOOL:
        return parse_bool(cell)
    if column.kind == CHOICE:
        names = _CHOICE_NAMES.setdefault(column.choices, choice_names(column.choices))
        return parse_choice(cell, names, column.choices)
    return parse_text(cell)


def _plan_row(context: Context, number: int, cells: list, columns) -> RowResult:
    row = RowResult(number=number)
    values, row.problems = _cells(context, cells, columns)
    park = _park(context, values, row)
    row.park = park.code if park else values.get("park", "")
    who = values.get("enterprise") or values.get("credit_code", "")
    row.parcel = " · ".join(part for part in (values.get("parcel_code", ""), who) if part)
    year = _year(values, row)
    enterprise = _enterprise(context, park, values, row) if park else None
    parcel = context.parcels.get((park.pk, values.get("parcel_code"))) if park else None
    if park and parcel is None:
        row.problems.append(
            Problem(
                "宗地编号", values.get("parcel_code", ""), gettext("The park has no parcel with this number.")
            )
        )
    _check_values(values, row)
    if row.problems or not (enterprise and parcel and year):
        row.outcome = Outcome.REFUSED
        return row
    key = (enterprise.pk, parcel.pk, year)
    if key in context.seen:
        row.problems.append(
            Problem(
                "",
                "",
                gettext("Row %(row)s already gives this enterprise's figures on this parcel for this year.")
                % {"row": context.seen[key]},
            )
        )
        row.outcome = Outcome.REFUSED
        return row
    context.seen[key] = number
    _apply(context, key, values, row)
    return row


def _park(context: Context, values: dict, row: RowResult) -> Park | None:
    code = values.get("park") or (context.default_park.code if context.default_park else "")
    if context.default_park and code != context.default_park.code:
        row.problems.append(
            Problem("园区代码", code, gettext("The file may name only the park chosen for it."))
        )
        return None
    park = context.parks.get(code)
    if park is None:
        row.problems.append(
            Problem("园区代码", code, gettext("No such park, or you are not its park administrator."))
        )
    return park


def _year(values: dict, row: RowResult) -> int | None:
    value = values.get("year")
    if value is None or value != value.to_integral_value() or not 1990 <= value <= 2100:
        if "year" in values:
            row.problems.append(
                Problem("年度", str(value or ""), gettext("Write the year as four digits, e.g. 2024."))
            )
        return None
    return int(value)


def _enterprise(context: Context, park: Park, values: dict, row: RowResult) -> Enterprise | None:
    code, name = values.get("credit_code", ""), values.get("enterprise", "")
    if code:
        found = context.enterprises.get((park.pk, "code", code))
        if found is None:
            row.problems.append(
                Problem(
                    "统一社会信用代码", code, gettext("The park has no enterprise with this credit code.")
                )
            )
        return found
    matches = context.enterprises.get((park.pk, "name", name), [])
    if len(matches) != 1:
        reason = (
            gettext("Several enterprises of the park have this name: give the credit code.")
            if matches
            else gettext(
                "The park has no enterprise of this name; give its name or credit code as registered."
            )
        )
        row.problems.append(Problem("企业名称", name, reason))
        return None
    return matches[0]


def _check_values(values: dict, row: RowResult) -> None:
    code = values.get("industry_code", "")
    if code and not INDUSTRY_CODE.fullmatch(code):
        row.problems.append(
            Problem(
                "行业代码",
                code,
                gettext("An industry code is a letter A–T and two to four digits, e.g. C3311."),
            )
        )
    land = values.get("land_m2")
    if land is not None and land <= 0:
        row.problems.append(
            Problem("用地面积(平方米)", str(land), gettext("The land used must be more than 0 m²."))
        )
    employees = values.get("employees")
    if employees is not None and employees != employees.to_integral_value():
        row.problems.append(
            Problem("年平均职工人数", str(employees), gettext("Write a whole number of people."))
        )
    for key, limit in (("land_m2", Decimal("1e12")), *((f, Decimal("1e12")) for f in FIGURE_FIELDS)):
        value = values.get(key)
        if value is not None and (abs(value) >= limit or value != value.quantize(Decimal("0.01"))):
            row.problems.append(
                Problem(key, str(value), gettext("Too large, or more than two decimal places."))
            )


def _apply(context: Context, key: tuple, values: dict, row: RowResult) -> None:
    enterprise_id, parcel_id, year = key
    current = context.existing.get(key)
    figures = current or YearFigures(enterprise_id=enterprise_id, parcel_id=parcel_id, year=year)
    given = dict(values)
    renamed = {"tenant": "is_tenant"}
    for figure in FIGURES:
        value = given.get(figure.field)
        stated_on = given.get(f"{figure.field}_on")
        changed = current is None or getattr(figures, figure.field) != value
        if value is not None and stated_on is None and changed:
            given[f"{figure.field}_on"] = context.today
        if given.get(f"{figure.field}_source") == "":
            given.pop(f"{figure.field}_source")
    changes = []
    for key_name, value in given.items():
        name = renamed.get(key_name, key_name)
        if name not in FIELDS:
            continue
        if name == "employees" and value is not None:
            value = int(value)
        if getattr(figures, name) != value:
            changes.append(name)
            setattr(figures, name, value)
    figures.updated_by = context.user
    if current is None:
        context.to_create.append(figures)
        row.outcome = Outcome.CREATED
        row.changes = [gettext("the figures of %(year)s, new") % {"year": year}]
    elif changes:
        context.to_update.append((figures, changes))
        row.outcome = Outcome.UPDATED
        row.changes = [str(YearFigures._meta.get_field(name).verbose_name) for name in changes]


def _write(context: Context, reason: str) -> None:
    history = {"default_user": context.user, "default_change_reason": reason, "default_date": timezone.now()}
    if context.to_create:
        bulk_create_with_history(context.to_create, YearFigures, batch_size=1000, **history)
    if context.to_update:
        fields = sorted({name for _f, names in context.to_update for name in names} | {"updated_by"})
        bulk_update_with_history(
            [f for f, _n in context.to_update], YearFigures, fields=fields, batch_size=1000, **history
        )

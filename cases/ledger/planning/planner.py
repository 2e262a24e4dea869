"""Planning an import: each row read into a `RowContext` and passed through the per-kind planners
(enterprise, parcel, case), then the checks across rows, the counts and each row's changes in words."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ...deadlines.stored import open_cases_on, refresh_cases
from ...models import Park
from ..columns import BOOL, CHOICE, DATE, DECIMAL, LEDGER_COLUMNS, LedgerColumn
from ..reading import ErrorValue, Formula, present
from ..report import LedgerReport, Outcome, Problem, RowResult
from ..values import (
    CellProblem,
    choice_names,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_text,
    shown,
)
from ..writing import EXAMPLE_MARK
from . import writer
from .across import check_across_rows
from .case import plan_case
from .checks import field_names, kind_label, object_name
from .context import RowContext
from .enterprise import plan_enterprise
from .parcel import plan_parcel
from .state import LedgerState

# Fields a change touches for its own bookkeeping, left out of the report's words.
BOOKKEEPING = {"version", "updated_by", "updated_at", "status_before_close"}


class Planner(LedgerState):
    """Checks the rows against what is loaded once, keeping in memory what the file would leave behind."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.choice_names = {
            column.key: choice_names(column.choices) for column in LEDGER_COLUMNS if column.kind == CHOICE
        }

    def plan(
        self, rows: list[tuple[int, list]], report: LedgerReport, *, lock: bool = False, progress=None
    ) -> None:
        """Check every row; `progress(done, total)`, when given, is told after each row."""
        self.load(rows, lock=lock)
        results = {}
        for done, (number, cells) in enumerate(rows, 1):
            result = self.plan_row(number, cells)
            results[number] = result
            report.rows.append(result)
            if progress is not None:
                progress(done, len(rows))
        check_across_rows(self, results)
        for result in report.rows:
            if result.problems:
                result.outcome = Outcome.REFUSED
        self.parks_named = sorted(
            {self.parks[r.park] for r in report.rows if r.park in self.parks}, key=lambda p: p.code
        )
        report.counts = self.counts(report)
        self.describe_changes(report)

    def plan_row(self, number: int, cells: list) -> RowResult:
        row = RowContext(number=number, header_of_key=self.header_of_key, result=RowResult(number=number))
        self.read_row(row, cells)
        values, result = row.values, row.result
        row.park = self.row_park(row)
        result.park = row.park.code if row.park else values.get("park", "")
        result.parcel = values.get("parcel_code", "")
        result.case_number = values.get("case_number", "")
        if row.park is None or "parcel_code" in row.failed:
            return result
        enterprise = plan_enterprise(self, row)
        parcel = plan_parcel(self, row, enterprise)
        if parcel is not None:
            plan_case(self, row, parcel)
        if result.problems:
            return result
        # The row stands: what it does becomes the state the next rows see.
        for touch in row.touches:
            self.commit(touch, number)
        self.touches[number] = [t for t in row.touches if t.created or t.fields]
        if any(t.kind == "case" and t.created for t in row.touches):
            result.outcome = Outcome.CREATED
        elif self.touches[number]:
            result.outcome = Outcome.UPDATED
        return result

    def read_row(self, row: RowContext, cells: list) -> None:
        """The row's cells by column, and their values; each cell that cannot be read is reported."""
        for index, cell in enumerate(cells):
            column = self.columns.get(index)
            if column is None:
                if present(cell):
                    from openpyxl.utils import get_column_letter

                    letter = get_column_letter(index + 1)
                    row.result.problems.append(
                        Problem(letter, shown(cell), gettext("A value stands in a column without a header."))
                    )
                continue
            row.raw[column.key] = cell
        for column in self.columns.values():
            cell = row.raw.get(column.key)
            try:
                if isinstance(cell, Formula):
                    raise CellProblem(_("A formula, not a value: copy the column and paste it as values."))
                if isinstance(cell, ErrorValue):
                    raise CellProblem(_("The spreadsheet shows an error in this cell."))
                row.values[column.key] = self.parse(column, cell)
            except CellProblem as error:
                row.problem(column.key, error.message)
                continue
            if column.required and row.values[column.key] in (None, ""):
                row.problem(column.key, _("Required: this cell cannot be empty."))
        if EXAMPLE_MARK in str(row.values.get("notes") or ""):
            row.problem(
                "notes",
                _("This is the template's example row, not a case: delete the row before importing."),
            )

    def parse(self, column: LedgerColumn, cell):
        if column.kind == DECIMAL:
            return parse_decimal(cell)
        if column.kind == DATE:
            return parse_date(cell)
        if column.kind == BOOL:
            return parse_bool(cell)
        if column.kind == CHOICE:
            return parse_choice(cell, self.choice_names[column.key], column.choices)
        value = parse_text(cell)
        if column.key == "credit_code":
            value = value.upper()
        return value

    def row_park(self, row: RowContext) -> Park | None:
        code = row.values.get("park", "") if "park" in self.present else ""
        if self.default_park is not None:
            if not code:
                code = self.default_park.code
            elif code != self.default_park.code:
                row.problem(
                    "park",
                    _("This file is being imported into park %(park)s only.")
                    % {"park": self.default_park.code},
                )
                return None
        if not code:
            return None  # already reported as required
        park = self.parks.get(code)
        if park is None:
            row.problem("park", _("There is no park with the code %(code)s.") % {"code": code})
            return None
        if park.pk not in self.allowed_park_ids:
            row.problem(
                "park",
                _("You may not import into park %(code)s: that needs its park administrator.")
                % {"code": code},
            )
            return None
        return park

    def counts(self, report: LedgerReport) -> dict:
        refused = {r.number for r in report.rows if r.outcome == Outcome.REFUSED}
        counts = {name: {"created": 0, "updated": 0} for name in ("enterprises", "parcels", "cases")}
        for (kind, key), state in self.written.items():
            if self.claimed.get(key) in refused:
                continue
            counts[f"{kind}s"]["created" if state["created"] else "updated"] += 1
        return counts

    def write(self, *, reason: str) -> None:
        writer.write(self, reason=reason)
        # Written in bulk, without the signals that keep the stored deadlines: they follow here.
        written = [(kind, state["obj"].pk) for (kind, _key), state in self.written.items()]
        parcels = open_cases_on(pk for kind, pk in written if kind == "parcel")
        refresh_cases([pk for kind, pk in written if kind == "case"] + parcels)

    def describe_changes(self, report: LedgerReport) -> None:
        """Each row's changes in words, and the case numbers given on import."""
        new = {
            "enterprise": gettext("new enterprise %(name)s"),
            "parcel": gettext("new parcel %(name)s"),
            "case": gettext("new case %(name)s"),
        }
        changed = gettext("%(object)s %(name)s: %(fields)s")
        unnumbered = gettext("(numbered on import)")
        labels = {kind: kind_label(kind) for kind in new}
        for result in report.rows:
            if result.outcome == Outcome.REFUSED:
                continue
            lines = []
            for touch in self.touches.get(result.number, []):
                obj = touch.obj
                name = object_name(touch.kind, obj)
                if touch.kind == "case" and obj.number:
                    result.case_number = obj.number
                if touch.created:
                    lines.append(new[touch.kind] % {"name": name or unnumbered})
                else:
                    fields = field_names(touch.kind, touch.fields - BOOKKEEPING)
                    lines.append(changed % {"object": labels[touch.kind], "name": name, "fields": fields})
            result.changes = lines

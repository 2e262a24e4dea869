"""What an import did, or would do, with each row: `LedgerReport`, its rows and problems, and the
report as XLSX."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..exports import SheetWriter, new_workbook, workbook_bytes
from .writing import ledger_sheet


class Outcome(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    UNCHANGED = "unchanged", _("unchanged")
    REFUSED = "refused", _("refused")


@dataclass
class Problem:
    column: str  # the header as the file writes it; empty for the row as a whole
    value: str
    reason: str


@dataclass
class RowResult:
    number: int
    outcome: str = Outcome.UNCHANGED
    park: str = ""
    parcel: str = ""
    case_number: str = ""
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported all the same (a boundary's area)

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


@dataclass
class LedgerReport:
    """What an import did, or would do, with each row of one file."""

    file_name: str
    sha256: str
    size: int
    dry_run: bool
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    rows: list[RowResult] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    import_id: int | None = None
    warnings: list[str] = field(default_factory=list)  # about the file as a whole (overlapping parcels)
    done: bool = False  # written, for an import that keeps no LedgerImport record (boundaries)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count(Outcome.CREATED)

    @property
    def updated(self) -> int:
        return self.count(Outcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(Outcome.UNCHANGED)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)

    @property
    def ok(self) -> bool:
        """Nothing refused: the file can be imported (a dry run) or was (a real run)."""
        return not self.errors and not self.refused

    @property
    def imported(self) -> bool:
        return self.done or self.import_id is not None

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return gettext(
            "%(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(refused)s refused."
        ) % {
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused,
        }

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LedgerReport:
        rows = [
            RowResult(**{**row, "problems": [Problem(**p) for p in row["problems"]]}) for row in data["rows"]
        ]
        return cls(**{**data, "rows": rows})


def report_xlsx(report: LedgerReport) -> bytes:
    """The row-by-row report: one line per refused cell, one per row otherwise; the summary beside."""
    workbook = new_workbook()
    sheet = ledger_sheet(
        workbook,
        gettext("Report"),
        [
            gettext("row"),
            gettext("outcome"),
            gettext("park"),
            gettext("parcel"),
            gettext("case"),
            gettext("column"),
            gettext("value"),
            gettext("reason or change"),
        ],
        widths=[8, 12, 10, 16, 18, 22, 24, 80],
    )
    for row in report.rows:
        lines = [(p.column, p.value, p.reason) for p in row.problems] or [("", "", "；".join(row.changes))]
        lines += [("", "", warning) for warning in row.warnings]
        for column, value, reason in lines:
            sheet.row(
                [row.number, row.outcome_label, row.park, row.parcel, row.case_number, column, value, reason]
            )
    summary = SheetWriter(workbook, gettext("Summary"), widths=[16, 90])
    for label, value in (
        (gettext("file"), report.file_name),
        ("SHA-256", report.sha256),
        (gettext("size (bytes)"), report.size),
        (gettext("dry run"), gettext("yes") if report.dry_run else gettext("no")),
        (gettext("rows"), len(report.rows)),
        (gettext("created"), report.created),
        (gettext("updated"), report.updated),
        (gettext("unchanged"), report.unchanged),
        (gettext("refused"), report.refused),
        *((gettext("refused file"), message) for message in report.errors),
        *((gettext("warning"), message) for message in report.warnings),
    ):
        summary.row([label, value])
    return workbook_bytes(workbook)

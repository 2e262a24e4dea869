"""Importing a ledger file: read, check every row, and write all of it or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from ..models import LedgerImport, Park
from .columns import map_headers
from .planning import Planner
from .reading import LedgerFileError, read_table
from .report import LedgerReport

HISTORY_REASON_LENGTH = 100  # django-simple-history's change reason column


def import_ledger(
    data: bytes,
    *,
    file_name: str,
    user=None,
    park: Park | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> LedgerReport:
    """Check every row of a ledger file and, unless `dry_run` or a row is refused, import all of it.

    `user` must be a park administrator of every park the file names (None: the command line, any
    park); `park`, when given, is the park of a file without a park column, and the only park a
    file may name. One transaction: a refused row, or anything the database refuses, writes nothing.
    `progress(done, total, step)`, when given, follows the reading, the rows checked and the writing.
    """
    tell = progress or (lambda done, total, step: None)
    sha256 = hashlib.sha256(data).hexdigest()
    report = LedgerReport(file_name=file_name, sha256=sha256, size=len(data), dry_run=dry_run)
    limit = settings.PARKLAND_LEDGER_MAX_BYTES
    if len(data) > limit:
        report.errors.append(too_large_message(len(data)))
        return report
    tell(0, 0, gettext("Reading the file"))
    try:
        table = read_table(data)
        columns = map_headers(table.headers, has_default_park=park is not None)
    except LedgerFileError as error:
        report.errors.append(error.message)
        return report
    if not table.rows:
        report.errors.append(_no_rows())
        return report
    planner = Planner(columns=columns, headers=table.headers, user=user, default_park=park)
    checking = gettext("Checking the rows")

    def checked(done: int, total: int) -> None:
        tell(done, total, checking)

    if dry_run:
        planner.plan(table.rows, report, progress=checked)
        return report
    try:
        with transaction.atomic():
            planner.plan(table.rows, report, lock=True, progress=checked)
            if not report.ok:
                return report
            tell(len(table.rows), len(table.rows), gettext("Writing the cases"))
            planner.write(reason=history_reason(file_name, sha256))
            report.import_id = _record(report, planner, user).pk
    except IntegrityError as error:
        report.import_id = None
        report.errors.append(_refused_by_database(error))
        return report
    planner.describe_changes(report)
    return report


def _no_rows() -> str:
    return gettext(
        "The file has a header row but no rows of cases: fill in one row per case under the "
        "header (the template's example stands on the sheet “Columns” and is not imported)."
    )


def _refused_by_database(error: IntegrityError) -> str:
    return gettext(
        "The database refused the import, so nothing was written (%(error)s). Someone may have "
        "changed these cases meanwhile: check the file again."
    ) % {"error": str(error).splitlines()[0][:200]}


def _record(report: LedgerReport, planner: Planner, user) -> LedgerImport:
    """The import's audit record: who, the file, its counts and parks."""
    record = LedgerImport.objects.create(
        file_name=report.file_name[:255],
        sha256=report.sha256,
        size=report.size,
        rows=len(report.rows),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        counts=report.counts,
        imported_by=user,
    )
    record.parks.set(planner.parks_named)
    return record


def over_limit_message() -> str:
    limit = f"{settings.PARKLAND_LEDGER_MAX_BYTES / 1024 / 1024:g}"
    return gettext("The file is larger than %(limit)s MB, the most a ledger may be; split it into files.") % {
        "limit": limit
    }


def too_large_message(size: int) -> str:
    return gettext(
        "The file is %(size)s MB; a ledger may be at most %(limit)s MB. Split it into several files."
    ) % {
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": f"{settings.PARKLAND_LEDGER_MAX_BYTES / 1024 / 1024:g}",
    }


def history_reason(file_name: str, sha256: str, *, head: str = "导入台账 imported from ") -> str:
    """“imported from 台账.xlsx (1a2b3c4d5e6f)”, cut to what the history's reason column holds."""
    tail = f" ({sha256[:12]})"
    room = HISTORY_REASON_LENGTH - len(head) - len(tail)
    name = file_name if len(file_name) <= room else file_name[: room - 1] + "…"
    return f"{head}{name}{tail}"

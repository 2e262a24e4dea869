"""Import a park's ledger (台账, docs/data-model.md#ledger-columns-台账) from an XLSX or CSV file:
all rows or none."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cases.ledger.importing import import_ledger
from cases.ledger.report import report_xlsx
from cases.models import Park


class Command(BaseCommand):
    help = (
        "Import a ledger of cases (XLSX, or CSV in UTF-8 or GB18030): every row is checked, and the "
        "file is imported whole or not at all. 导入台账。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the ledger, .xlsx or .csv")
        parser.add_argument(
            "--park",
            help="park code: the park of a file without a park column, and the only park the file may name",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report every row, write nothing"
        )
        parser.add_argument(
            "--report", metavar="OUT.xlsx", help="write the row-by-row report to this XLSX file"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="import as this user (a park administrator of every park in the file); "
            "recorded in the history. Default: the command line, allowed every park.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from error
        park = None
        if options["park"]:
            park = Park.objects.filter(code=options["park"]).first()
            if park is None:
                raise CommandError(_("There is no park with the code %(code)s.") % {"code": options["park"]})
        report_path = Path(options["report"]) if options["report"] else None
        if report_path is not None and not report_path.parent.is_dir():
            # Said before anything is imported, not after.
            raise CommandError(
                _("Cannot write the report to %(file)s: there is no folder %(folder)s.")
                % {"file": report_path, "folder": report_path.parent}
            )
        user = None
        if options["user"]:
            user_model = get_user_model()
            user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: options["user"]}).first()
            if user is None or not user.is_active:
                raise CommandError(_("There is no active user %(username)s.") % {"username": options["user"]})

        report = import_ledger(data, file_name=path.name, user=user, park=park, dry_run=options["dry_run"])
        self.print_report(report)
        if report_path is not None:
            try:
                report_path.write_bytes(report_xlsx(report))
            except OSError as error:
                raise CommandError(
                    _("Cannot write the report to %(file)s: %(error)s")
                    % {"file": report_path, "error": error.strerror}
                ) from error
            self.stdout.write(_("Report written to %(file)s.") % {"file": report_path})
        if not report.ok:
            if report.errors:
                raise CommandError(_("The file was refused; nothing was imported."))
            raise CommandError(_("%(count)s rows refused; nothing was imported.") % {"count": report.refused})

    def print_report(self, report) -> None:
        write = self.stdout.write
        write(
            _("%(file)s (SHA-256 %(sha)s…, %(size)s bytes)")
            % {"file": report.file_name, "sha": report.sha256[:12], "size": f"{report.size:,}"}
        )
        for message in report.errors:
            write(self.style.ERROR(message))
        if report.errors:
            return
        write(report.summary())
        for row in report.rows:
            for problem in row.problems:
                cell = f"{problem.column} “{problem.value}”" if problem.column else ""
                write(
                    self.style.ERROR(
                        _("row %(row)s") % {"row": row.number}
                        + (f", {cell}" if cell else "")
                        + f": {problem.reason}"
                    )
                )
        if not report.ok:
            return
        if report.dry_run:
            write(self.style.WARNING(_("Dry run: nothing was written.")))
        elif report.changes_anything:
            write(
                self.style.SUCCESS(
                    _("Imported; recorded as ledger import %(id)s.") % {"id": report.import_id}
                )
            )
        else:
            write(
                self.style.SUCCESS(
                    _("Every row is unchanged: nothing to change (recorded as ledger import %(id)s).")
                    % {"id": report.import_id}
                )
            )

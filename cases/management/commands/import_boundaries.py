"""Import parcel boundaries (docs/map.md) from GeoJSON, a zipped Shapefile or a 界址点坐标 TXT file:
every shape checked, the file imported whole or not at all."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cases.ledger.report import report_xlsx
from cases.mapping.crs import FIRST_ZONE, LAST_ZONE
from cases.mapping.importing import import_boundaries
from cases.models import Park


class Command(BaseCommand):
    help = (
        "Import parcel boundaries from GeoJSON, a Shapefile zip or a boundary-point coordinate TXT "
        "(界址点坐标): every shape is checked, and the file is imported whole or not at all. 导入宗地界址。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the boundary file: .geojson/.json, .zip (Shapefile) or .txt")
        parser.add_argument(
            "--park", help="park code: the park of shapes that name none, and the only park the file may name"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report every shape, write nothing"
        )
        parser.add_argument(
            "--zone",
            type=int,
            help=f"3-degree Gauss-Krüger zone ({FIRST_ZONE}–{LAST_ZONE}) of projected coordinates whose "
            "file does not say it (Zhuhai: 38, central meridian 114°E)",
        )
        parser.add_argument(
            "--report", metavar="OUT.xlsx", help="write the shape-by-shape report to this XLSX file"
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
        zone = options["zone"]
        if zone is not None and not FIRST_ZONE <= zone <= LAST_ZONE:
            raise CommandError(
                _("The zone must be a 3-degree zone from %(first)s to %(last)s.")
                % {"first": FIRST_ZONE, "last": LAST_ZONE}
            )
        report_path = Path(options["report"]) if options["report"] else None
        if report_path is not None and not report_path.parent.is_dir():
            raise CommandError(
                _("Cannot write the report to %(file)s: there is no folder %(folder)s.")
                % {"file": report_path, "folder": report_path.parent}
            )
        report = import_boundaries(
            data, file_name=path.name, park=park, zone=zone, dry_run=options["dry_run"]
        )
        self.print_report(report)
        if report_path is not None:
            report_path.write_bytes(report_xlsx(report))
            self.stdout.write(_("Report written to %(file)s.") % {"file": report_path})
        if not report.ok:
            if report.errors:
                raise CommandError(_("The file was refused; nothing was imported."))
            raise CommandError(
                _("%(count)s shapes refused; nothing was imported.") % {"count": report.refused}
            )

    def print_report(self, report) -> None:
        write = self.stdout.write
        crs = report.counts.get("crs", "")
        write(
            _("%(file)s (SHA-256 %(sha)s…, %(size)s bytes)")
            % {"file": report.file_name, "sha": report.sha256[:12], "size": f"{report.size:,}"}
            + (f" · {crs} → EPSG:4490" if crs else "")
        )
        for message in report.errors:
            write(self.style.ERROR(message))
        if report.errors:
            return
        write(report.summary())
        for row in report.rows:
            where = _("shape %(number)s") % {"number": row.number} + (
                f" ({row.parcel})" if row.parcel else ""
            )
            for problem in row.problems:
                write(self.style.ERROR(f"{where}: {problem.reason}"))
            for warning in row.warnings:
                write(self.style.WARNING(f"{where}: {warning}"))
        for warning in report.warnings:
            write(self.style.WARNING(warning))
        if not report.ok:
            return
        if report.dry_run:
            write(self.style.WARNING(_("Dry run: nothing was written.")))
        elif report.changes_anything:
            write(self.style.SUCCESS(_("Boundaries imported.")))
        else:
            write(self.style.SUCCESS(_("Every boundary is unchanged: nothing to change.")))

"""manage.py backup DEST: a consistent database dump, the evidence files and their checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump --format=custom of one snapshot, or SQLite's online backup) and "
        "the evidence files it names, with a checksum manifest, into a new folder or a .tar archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a new folder, or a file name ending in .tar")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup(Path(destination).resolve(), say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {destination}: the database and {len(manifest['evidence'])} evidence "
                f"files, checksums in manifest.json and SHA256SUMS."
            )
        )

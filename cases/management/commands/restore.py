"""manage.py restore SRC: a backup loaded into an empty database and evidence storage."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup of `manage.py backup` (folder or .tar) into the configured database and "
        "evidence storage, after checking every checksum. Both must be empty unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder or .tar archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that holds tables and write over evidence files of the same name",
        )

    def handle(self, *args, source, force, **options):
        try:
            restored = restore(Path(source).resolve(), force=force, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored: {restored.documents} evidence documents in the database, {restored.files} files "
                "in storage. Run verify_evidence to re-hash them."
            )
        )

"""Re-hash every stored evidence file; report missing, changed and unowned files.

Reads one file at a time in chunks and checks files on disk against the records in batches, so
10,000 files need no more memory than one.
"""

from itertools import islice

from django.core.management.base import BaseCommand, CommandError

from cases.models import EvidenceDocument
from cases.models.evidence import evidence_storage
from cases.uploads import read_chunks, sha256_of

BATCH = 500


def batched(iterable, size: int):
    iterator = iter(iterable)
    while batch := tuple(islice(iterator, size)):
        yield batch


def walk(storage, folder: str = ""):
    """Every file name under `folder` in the storage, depth first."""
    directories, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from walk(storage, f"{folder}/{directory}" if folder else directory)


class Command(BaseCommand):
    help = "Re-hash every evidence file; list missing, changed and unowned files; exit 1 if any."

    def handle(self, *args, **options):
        storage = evidence_storage()
        checked = missing = changed = 0
        documents = EvidenceDocument.objects.only("pk", "file", "sha256", "size", "case_id").order_by("pk")
        for document in documents.iterator(chunk_size=BATCH):
            checked += 1
            try:
                with storage.open(document.file.name, "rb") as handle:
                    digest, size = sha256_of(read_chunks(handle))
            except FileNotFoundError:
                missing += 1
                self.stdout.write(f"MISSING  document {document.pk}: {document.file.name}")
                continue
            if digest != document.sha256 or size != document.size:
                changed += 1
                self.stdout.write(
                    f"CHANGED  document {document.pk}: {document.file.name} "
                    f"(recorded {document.sha256}, {document.size} bytes; found {digest}, {size} bytes)"
                )
        unowned = 0
        try:
            names = walk(storage)
            for batch in batched(names, BATCH):
                owned = set(EvidenceDocument.objects.filter(file__in=batch).values_list("file", flat=True))
                for name in batch:
                    if name not in owned:
                        unowned += 1
                        self.stdout.write(f"UNOWNED  {name}")
        except FileNotFoundError:
            pass  # no evidence folder yet: nothing stored, nothing unowned
        summary = (
            f"{checked} documents checked: {missing} missing, {changed} changed; "
            f"{unowned} files without a record."
        )
        if missing or changed or unowned:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

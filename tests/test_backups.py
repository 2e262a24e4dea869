"""manage.py backup and restore: a dump with every evidence file and its checksum, and a restore that
checks the backup whole before touching anything and refuses a target that holds data. The full
round trip into a fresh PostgreSQL database is `make drill` (scripts/drill.py), run in CI."""

import hashlib
import json
import tarfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import EvidenceDocument
from tests import factories
from tests.worlds.evidence import build_world

# The dump reads committed rows (pg_dump runs in its own session), so the rows are committed here.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def documents():
    world = build_world()
    return [
        factories.make_document(
            case=world.case, doc_type=kind, uploaded_by=world.officer, content=f"%PDF-1.4 {kind}".encode()
        )
        for kind in ("site_inspection", "investigation_notice")
    ]


def run(*arguments) -> str:
    out = StringIO()
    call_command(*arguments, stdout=out)
    return out.getvalue()


def test_a_backup_holds_the_dump_every_evidence_file_and_their_checksums(tmp_path, documents):
    destination = tmp_path / "backup"
    output = run("backup", str(destination))
    assert "2 evidence files" in output
    manifest = json.loads((destination / "manifest.json").read_text())
    listed = {entry["name"]: entry for entry in manifest["evidence"]}
    for document in documents:
        copy = destination / "evidence" / document.file.name
        assert (
            hashlib.sha256(copy.read_bytes()).hexdigest()
            == document.sha256
            == listed[document.file.name]["sha256"]
        )
    dump = destination / manifest["database"]["file"]
    assert hashlib.sha256(dump.read_bytes()).hexdigest() == manifest["database"]["sha256"]
    sums = (destination / "SHA256SUMS").read_text().splitlines()
    assert f"{documents[0].sha256}  evidence/{documents[0].file.name}" in sums and len(sums) == 3


def test_a_backup_archive_holds_the_same(tmp_path, documents):
    archive = tmp_path / "parkland.tar"
    run("backup", str(archive))
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "SHA256SUMS", *(f"evidence/{d.file.name}" for d in documents)} <= names
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".backup-")], "no working folder is left"


def test_a_backup_never_writes_over_an_earlier_one(tmp_path, documents):
    archive = tmp_path / "parkland.tar"
    run("backup", str(archive))
    before = archive.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        run("backup", str(archive))
    assert archive.read_bytes() == before


def test_a_backup_missing_an_evidence_file_is_refused_and_left_unwritten(tmp_path, documents):
    documents[0].file.storage.delete(documents[0].file.name)
    with pytest.raises(CommandError, match="missing from storage"):
        run("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()


def test_restore_refuses_a_database_that_holds_data(tmp_path, documents):
    run("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="database is not empty"):
        run("restore", str(tmp_path / "backup"))
    assert EvidenceDocument.objects.count() == 2


def test_restore_refuses_a_damaged_backup_before_touching_anything_even_with_force(tmp_path, documents):
    run("backup", str(tmp_path / "backup"))
    copy = tmp_path / "backup" / "evidence" / documents[0].file.name
    copy.write_bytes(copy.read_bytes() + b" altered")
    with pytest.raises(CommandError, match="does not match its checksum"):
        run("restore", str(tmp_path / "backup"), "--force")
    assert EvidenceDocument.objects.count() == 2
    stored = documents[0].file.storage.open(documents[0].file.name).read()
    assert hashlib.sha256(stored).hexdigest() == documents[0].sha256


def test_restore_refuses_what_is_not_a_backup(tmp_path, db):
    (tmp_path / "folder").mkdir()
    with pytest.raises(CommandError, match="not a Parkland backup"):
        run("restore", str(tmp_path / "folder"))
    with pytest.raises(CommandError, match="does not exist"):
        run("restore", str(tmp_path / "nowhere.tar"))

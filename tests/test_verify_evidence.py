"""`manage.py verify_evidence` (issue 4): re-hash every stored file; report missing, changed, unowned."""

import hashlib
import io
import shutil
import tracemalloc
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import EvidenceDocument
from cases.models.evidence import evidence_storage
from tests import factories
from tests.worlds.evidence import EvidenceWorld, build_world, evidence_root, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> EvidenceWorld:
    return build_world()


def add(case, doc_type: str = "site_inspection", content: bytes | None = None) -> EvidenceDocument:
    return factories.make_document(case=case, doc_type=doc_type, content=content or pdf_bytes())


def verify() -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("verify_evidence", stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_a_clean_store_passes_with_a_summary(w):
    add(w.case)
    add(w.case, "other", png_bytes())
    add(w.other_case)
    output, error = verify()
    assert error is None
    assert "3 documents checked: 0 missing, 0 changed; 0 files without a record." in output
    assert "MISSING" not in output and "CHANGED" not in output and "UNOWNED" not in output


def test_an_empty_installation_passes(w):
    assert not evidence_root().exists()
    output, error = verify()
    assert error is None
    assert "0 documents checked" in output


def test_a_changed_byte_is_caught(w):
    kept = add(w.case)
    changed = add(w.case, "other")
    path = evidence_root() / changed.file.name
    data = bytearray(path.read_bytes())
    data[10] ^= 0x01
    path.write_bytes(bytes(data))
    output, error = verify()
    assert error is not None
    assert error.returncode == 1
    assert f"CHANGED  document {changed.pk}: {changed.file.name}" in output
    assert changed.sha256 in output and hashlib.sha256(bytes(data)).hexdigest() in output
    assert f"document {kept.pk}:" not in output
    assert "1 changed" in str(error)


def test_a_file_of_the_same_length_with_other_bytes_is_caught(w):
    document = add(w.case, content=b"%PDF-1.4\nAAAA")
    (evidence_root() / document.file.name).write_bytes(b"%PDF-1.4\nAAAB")
    output, error = verify()
    assert error is not None and f"CHANGED  document {document.pk}" in output


def test_a_truncated_file_is_caught(w):
    document = add(w.case)
    path = evidence_root() / document.file.name
    path.write_bytes(path.read_bytes()[:-1])
    output, error = verify()
    assert error is not None and f"CHANGED  document {document.pk}" in output


def test_a_deleted_file_is_missing(w):
    document = add(w.case)
    (evidence_root() / document.file.name).unlink()
    output, error = verify()
    assert error is not None
    assert f"MISSING  document {document.pk}: {document.file.name}" in output
    assert "1 missing" in str(error)


def test_a_deleted_folder_makes_every_file_in_it_missing(w):
    documents = [add(w.case), add(w.case, "other")]
    shutil.rmtree(evidence_root() / str(w.case.pk))
    output, error = verify()
    assert error is not None
    assert all(f"MISSING  document {d.pk}" in output for d in documents)


def test_a_file_no_record_owns_is_unowned(w):
    add(w.case)
    stray = evidence_root() / str(w.case.pk) / uuid.uuid4().hex
    stray.write_bytes(b"left behind")
    (evidence_root() / "elsewhere").mkdir()
    (evidence_root() / "elsewhere" / "notes.txt").write_text("copied in by hand")
    output, error = verify()
    assert error is not None
    assert f"UNOWNED  {w.case.pk}/{stray.name}" in output
    assert "UNOWNED  elsewhere/notes.txt" in output
    assert "2 files without a record" in str(error)


def test_every_problem_is_listed_in_one_run(w):
    missing, changed, _fine = add(w.case), add(w.case, "other"), add(w.case, "grant_contract")
    (evidence_root() / missing.file.name).unlink()
    (evidence_root() / changed.file.name).write_bytes(b"%PDF-1.4\nforged")
    (evidence_root() / "stray.pdf").write_bytes(b"%PDF-1.4\nstray")
    output, error = verify()
    assert error is not None
    assert "3 documents checked: 1 missing, 1 changed; 1 files without a record." in str(error)
    assert [line.split()[0] for line in output.splitlines()] == ["MISSING", "CHANGED", "UNOWNED"]


def test_unowned_files_are_found_across_batches(w):
    """More files than one batch of the ownership check: records in another batch still own theirs."""
    storage = evidence_storage()
    documents = []
    for index in range(1203):
        content = f"%PDF-1.4\n{index}".encode()
        name = storage.save(f"{w.case.pk}/{uuid.uuid4().hex}", io.BytesIO(content))
        documents.append(
            EvidenceDocument(
                case=w.case,
                doc_type="other",
                title=f"批量{index}",
                file=name,
                original_name=f"{index}.pdf",
                size=len(content),
                content_type="application/pdf",
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=w.officer,
            )
        )
    EvidenceDocument.objects.bulk_create(documents, batch_size=200)
    stray = storage.save(f"{w.case.pk}/{uuid.uuid4().hex}", io.BytesIO(b"stray"))
    output, error = verify()
    assert error is not None
    assert output.splitlines() == [f"UNOWNED  {stray}"]
    assert "1203 documents checked: 0 missing, 0 changed; 1 files without a record." in str(error)


def test_files_are_hashed_in_chunks(w):
    document = add(w.case)
    path = evidence_root() / document.file.name
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for index in range(64):
            chunk = (b"%PDF-1.4\n" if index == 0 else b"") + index.to_bytes(1, "big") * (1024 * 1024)
            digest.update(chunk)
            out.write(chunk)
    EvidenceDocument.objects.filter(pk=document.pk).update(
        sha256=digest.hexdigest(), size=path.stat().st_size
    )
    tracemalloc.start()
    try:
        output, error = verify()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error is None, output
    assert peak < 8 * 1024 * 1024

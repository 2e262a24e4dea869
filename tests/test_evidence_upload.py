"""Evidence uploads (issue 4): what is accepted, what is refused, and that nothing is half-stored.

The helpers at the top (real small files of every allowed kind, a raw multipart builder, a
two-park world) are imported by the other `test_evidence_*` modules as well.
"""

import hashlib
import io
import itertools
import os
import re
import resource
import struct
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.db import DatabaseError, IntegrityError
from django.urls import reverse
from django.utils.html import escape

from cases.models import CustodyEvent, DisposalCase, EvidenceDocument
from cases.models.evidence import CheckedUpload
from cases.uploads import clean_file_name
from tests import factories
from tests.worlds.evidence import (
    WRONG_CLAIM,
    EvidenceWorld,
    _salt,
    build_world,
    evidence_root,
    form_errors,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    stored_files,
    upload,
    upload_url,
)
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db

BOUNDARY = "ParklandTestBoundary7MA4YWxkTrZu0gW"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
MiB = 1024 * 1024


# Shared helpers (imported by the other test_evidence_* modules) -------------------------------


def tiff_bytes(salt: str | None = None, *, big_endian: bool = False) -> bytes:
    if big_endian:
        return b"MM\x00*" + struct.pack(">I", 8) + b"\x00\x00" + b"\x00" * 4 + _salt(salt).encode()
    return b"II*\x00" + struct.pack("<I", 8) + b"\x00\x00" + b"\x00" * 4 + _salt(salt).encode()


def ole2_bytes(salt: str | None = None) -> bytes:
    """The header of a Word/Excel 97–2003 compound file."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    return header.ljust(512, b"\x00") + _salt(salt).encode()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES_XML = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes(salt: str | None = None) -> bytes:
    document = f'<w:document xmlns:w="w"><w:body><w:p>{_salt(salt)}</w:p></w:body></w:document>'
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": document.encode()})


def xlsx_bytes(salt: str | None = None) -> bytes:
    workbook = f'<workbook xmlns="x"><sheets><sheet name="{_salt(salt)}"/></sheets></workbook>'
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES_XML, "xl/workbook.xml": workbook.encode()})


def ofd_bytes(salt: str | None = None) -> bytes:
    ofd = f'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" DocType="OFD">{_salt(salt)}</ofd:OFD>'
    return zip_bytes({"OFD.xml": ofd.encode(), "Doc_0/Document.xml": b"<ofd:Document/>"})


def mp4_bytes(salt: str | None = None) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    payload = _salt(salt).encode()
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def raw_multipart(
    fields: dict[str, str], files: list[tuple[str, bytes]], *, files_first: bool = False, close: bool = True
) -> bytes:
    """A multipart body written by hand, so that file names reach the server exactly as given."""
    field_parts = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    file_parts = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="'.encode()
        + name.encode("utf-8")
        + f'"\r\nContent-Type: {WRONG_CLAIM}\r\n\r\n'.encode()
        + content
        + b"\r\n"
        for name, content in files
    )
    body = file_parts + field_parts if files_first else field_parts + file_parts
    return body + (f"--{BOUNDARY}--\r\n".encode() if close else b"")


def post_raw(client, case: DisposalCase, body: bytes, **extra):
    return client.generic("POST", upload_url(case), body, content_type=MULTIPART, **extra)


def assert_refused_with_nothing_stored(response, *, message: str | None = None, before=()):
    __tracebackhide__ = True
    assert 400 <= response.status_code < 500, response.status_code
    if message is not None:
        errors = form_errors(response)
        assert any(message in error for error in errors), errors
        assert escape(next(e for e in errors if message in e)) in response.text
    assert stored_files() == sorted(before)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


GENERATED_NAME = re.compile(r"^\d+/[0-9a-f]{32}$")


@pytest.fixture
def w() -> EvidenceWorld:
    return build_world()


@pytest.fixture
def upload_tmp(settings, tmp_path) -> Path:
    """Django's temporary upload files go here, so a test can see that none is left behind."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


# 1. What is accepted ---------------------------------------------------------------------------

ALLOWED = [
    ("scan.pdf", pdf_bytes, "application/pdf"),
    ("SCAN.PDF", pdf_bytes, "application/pdf"),
    ("photo.jpg", jpeg_bytes, "image/jpeg"),
    ("photo.jpeg", jpeg_bytes, "image/jpeg"),
    ("photo.png", png_bytes, "image/png"),
    ("scan.tif", tiff_bytes, "image/tiff"),
    ("scan.tiff", lambda: tiff_bytes(big_endian=True), "image/tiff"),
    ("letter.doc", ole2_bytes, "application/msword"),
    ("table.xls", ole2_bytes, "application/vnd.ms-excel"),
    ("letter.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("table.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("notice.ofd", ofd_bytes, "application/ofd"),
    ("site.mp4", mp4_bytes, "video/mp4"),
    ("site.m4v", mp4_bytes, "video/mp4"),
]


@pytest.mark.parametrize(("name", "build", "content_type"), ALLOWED, ids=[a[0] for a in ALLOWED])
def test_each_allowed_type_is_stored_with_the_type_its_bytes_show(client, w, name, build, content_type):
    content = build()
    response = upload(sign_in(client, w.officer), w.case, [(name, content)], title="现场勘查")
    assert response.status_code == 302, form_errors(response)
    assert response["Location"] == w.case.get_absolute_url()
    document = EvidenceDocument.objects.get(case=w.case)
    assert document.content_type == content_type  # not the browser's "text/html"
    assert document.sha256 == sha256(content)
    assert document.size == len(content)
    assert document.original_name == name
    assert document.title == "现场勘查"
    assert document.uploaded_by == w.officer
    assert GENERATED_NAME.match(document.file.name), document.file.name
    assert document.file.name.startswith(f"{w.case.pk}/")
    assert stored_files() == [document.file.name]
    assert (evidence_root() / document.file.name).read_bytes() == content


def test_the_stored_name_never_carries_the_users_name_or_extension(client, w):
    upload(sign_in(client, w.officer), w.case, [("现场照片-secret-name.png", png_bytes())])
    (name,) = stored_files()
    assert "secret" not in name and "现场" not in name and not name.endswith(".png")


def test_the_metadata_of_the_form_is_stored(client, w):
    response = upload(
        sign_in(client, w.officer),
        w.case,
        [("notice.pdf", pdf_bytes())],
        doc_type="investigation_notice",
        title="闲置土地调查通知书",
        issuing_authority="斗门区自然资源局",
        document_date="2022-02-01",
        obtained_on="2022-02-03",
        notes="原件存档",
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert (document.doc_type, document.issuing_authority, document.notes) == (
        "investigation_notice",
        "斗门区自然资源局",
        "原件存档",
    )
    assert (document.document_date, document.obtained_on) == (date(2022, 2, 1), date(2022, 2, 3))


def test_several_files_in_one_upload_make_several_documents(client, w):
    files = [("p1.png", png_bytes()), ("p2.jpg", jpeg_bytes()), ("record.pdf", pdf_bytes())]
    response = upload(sign_in(client, w.officer), w.case, files, title="现场勘查")
    assert response.status_code == 302
    documents = EvidenceDocument.objects.filter(case=w.case)
    assert sorted(d.original_name for d in documents) == ["p1.png", "p2.jpg", "record.pdf"]
    assert {d.sha256 for d in documents} == {sha256(c) for _n, c in files}
    assert {d.title for d in documents} == {"现场勘查 · p1.png", "现场勘查 · p2.jpg", "现场勘查 · record.pdf"}
    assert stored_files() == sorted(d.file.name for d in documents)


def test_an_upload_records_custody_with_the_client_address(client, w):
    upload(sign_in(client, w.officer), w.case, [("p.png", png_bytes())], extra={"REMOTE_ADDR": "203.0.113.9"})
    document = EvidenceDocument.objects.get()
    (event,) = CustodyEvent.objects.filter(document=document)
    assert (event.action, event.actor, event.ip_address) == ("uploaded", w.officer, "203.0.113.9")


def test_a_file_exactly_at_the_limit_is_accepted(client, w, settings):
    settings.PARKLAND_EVIDENCE_MAX_BYTES = 1024
    content = pdf_bytes()
    content = content + b"%" * (1024 - len(content))
    response = upload(sign_in(client, w.officer), w.case, [("limit.pdf", content)])
    assert response.status_code == 302
    assert EvidenceDocument.objects.get().size == 1024


# 2. Bad input ----------------------------------------------------------------------------------

NOT_EVIDENCE = "is not a file type that evidence may be"
MISNAMED = "are not what its name says"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'

REFUSED = [
    ("x.exe", exe_bytes(), NOT_EVIDENCE),
    ("x.pdf", exe_bytes(), NOT_EVIDENCE),
    ("page.html", b"<!doctype html><html><script>alert(1)</script></html>", NOT_EVIDENCE),
    ("page.pdf", b"<html><body>%PDF-1.4</body></html>", NOT_EVIDENCE),
    ("drawing.svg", SVG, NOT_EVIDENCE),
    ("drawing.png", SVG, NOT_EVIDENCE),
    ("photo.pdf", png_bytes(), MISNAMED),
    ("report.docx", pdf_bytes(), MISNAMED),
    ("table.xlsx", docx_bytes(), MISNAMED),
    ("archive.docx", zip_bytes({"readme.txt": b"no office document"}), NOT_EVIDENCE),
    ("broken.docx", b"PK\x03\x04 not really a zip", NOT_EVIDENCE),
    ("scan", pdf_bytes(), MISNAMED),
    ("notes.txt", b"plain text", NOT_EVIDENCE),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), REFUSED, ids=[r[0] + "-" + r[2][:9] for r in REFUSED]
)
def test_a_file_that_is_not_allowed_evidence_is_refused(client, w, upload_tmp, name, content, message):
    response = upload(sign_in(client, w.officer), w.case, [(name, content)])
    assert_refused_with_nothing_stored(response, message=message)
    assert response.status_code == 422
    assert not EvidenceDocument.objects.exists()
    assert not CustodyEvent.objects.exists()
    assert list(upload_tmp.iterdir()) == []


def test_an_empty_file_is_refused(client, w, upload_tmp):
    response = upload(sign_in(client, w.officer), w.case, [("empty.pdf", b"")])
    assert_refused_with_nothing_stored(response)
    assert form_errors(response), "the page says why"
    assert not EvidenceDocument.objects.exists()


def test_one_bad_file_refuses_the_whole_upload(client, w, upload_tmp):
    files = [("good.pdf", pdf_bytes()), ("bad.exe", exe_bytes()), ("good.png", png_bytes())]
    response = upload(sign_in(client, w.officer), w.case, files)
    assert_refused_with_nothing_stored(response, message="bad.exe")
    assert not EvidenceDocument.objects.exists()
    assert list(upload_tmp.iterdir()) == []


def test_a_file_over_the_limit_is_refused_while_it_arrives(client, w, settings, upload_tmp):
    settings.PARKLAND_EVIDENCE_MAX_BYTES = 1024
    big = pdf_bytes() + b"0" * 2048
    response = upload(sign_in(client, w.officer), w.case, [("big.pdf", big)])
    assert_refused_with_nothing_stored(response, message="“big.pdf” is larger than")
    assert response.status_code == 422
    assert not EvidenceDocument.objects.exists()
    assert list(upload_tmp.iterdir()) == []


def test_a_file_over_the_limit_refuses_the_files_beside_it(client, w, settings, upload_tmp):
    settings.PARKLAND_EVIDENCE_MAX_BYTES = 1024
    files = [("small.pdf", pdf_bytes()), ("big.pdf", pdf_bytes() + b"0" * 2048)]
    response = upload(sign_in(client, w.officer), w.case, files)
    assert_refused_with_nothing_stored(response, message="“big.pdf” is larger than")
    assert not EvidenceDocument.objects.exists()


def test_no_file_at_all_is_refused(client, w):
    response = upload(sign_in(client, w.officer), w.case, [])
    assert_refused_with_nothing_stored(response, message="Choose at least one file.")


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\windows\\passwd.pdf", "/etc/passwd.pdf"])
def test_a_path_in_the_file_name_is_dropped(client, w, name):
    response = post_raw(
        sign_in(client, w.officer),
        w.case,
        raw_multipart({"doc_type": "other", "title": "t"}, [(name, pdf_bytes())]),
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.original_name == "passwd.pdf"
    assert GENERATED_NAME.match(document.file.name)
    assert stored_files() == [document.file.name]
    assert not (evidence_root().parent / "etc").exists()


def test_a_nul_in_the_file_name_is_removed(client, w):
    body = raw_multipart({"doc_type": "other", "title": "t"}, [("scan\x00.exe.pdf", pdf_bytes())])
    response = post_raw(sign_in(client, w.officer), w.case, body)
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.original_name == "scan.exe.pdf"
    assert document.content_type == "application/pdf"


@pytest.mark.parametrize("name", ["\x00", "..", "../"])
def test_a_file_name_with_nothing_usable_left_is_refused(client, w, name):
    body = raw_multipart({"doc_type": "other", "title": "t"}, [(name, pdf_bytes())])
    response = post_raw(sign_in(client, w.officer), w.case, body)
    assert_refused_with_nothing_stored(response)
    assert form_errors(response)
    assert not EvidenceDocument.objects.exists()


@pytest.mark.parametrize("stem", ["n" * 296, "现" * 296], ids=["ascii", "chinese"])
def test_a_300_character_name_is_shortened_and_keeps_its_extension(client, w, stem):
    name = stem + ".pdf"
    assert len(name) == 300
    response = post_raw(
        sign_in(client, w.officer),
        w.case,
        raw_multipart({"doc_type": "other", "title": "t"}, [(name, pdf_bytes())]),
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert len(document.original_name) <= 255
    assert document.original_name.endswith(".pdf")
    assert document.original_name.startswith(stem[:100])
    assert GENERATED_NAME.match(document.file.name)


def test_a_chinese_file_name_is_kept_intact_and_sent_back(client, w):
    content = png_bytes()
    response = upload(sign_in(client, w.officer), w.case, [("现场照片.png", content)])
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.original_name == "现场照片.png"
    download = client.get(reverse("evidence-download", args=[document.pk]))
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment")
    # RFC 5987 / 6266: the name percent-encoded as UTF-8 (the charset token is case-insensitive).
    assert "filename*=utf-8''%e7%8e%b0%e5%9c%ba%e7%85%a7%e7%89%87.png" in disposition.lower()
    assert b"".join(download.streaming_content) == content


def test_control_and_bidi_characters_are_cleaned_from_names():
    assert clean_file_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_file_name("..\\..\\x.pdf") == "x.pdf"
    assert clean_file_name("a\x00b\r\n.pdf") == "ab.pdf"
    # U+202E would show "report‮fdp.exe" as "reportexe.pdf"
    assert clean_file_name("report\u202efdp.exe") == "reportfdp.exe"
    assert clean_file_name("...") == ""
    long = clean_file_name("a" * 400 + ".pdf")
    assert len(long) <= 255 and long.endswith(".pdf")


def test_the_same_file_twice_in_a_case_is_refused_and_named(client, w):
    content = pdf_bytes()
    sign_in(client, w.officer)
    assert upload(client, w.case, [("first.pdf", content)], title="调查通知书").status_code == 302
    files_before = stored_files()
    response = upload(client, w.case, [("again.pdf", content)], title="重复")
    assert_refused_with_nothing_stored(
        response, message="“again.pdf” is already in this case file as “调查通知书”", before=files_before
    )
    assert EvidenceDocument.objects.count() == 1


def test_the_same_file_twice_in_one_upload_is_refused(client, w):
    content = pdf_bytes()
    response = upload(sign_in(client, w.officer), w.case, [("a.pdf", content), ("b.pdf", content)])
    assert_refused_with_nothing_stored(response, message="is the same file as")
    assert not EvidenceDocument.objects.exists()


def test_the_same_file_may_go_into_another_case(client, w):
    content = pdf_bytes()
    second = factories.make_case(park=w.park, status="investigating")
    sign_in(client, w.officer)
    assert upload(client, w.case, [("a.pdf", content)]).status_code == 302
    assert upload(client, second, [("a.pdf", content)]).status_code == 302
    assert EvidenceDocument.objects.filter(sha256=sha256(content)).count() == 2
    assert len(stored_files()) == 2


def test_a_withdrawn_file_may_be_uploaded_again(client, w):
    content = pdf_bytes()
    sign_in(client, w.officer)
    upload(client, w.case, [("a.pdf", content)])
    EvidenceDocument.objects.get().withdraw(by=w.officer, reason="上传错了案件")
    assert upload(client, w.case, [("a.pdf", content)]).status_code == 302
    assert EvidenceDocument.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"doc_type": "passport"}, "doc_type"),
        ({"title": ""}, "title"),
        ({"document_date": "2999-01-01"}, "document_date"),
        ({"document_date": "2022-05-01", "obtained_on": "2022-04-01"}, "obtained_on"),
    ],
    ids=["unknown-type", "no-title", "future-date", "obtained-before-dated"],
)
def test_bad_metadata_refuses_the_upload_and_stores_nothing(client, w, upload_tmp, fields, field):
    response = upload(sign_in(client, w.officer), w.case, [("a.pdf", pdf_bytes())], **fields)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []
    assert list(upload_tmp.iterdir()) == []


def test_the_database_refuses_a_second_copy_and_the_file_is_removed(w):
    """Two uploads that both passed the form's duplicate check: the unique index decides."""
    content = pdf_bytes()
    (first,) = EvidenceDocument.objects.store(
        case=w.case, uploads=[_checked(content)], by=w.officer, title="t", doc_type="other"
    )
    with pytest.raises(IntegrityError):
        EvidenceDocument.objects.store(
            case=w.case, uploads=[_checked(content, "b.pdf")], by=w.officer, title="t", doc_type="other"
        )
    assert list(EvidenceDocument.objects.all()) == [first]
    assert stored_files() == [first.file.name]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("race", ["same-file", "two-new-versions"])
def test_simultaneous_uploads_keep_one_record_and_one_file_each(monkeypatch, race):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection
    from django.test import Client

    from cases.forms import EvidenceUploadForm

    w = build_world()
    old = factories.make_document(case=w.case, doc_type="grant_contract", content=pdf_bytes())
    before = stored_files()
    both_checked = Barrier(2)
    clean_files = EvidenceUploadForm.clean_files

    def clean_files_then_wait(form):
        try:
            return clean_files(form)
        finally:
            both_checked.wait(timeout=30)

    monkeypatch.setattr(EvidenceUploadForm, "clean_files", clean_files_then_wait)
    same = pdf_bytes()

    def send(index: int) -> int:
        try:
            client = sign_in(Client(), w.officer)
            content = same if race == "same-file" else pdf_bytes()
            supersedes = old if race == "two-new-versions" else None
            return upload(client, w.case, [(f"{index}.pdf", content)], supersedes=supersedes).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(send, [1, 2]))
    assert statuses == [302, 409]
    added = EvidenceDocument.objects.exclude(pk=old.pk)
    assert added.count() == 1
    assert stored_files() == sorted([*before, added.get().file.name])


def test_a_viewer_cannot_upload(client, w, upload_tmp):
    sign_in(client, w.viewer)
    assert client.get(upload_url(w.case)).status_code == 403
    response = upload(client, w.case, [("a.pdf", pdf_bytes())])
    assert response.status_code == 403
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []
    assert list(upload_tmp.iterdir()) == []


def test_another_parks_case_is_not_found_for_upload(client, w):
    sign_in(client, w.officer)
    assert client.get(upload_url(w.other_case)).status_code == 404
    response = upload(client, w.other_case, [("a.pdf", pdf_bytes())])
    assert response.status_code == 404
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


def test_a_signed_out_upload_goes_to_the_sign_in_page(client, w):
    response = upload(client, w.case, [("a.pdf", pdf_bytes())])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("files_first", [False, True], ids=["fields-first", "files-first"])
@pytest.mark.parametrize("where", ["half-way", "in-the-closing-boundary"])
@pytest.mark.parametrize("how", ["body-ends-early", "client-stops-sending"])
def test_an_upload_interrupted_half_way_stores_nothing(client, w, upload_tmp, files_first, where, how):
    """Files first is what a browser sends for this form (the file input comes before the fields)."""
    content = pdf_bytes() + os.urandom(200_000)
    fields = {"doc_type": "other", "title": "t", "notes": "备注"}
    full = raw_multipart(fields, [("half.pdf", content)], files_first=files_first)
    # Half-way lands in the file's bytes; the other cut leaves every byte of every part but the
    # request still ends inside "--boundary--", so the last part never provably ended.
    cut = full[: len(full) // 2] if where == "half-way" else full[:-20]
    sign_in(client, w.officer)
    if how == "body-ends-early":
        response = post_raw(client, w.case, cut)
    else:
        # The client announced the whole body and the connection ended early.
        response = client.generic(
            "POST",
            upload_url(w.case),
            b"",
            **{"wsgi.input": io.BytesIO(cut), "CONTENT_LENGTH": str(len(full)), "CONTENT_TYPE": MULTIPART},
        )
    stored = list(EvidenceDocument.objects.values_list("notes", flat=True))
    assert stored == [], f"{response.status_code}: stored from an incomplete request, notes={stored!r}"
    assert_refused_with_nothing_stored(response)
    assert not CustodyEvent.objects.exists()
    assert list(upload_tmp.iterdir()) == []


def _checked(content: bytes, name: str = "a.pdf") -> CheckedUpload:
    return CheckedUpload(io.BytesIO(content), name, "application/pdf", len(content), sha256(content))


def test_a_database_error_after_the_file_was_written_removes_the_file(w, monkeypatch):
    def fail(*args, **kwargs):
        assert stored_files(), "the file had been written"
        raise DatabaseError("connection lost")

    monkeypatch.setattr(CustodyEvent.objects, "create", fail)
    with pytest.raises(DatabaseError):
        EvidenceDocument.objects.store(
            case=w.case, uploads=[_checked(pdf_bytes())], by=w.officer, title="t", doc_type="other"
        )
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


def test_a_failing_save_removes_every_file_of_the_upload(w, monkeypatch):
    original = EvidenceDocument.save
    calls = itertools.count(1)

    def save(self, *args, **kwargs):
        if next(calls) == 2:
            raise IntegrityError("second row refused")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceDocument, "save", save)
    uploads = [_checked(pdf_bytes(), "a.pdf"), _checked(pdf_bytes(), "b.pdf")]
    with pytest.raises(IntegrityError):
        EvidenceDocument.objects.store(
            case=w.case, uploads=uploads, by=w.officer, title="t", doc_type="other"
        )
    assert not EvidenceDocument.objects.exists()
    assert not CustodyEvent.objects.exists()
    assert stored_files() == []


def test_an_integrity_error_while_storing_gives_a_message_and_leaves_nothing(client, w, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(CustodyEvent.objects, "create", fail)
    response = upload(sign_in(client, w.officer), w.case, [("a.pdf", pdf_bytes())])
    assert_refused_with_nothing_stored(response, message="The case file changed while you uploaded")
    assert response.status_code == 409
    assert not EvidenceDocument.objects.exists()


def test_a_database_failure_through_the_page_leaves_no_file(client, w, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(CustodyEvent.objects, "create", fail)
    client.raise_request_exception = False
    upload(sign_in(client, w.officer), w.case, [("a.pdf", pdf_bytes())])
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


# 3. Memory -------------------------------------------------------------------------------------


def test_a_200_mb_upload_never_sits_whole_in_memory(client, w, settings, tmp_path, upload_tmp):
    """The request body is read from disk; the peak of Python allocations stays far below the file."""
    total = 200 * MiB
    settings.PARKLAND_EVIDENCE_MAX_BYTES = 200 * MiB  # the default: a file of exactly the limit passes
    head, tail = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", b"\n%%EOF\n"
    prefix = raw_multipart({"doc_type": "site_inspection", "title": "现场视频"}, [], close=False)
    file_head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="现场记录.pdf"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body_path = tmp_path / "body.bin"
    digest = hashlib.sha256()
    with body_path.open("wb") as body:
        body.write(prefix + file_head)
        remaining = total - len(head) - len(tail)
        for piece in [head] + [None] * ((remaining + MiB - 1) // MiB) + [tail]:
            if piece is None:
                piece = os.urandom(min(MiB, remaining))
                remaining -= len(piece)
            digest.update(piece)
            body.write(piece)
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    expected = digest.hexdigest()
    length = body_path.stat().st_size
    sign_in(client, w.officer)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with body_path.open("rb") as body:
        tracemalloc.start()
        try:
            response = client.generic(
                "POST",
                upload_url(w.case),
                b"",
                **{"wsgi.input": body, "CONTENT_LENGTH": str(length), "CONTENT_TYPE": MULTIPART},
            )
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before  # KiB on Linux
    print(f"\n200 MB upload: tracemalloc peak {peak / MiB:.1f} MiB; max RSS grew {rss_growth / 1024:.1f} MiB")
    body_path.unlink()

    assert response.status_code == 302, form_errors(response)
    assert peak < 100 * MiB
    assert rss_growth < 100 * 1024
    document = EvidenceDocument.objects.get()
    assert document.size == total
    assert document.sha256 == expected
    assert document.original_name == "现场记录.pdf"
    with (evidence_root() / document.file.name).open("rb") as stored:
        on_disk = hashlib.sha256()
        while chunk := stored.read(MiB):
            on_disk.update(chunk)
    assert on_disk.hexdigest() == expected
    assert list(upload_tmp.iterdir()) == []

"""Evidence out of the store (issue 4): downloads, the custody log and the case-file zip.

Only `/evidence/<id>/download/` and the case-file zip hand out files, after the park and role
checks; every hand-over is in the custody log.
"""

import csv
import hashlib
import io
import os
import tracemalloc
import zipfile

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CustodyEvent, EvidenceDocument
from tests import factories
from tests.worlds.evidence import (
    EvidenceWorld,
    build_world,
    evidence_root,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    upload,
)
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> EvidenceWorld:
    return build_world()


def add(
    case, doc_type: str = "site_inspection", *, content: bytes | None = None, **fields
) -> EvidenceDocument:
    """A document with a file of its own in the evidence store."""
    return factories.make_document(case=case, doc_type=doc_type, content=content or pdf_bytes(), **fields)


def download_url(document: EvidenceDocument) -> str:
    return reverse("evidence-download", args=[document.pk])


def custody(document: EvidenceDocument, action: str):
    return CustodyEvent.objects.filter(document=document, action=action)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# 4. Download -----------------------------------------------------------------------------------


def test_a_download_is_an_attachment_with_the_original_name_and_the_same_bytes(client, w):
    content = png_bytes()
    sign_in(client, w.officer)
    upload(client, w.case, [("photo-1.png", content)])
    document = EvidenceDocument.objects.get()
    response = client.get(download_url(document), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"] == 'attachment; filename="photo-1.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content
    (event,) = custody(document, "downloaded")
    assert (event.actor, event.ip_address) == (w.officer, "198.51.100.4")


def test_html_evidence_is_never_shown_inline(client, w):
    """Even a document recorded with a dangerous type goes out as an attachment, unsniffed."""
    document = add(w.case, content=b"%PDF-1.4\n<script>alert(1)</script>", content_type="application/pdf")
    response = sign_in(client, w.officer).get(download_url(document))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_viewer_can_download(client, w):
    document = add(w.case)
    response = sign_in(client, w.viewer).get(download_url(document))
    assert response.status_code == 200
    assert custody(document, "downloaded").get().actor == w.viewer


def test_another_parks_user_gets_404_for_every_evidence_url(client, w):
    document = add(w.case)
    sign_in(client, w.other_officer)
    for name in ("evidence-download", "evidence-detail", "evidence-custody-export"):
        assert client.get(reverse(name, args=[document.pk])).status_code == 404, name
    assert client.post(reverse("evidence-withdraw", args=[document.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("case-evidence-zip", args=[w.case.number])).status_code == 404
    assert not CustodyEvent.objects.filter(actor=w.other_officer).exists()
    document.refresh_from_db()
    assert document.withdrawn_at is None


def test_an_unknown_document_is_404(client, w):
    assert sign_in(client, w.officer).get(reverse("evidence-download", args=[999999])).status_code == 404


def test_a_signed_out_download_goes_to_the_sign_in_page(client, w):
    document = add(w.case)
    for url in (
        download_url(document),
        reverse("evidence-detail", args=[document.pk]),
        reverse("evidence-custody-export", args=[document.pk]),
        reverse("case-evidence-zip", args=[w.case.number]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert not CustodyEvent.objects.exists()


def test_no_url_serves_the_evidence_folder(client, w):
    document = add(w.case)
    name = document.file.name
    assert (evidence_root() / name).exists()
    sign_in(client, w.officer)
    for url in (
        f"/{name}",  # what document.file.url gives: the storage has no URL of its own
        f"/media/{name}",
        f"/evidence/{name}",
        f"/evidence/{name}/",
        f"/var/evidence/{name}",
        f"/static/{name}",
        f"/static/../var/evidence/{name}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert document.sha256 not in response.text


def test_a_missing_file_is_a_404_with_a_message_not_a_500(client, w):
    document = add(w.case)
    (evidence_root() / document.file.name).unlink()
    response = sign_in(client, w.officer).get(download_url(document))
    assert response.status_code == 404
    assert not custody(document, "downloaded").exists()
    # The person asking should learn why, not see a bare "Not Found".
    assert "missing from storage" in response.content.decode()


# 6. Custody log --------------------------------------------------------------------------------


def test_the_document_page_shows_the_custody_log_and_adds_a_view(client, w):
    sign_in(client, w.officer)
    upload(client, w.case, [("site.jpg", jpeg_bytes())], extra={"REMOTE_ADDR": "203.0.113.9"})
    document = EvidenceDocument.objects.get()
    client.get(download_url(document), REMOTE_ADDR="203.0.113.10")
    response = sign_in(client, w.viewer).get(reverse("evidence-detail", args=[document.pk]))
    assert response.status_code == 200
    assert [e.action for e in response.context["custody"]] == ["viewed", "downloaded", "uploaded"]
    assert "203.0.113.9" in response.text and "203.0.113.10" in response.text
    viewed = custody(document, "viewed").get()
    assert viewed.actor == w.viewer
    assert "viewed the record" in response.text


def test_the_custody_log_exports_as_csv_with_a_bom(client, w):
    sign_in(client, w.officer)
    upload(client, w.case, [("现场.png", png_bytes())], extra={"REMOTE_ADDR": "203.0.113.9"})
    document = EvidenceDocument.objects.get()
    client.get(download_url(document))
    client.get(reverse("evidence-detail", args=[document.pk]))
    response = sign_in(client, w.viewer).get(reverse("evidence-custody-export", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["at", "evidence document", "action", "by", "from address", "note"]
    assert [row[2] for row in rows[1:]] == ["uploaded", "downloaded", "viewed the record"]
    assert rows[1][3] == "officer-ea" and rows[1][4] == "203.0.113.9"
    assert all(row[1] == document.title for row in rows[1:])


def test_the_document_page_makes_the_same_queries_with_a_long_custody_log(client, w):
    document = add(w.case)
    sign_in(client, w.viewer)
    client.get(reverse("evidence-detail", args=[document.pk]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("evidence-detail", args=[document.pk]))
    for _ in range(30):
        document.record_custody("downloaded", by=w.officer, ip_address="192.0.2.1")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("evidence-detail", args=[document.pk]))
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# 10. Case-file zip -----------------------------------------------------------------------------


def read_zip(response) -> zipfile.ZipFile:
    assert isinstance(response, StreamingHttpResponse)
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_case_file_zip_holds_every_current_document_and_an_index(client, w):
    photo, notice, receipt = png_bytes(), pdf_bytes(), jpeg_bytes()
    current = [
        add(w.case, "site_inspection", content=photo, original_name="现场照片.png", content_type="image/png"),
        add(w.case, "investigation_notice", content=notice, original_name="调查通知书.pdf"),
        add(
            w.case,
            "service_receipt",
            content=receipt,
            original_name="送达回证.jpg",
            content_type="image/jpeg",
        ),
    ]
    withdrawn = add(w.case, "other", original_name="撤回的.pdf")
    withdrawn.withdraw(by=w.officer, reason="错传")
    old = add(w.case, "grant_contract", original_name="旧版合同.pdf")
    new = add(w.case, "grant_contract", original_name="新版合同.pdf", supersedes=old)
    current.append(new)

    response = sign_in(client, w.viewer).get(reverse("case-evidence-zip", args=[w.case.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{w.case.number}-evidence.zip"'
    archive = read_zip(response)
    assert archive.testzip() is None
    names = archive.namelist()
    assert "index.csv" in names and "index.html" in names
    files = [n for n in names if n.startswith("files/")]
    assert len(files) == len(current)
    by_digest = {sha256(archive.read(n)): n for n in files}
    for document in current:
        assert document.sha256 in by_digest, document.original_name
        assert by_digest[document.sha256].endswith(document.original_name)
    assert not any("撤回的" in n or "旧版合同" in n for n in names)

    index = archive.read("index.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(index)))
    assert {row["SHA-256"] for row in rows} == {d.sha256 for d in current}
    assert {row["file in this archive"] for row in rows} == {n.removeprefix("files/") for n in files}
    html = archive.read("index.html").decode()
    assert w.case.number in html and "现场照片.png" in html
    assert all(d.sha256 in html for d in current)

    exported = CustodyEvent.objects.filter(action="exported")
    assert sorted(e.document_id for e in exported) == sorted(d.pk for d in current)
    assert all(e.actor == w.viewer for e in exported)


def test_the_zip_keeps_each_file_directly_in_the_files_folder(client, w):
    """A document-type label such as “现场勘查笔录/照片” must not open a sub-folder in the archive."""
    add(
        w.case, "site_inspection", content=png_bytes(), original_name="现场照片.png", content_type="image/png"
    )
    add(w.case, "grant_contract", original_name="合同.pdf")
    for language in ("zh-hans", "en"):
        archive = read_zip(
            sign_in(client, w.officer, language=language).get(
                reverse("case-evidence-zip", args=[w.case.number])
            )
        )
        files = [n for n in archive.namelist() if n.startswith("files/")]
        assert len(files) == 2
        assert all(n.count("/") == 1 for n in files), files


def test_the_zip_of_a_case_without_documents_holds_the_index(client, w):
    archive = read_zip(sign_in(client, w.officer).get(reverse("case-evidence-zip", args=[w.case.number])))
    assert sorted(archive.namelist()) == ["index.csv", "index.html"]


def test_the_zip_with_a_file_missing_on_disk_is_refused_before_it_starts(client, w):
    """A missing file must not produce a truncated archive that looks like a complete case file."""
    add(w.case, "site_inspection")
    gone = add(w.case, "grant_contract")
    (evidence_root() / gone.file.name).unlink()
    client.raise_request_exception = False
    response = sign_in(client, w.officer).get(reverse("case-evidence-zip", args=[w.case.number]))
    if response.status_code == 200:
        try:
            archive = read_zip(response)
        except (FileNotFoundError, zipfile.BadZipFile) as error:
            pytest.fail(f"200 with a broken archive: {error!r}")
        assert len([n for n in archive.namelist() if n.startswith("files/")]) == 2
    else:
        assert response.status_code == 404
        assert not CustodyEvent.objects.filter(action="exported").exists()


def test_the_zip_is_streamed_in_pieces_not_built_in_memory(client, w, tmp_path):
    piece = os.urandom(1024 * 1024)
    big = b"%PDF-1.4\n" + piece * 48
    document = add(w.case, content=big, original_name="大文件.pdf")
    del big
    response = sign_in(client, w.officer).get(reverse("case-evidence-zip", args=[w.case.number]))
    archive_path = tmp_path / "case.zip"
    largest = 0
    tracemalloc.start()
    try:
        with archive_path.open("wb") as out:
            for chunk in response.streaming_content:
                largest = max(largest, len(chunk))
                out.write(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert largest <= 2 * 1024 * 1024
    assert peak < 16 * 1024 * 1024
    with zipfile.ZipFile(archive_path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith("大文件.pdf")]
        digest = hashlib.sha256()
        with archive.open(name) as member:
            while chunk := member.read(1024 * 1024):
                digest.update(chunk)
    assert digest.hexdigest() == document.sha256


def test_text_that_a_spreadsheet_would_run_is_neutralised_in_the_exports(client, w):
    document = add(w.case, title='=HYPERLINK("http://evil.example","点击")')
    sign_in(client, w.officer)
    client.get(download_url(document))
    custody_csv = client.get(reverse("evidence-custody-export", args=[document.pk])).content.decode(
        "utf-8-sig"
    )
    assert {row[1] for row in list(csv.reader(io.StringIO(custody_csv)))[1:]} == {"'" + document.title}
    archive = read_zip(client.get(reverse("case-evidence-zip", args=[w.case.number])))
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert rows[0]["title"] == "'" + document.title


def test_the_zip_makes_the_same_queries_for_1_and_20_documents(client, w):
    other = factories.make_case(park=w.park, status="investigating", officer=w.officer)
    add(w.case, "site_inspection")
    for index in range(20):
        add(other, "other" if index % 2 else "site_inspection", original_name=f"照片{index}.pdf")
    sign_in(client, w.officer)

    def queries(case) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("case-evidence-zip", args=[case.number]))
            read_zip(response)
        return len(captured)

    queries(w.case)  # session and other one-off lookups
    assert queries(other) == queries(w.case)


def test_the_case_page_makes_the_same_queries_for_1_and_20_documents(client, w):
    other = factories.make_case(park=w.park, status="investigating", officer=w.officer)
    add(w.case, "site_inspection")
    documents = [add(other, "other" if i % 3 else "site_inspection") for i in range(18)]
    documents[0].withdraw(by=w.officer, reason="错传")
    add(other, "site_inspection", supersedes=documents[3])
    add(other, "other", supersedes=documents[4])
    sign_in(client, w.supervisor)

    def queries(case) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("case-detail", args=[case.number])).status_code == 200
        return len(captured)

    queries(w.case)
    assert queries(other) == queries(w.case)

"""The case file in a real browser: uploads turn the checklist green, the step goes through, a viewer
downloads, another park sees nothing (issue 4)."""

import struct
import zlib
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cases.models import CustodyEvent, EvidenceDocument, Park
from tests.factories import make_case, make_document, make_parcel

User = get_user_model()

pytestmark = pytest.mark.django_db(transaction=True)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1f\x5f\x4a")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def upload(page, live_server, case, *, doc_type: str, title: str, path) -> None:
    page.goto(f"{live_server.url}/cases/{case.number}/evidence/new/")
    page.locator("[name=files]").set_input_files(str(path))
    page.locator("[name=doc_type]").select_option(doc_type)
    page.locator("[name=title]").fill(title)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_uploads_turn_the_checklist_green_and_the_case_is_identified(
    demo, live_server, page, sign_in, screenshot, tmp_path
):
    officer = User.objects.get(username="demo-officer")
    park = Park.objects.get(code="XQ")
    parcel = make_parcel(park=park, code="XQ-T01", area_m2="12000.00", location="新青科技工业园新青十路8号")
    case = make_case(
        parcel=parcel,
        status="investigating",
        opened_on=date(2026, 10, 8),
        officer=officer,
    )
    make_document(case=case, doc_type="grant_contract", uploaded_by=officer, content=b"%PDF-1.4 grant\n")
    make_document(
        case=case, doc_type="investigation_notice", uploaded_by=officer, content=b"%PDF-1.4 notice\n"
    )
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(tiny_png())
    receipt = tmp_path / "送达回证.pdf"
    receipt.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    sign_in("demo-officer")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    expect(page.locator(".evidence-checklist li[data-met=false]")).to_have_count(2)
    upload(page, live_server, case, doc_type="site_inspection", title="现场勘查照片", path=photo)
    upload(page, live_server, case, doc_type="service_receipt", title="调查通知书送达回证", path=receipt)

    page.goto(f"{live_server.url}/cases/{case.number}/")
    expect(page.locator(".evidence-checklist li[data-met=false]")).to_have_count(0)
    expect(page.locator(".evidence-checklist li[data-met=true]")).to_have_count(4)
    screenshot("case-checklist-green-zh")

    sign_in("demo-supervisor")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    step = page.locator("form.transition-form[data-target=identified]")
    step.locator("button").click()  # the step chosen: its date appears
    step.locator("[name=identified_on]").fill("2026-11-20")
    step.locator("button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    case.refresh_from_db()
    assert (case.status, case.identified_on) == ("identified", date(2026, 11, 20))

    document = case.documents.current().get(doc_type="site_inspection")
    sign_in("demo-viewer")
    page.goto(f"{live_server.url}/evidence/{document.pk}/")
    with page.expect_download() as download_info:
        page.locator(f"a[href='/evidence/{document.pk}/download/']").first.click()
    download = download_info.value
    assert download.suggested_filename == "现场照片.png" == document.original_name
    with open(download.path(), "rb") as handle:
        assert handle.read() == photo.read_bytes()
    assert CustodyEvent.objects.filter(
        document=document, action="downloaded", actor__username="demo-viewer"
    ).exists()

    sign_in("demo-other")
    assert page.goto(f"{live_server.url}/evidence/{document.pk}/").status == 404
    assert page.goto(f"{live_server.url}/evidence/{document.pk}/download/").status == 404
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()

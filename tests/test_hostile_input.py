"""NUL and other control characters in a path, a query string or a form answer 400, never 500."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import DisposalTarget, EvidenceDocument, Membership, MonthClose, ProjectLead
from tests.worlds.staff import build_world, case_url, sign_in

from .factories import make_user

pytestmark = pytest.mark.django_db

R = Membership.Role
NUL = "\x00"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def lead(world):
    return ProjectLead.objects.create(
        park=world.park_a,
        name="新能源电池模组扩产项目",
        investor="珠海市朔岚新能源电池有限公司",
        area_needed_m2=Decimal("10000.00"),
        land_use="industrial",
        planned_investment_wan=Decimal("28000.00"),
    )


def assert_refused(response, *, language: str = "en") -> None:
    assert response.status_code == 400, response.status_code
    text = response.content.decode()
    if language == "en":
        assert "control character (such as NUL)" in text
        assert '<html lang="en"' in text
    else:
        assert "控制字符" in text
        assert '<html lang="zh-CN"' in text
    assert 'href="/"' in text  # the way back
    assert "Traceback" not in text and "DEBUG" not in text


def test_a_nul_in_a_case_number_in_the_path_is_400(client, world):
    sign_in(client, world.officer_a)
    for name in ["case-detail", "case-edit", "event-create", "measure-create", "evidence-upload"]:
        url = reverse(name, args=[world.case_a.number + NUL])
        assert_refused(client.get(url))
    assert_refused(client.get(f"/cases/{quote(world.case_a.number)}%00/"))


def test_the_refusal_is_in_the_users_language(client, world):
    sign_in(client, world.officer_a, language="zh-hans")
    response = client.get(case_url(world.case_a) + "?park=%00")
    assert_refused(response, language="zh-hans")
    assert "officer-a" in response.content.decode()  # the signed-in user's own menu


@pytest.mark.parametrize(
    "query",
    [
        "park=%00",
        "park=XQ%00",
        "status=%01",
        "q=a%1Fb",
        "park%00=1",
        "sort=%7F",
        "q=%C2%85",  # U+0085, a C1 control character
    ],
)
def test_control_characters_in_a_query_string_are_400(client, world, query):
    sign_in(client, world.supervisor_a)
    for path in ["/", "/cases/", "/parcels/", "/reports/monthly/", "/deadlines/", "/radar/", "/measures/"]:
        assert_refused(client.get(f"{path}?{query}"))


def test_a_line_break_in_a_query_value_is_left_to_the_page(client, world):
    sign_in(client, world.officer_a)
    assert client.get("/cases/?q=%E7%8E%B0%E5%9C%BA%0A%09").status_code == 200


def test_a_nul_in_the_month_close_post_is_400_and_closes_nothing(client, world):
    sign_in(client, world.supervisor_a)
    for data in [
        {"park": world.park_a.code + NUL, "year": "2022", "month": "3"},
        {"park": world.park_a.code, "year": "2022" + NUL, "month": "3"},
        {"park": world.park_a.code, "year": "2022", "month": NUL},
    ]:
        assert_refused(client.post(reverse("report-close-month"), data))
    assert not MonthClose.objects.exists()


def test_a_nul_in_the_target_post_is_400_and_sets_nothing(client, world):
    sign_in(client, world.admin_a)
    for data in [
        {"park": NUL, "year": "2022", "rate_pct": "60"},
        {"park": world.park_a.code, "year": "2022", "rate_pct": "6\x000"},
    ]:
        assert_refused(client.post(reverse("report-set-target"), data))
    assert not DisposalTarget.objects.exists()


def test_a_nul_in_the_lead_link_post_is_400_and_links_nothing(client, world, lead):
    sign_in(client, world.officer_a)
    for data in [
        {"case": world.case_a.number + NUL, "link": "joint_development"},
        {"case": world.case_a.number, "link": "joint_development" + NUL},
    ]:
        assert_refused(client.post(reverse("lead-link", args=[lead.pk]), data))
    lead.refresh_from_db()
    assert lead.status == "open" and lead.measure is None


def test_a_nul_in_a_form_value_is_400_and_changes_nothing(client, world):
    sign_in(client, world.officer_a)
    before = world.case_a.summary
    response = client.post(
        case_url(world.case_a, "case-edit"), {"summary": "现场\x00勘查", "version": world.case_a.version}
    )
    assert_refused(response)
    world.case_a.refresh_from_db()
    assert world.case_a.summary == before


def test_other_control_characters_in_a_form_value_are_400(client, world):
    sign_in(client, world.officer_a)
    for value in ["\x01", "a\x08b", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x9b"]:
        response = client.post(case_url(world.case_a, "event-create"), {"title": value})
        assert_refused(response)
    assert not world.case_a.events.filter(title__contains="\x1b").exists()


def test_tab_and_line_breaks_in_a_form_value_are_accepted(client, world):
    sign_in(client, world.officer_a)
    response = client.post(
        case_url(world.case_a, "event-create"),
        {
            "kind": "site_inspection",
            "occurred_on": "2022-03-01",
            "title": "现场勘查",
            "details": "一\r\n二\t三\n",
        },
    )
    assert response.status_code == 302
    assert world.case_a.events.get(title="现场勘查").details.startswith("一")


def test_control_characters_in_a_field_name_are_400(client, world):
    sign_in(client, world.officer_a)
    url = case_url(world.case_a, "event-create")
    # A multipart body cannot carry a line break in a name; a urlencoded one can.
    response = client.post(url, "title%0A=x&ti%00tle=y", content_type="application/x-www-form-urlencoded")
    assert_refused(response)


def test_admin_autocomplete_with_a_nul_is_400(client, world):
    sign_in(client, make_user(park=world.park_a, role=R.OFFICER, is_staff=True))
    params = {"app_label": "cases", "model_name": "landparcel", "field_name": "enterprise"}
    assert_refused(client.get(reverse("admin:autocomplete"), {**params, "term": NUL}))
    assert_refused(client.get(reverse("admin:autocomplete"), {**params, "app_label": "cases" + NUL}))
    assert client.get(reverse("admin:autocomplete"), {**params, "term": "企业"}).status_code == 200


def test_the_sign_in_form_with_a_nul_is_400(client, world):
    response = client.post(reverse("login"), {"username": "officer-a" + NUL, "password": "x"})
    assert response.status_code == 400
    assert "<html" in response.content.decode()


# Uploads: the text fields are checked, the file's bytes are not. ------------------------------------


def evidence_upload(
    world, *, title: str = "现场勘查照片", content: bytes = b"%PDF-1.4\n%\x00\x01\x02\x1b binary\n%%EOF\n"
):
    return {
        "doc_type": "site_inspection",
        "title": title,
        "document_date": "2022-03-01",
        "obtained_on": "2022-03-01",
        "files": SimpleUploadedFile("现场\x00照片.pdf", content, content_type="application/pdf"),
    }


def test_an_upload_whose_file_holds_control_bytes_is_stored(client, world):
    sign_in(client, world.officer_a)
    response = client.post(case_url(world.case_a, "evidence-upload"), evidence_upload(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = EvidenceDocument.objects.get(case=world.case_a)
    assert document.title == "现场勘查照片"
    assert "\x00" not in document.original_name


def test_an_upload_with_a_nul_in_a_text_field_is_400_and_stores_nothing(client, world):
    sign_in(client, world.officer_a)
    before = EvidenceDocument.objects.count()
    response = client.post(
        case_url(world.case_a, "evidence-upload"), evidence_upload(world, title="照片\x00")
    )
    assert_refused(response)
    assert EvidenceDocument.objects.count() == before


def test_a_ledger_upload_with_a_nul_in_a_text_field_is_400(client, world):
    sign_in(client, world.admin_a)
    upload = SimpleUploadedFile("台账.csv", "园区代码,宗地编号\nAA,A-01\n".encode(), content_type="text/csv")
    response = client.post(reverse("ledger-import"), {"park": str(world.park_a.pk) + NUL, "file": upload})
    assert_refused(response)


def test_a_ledger_upload_still_works(client, world):
    sign_in(client, world.admin_a)
    upload = SimpleUploadedFile("台账.csv", "园区代码,宗地编号\nAA,A-01\n".encode(), content_type="text/csv")
    response = client.post(reverse("ledger-import"), {"file": upload})
    assert response.status_code in {200, 302}

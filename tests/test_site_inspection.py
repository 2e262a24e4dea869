"""Site inspection from a phone (issue 14, item 2): photos from the camera become evidence of the
inspection type with their EXIF time and position, one timeline event lists them, all or nothing,
a resent form records nothing twice, and a park may strip the position from every copy that leaves."""

import hashlib
import html
import io
import uuid
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import CaseEvent, CustodyEvent, DocType, EvidenceDocument
from cases.photos import location_free, read_photo
from tests import factories
from tests.worlds.evidence import build_world, jpeg_bytes, pdf_bytes, stored_files
from tests.worlds.exports import body
from tests.worlds.photos import exif_position, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def sign_in(client, user, language: str = "en"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def url(case) -> str:
    return reverse("inspection-create", args=[case.number])


def send(
    client,
    case,
    photos,
    *,
    key=None,
    on=None,
    people="张三（园区土地科）、李四（企业代表）",
    note="厂房空置",
    **extra,
):
    data = {
        "submission_key": str(key or uuid.uuid4()),
        "occurred_on": (on or timezone.localdate()).isoformat(),
        "people_present": people,
        "note": note,
        "photos": [SimpleUploadedFile(name, content, content_type="image/jpeg") for name, content in photos],
    }
    return client.post(url(case), data, **extra)


def errors(response) -> list[str]:
    form = response.context["form"]
    return [str(message) for messages in form.errors.values() for message in messages]


def nothing_stored(case):
    __tracebackhide__ = True
    assert not case.events.filter(kind=CaseEvent.Kind.SITE_INSPECTION).exists()
    assert not case.documents.exists()
    assert stored_files() == []


# Recording ------------------------------------------------------------------------------------


def test_two_photos_make_one_inspection_event_and_two_inspection_documents_with_time_and_position(client, w):
    sign_in(client, w.officer)
    first = photo(taken="2026:11:20 09:30:05", latitude="22.271000", longitude="113.304000")
    second = photo(taken="2026:11:20 09:41:00", latitude="22.271500", longitude="113.304500")
    response = send(client, w.case, [("IMG_0001.jpg", first), ("IMG_0002.jpg", second)])

    event = CaseEvent.objects.get(case=w.case, kind=CaseEvent.Kind.SITE_INSPECTION)
    assert response.status_code == 302
    assert response["Location"] == f"{w.case.get_absolute_url()}#event-{event.pk}"
    assert event.people_present == "张三（园区土地科）、李四（企业代表）"
    assert event.details == "厂房空置"
    assert event.actor == w.officer
    assert event.title == "现场勘查，照片 2 张"  # the working language, whatever the user reads
    photos = list(event.photos.order_by("original_name"))
    assert [p.original_name for p in photos] == ["IMG_0001.jpg", "IMG_0002.jpg"]
    assert {p.doc_type for p in photos} == {DocType.SITE_INSPECTION}
    assert [p.sha256 for p in photos] == [sha256(first), sha256(second)]
    assert [timezone.localtime(p.taken_at).strftime("%Y-%m-%d %H:%M:%S") for p in photos] == [
        "2026-11-20 09:30:05",
        "2026-11-20 09:41:00",
    ]
    assert [(p.latitude, p.longitude) for p in photos] == [
        (Decimal("22.271000"), Decimal("113.304000")),
        (Decimal("22.271500"), Decimal("113.304500")),
    ]
    assert all(p.obtained_on == timezone.localdate() for p in photos)
    assert all(p.custody.filter(action=CustodyEvent.Action.UPLOADED).count() == 1 for p in photos)
    assert len(stored_files()) == 2


def test_the_case_page_shows_the_inspection_with_each_photo_its_time_and_position(client, w):
    sign_in(client, w.officer)
    send(client, w.case, [("a.jpg", photo(taken="2026:11:20 09:30:05")), ("b.jpg", photo(taken=None))])
    page = html.unescape(client.get(w.case.get_absolute_url()).content.decode())
    event = CaseEvent.objects.get(case=w.case, kind=CaseEvent.Kind.SITE_INSPECTION)
    assert f'id="event-{event.pk}"' in page
    assert "Site inspection, 2 photos" in page  # in the reader's language
    assert "2026-11-20 09:30" in page
    assert "22.271000° N, 113.304000° E" in page
    assert "(no camera time)" in page
    assert "张三（园区土地科）" in page
    for document in event.photos.all():
        assert reverse("evidence-detail", args=[document.pk]) in page


def test_the_case_page_reads_chinese_positions_in_chinese(client, w):
    sign_in(client, w.officer, "zh-hans")
    send(client, w.case, [("a.jpg", photo(latitude="-33.868800", longitude="-151.209300"))])
    page = client.get(w.case.get_absolute_url()).content.decode()
    assert "南纬 33.868800°，西经 151.209300°" in page
    assert "现场勘查，照片 1 张" in page


def case_page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_case_page_queries_do_not_grow_with_inspections_and_photos(client, w):
    sign_in(client, w.officer)
    send(client, w.case, [("a.jpg", photo())])
    case_page_queries(client, w.case)  # the session renewed, the menus' reads done once
    one = case_page_queries(client, w.case)
    for index in range(3):
        send(client, w.case, [(f"x{index}-{n}.jpg", photo()) for n in range(3)])
    case_page_queries(client, w.case)
    assert case_page_queries(client, w.case) == one
    response = client.get(w.case.get_absolute_url())
    assert response.content.decode().count('class="inspection-photo"') == 10


def test_a_photo_without_exif_is_kept_without_time_or_position(client, w):
    sign_in(client, w.officer)
    send(client, w.case, [("plain.jpg", photo(taken=None, latitude=None, longitude=None))])
    document = EvidenceDocument.objects.get(case=w.case)
    assert (document.taken_at, document.latitude, document.longitude) == (None, None, None)


def test_the_camera_offset_is_honoured_when_the_photo_has_one(client, w):
    sign_in(client, w.officer)
    send(client, w.case, [("abroad.jpg", photo(taken="2026:11:20 09:30:05", offset="+01:00"))])
    document = EvidenceDocument.objects.get(case=w.case)
    assert timezone.localtime(document.taken_at).strftime("%H:%M") == "16:30"


def test_the_form_takes_photos_from_the_camera_several_at_a_time(client, w):
    sign_in(client, w.officer)
    page = client.get(url(w.case)).content.decode()
    assert 'type="file"' in page and 'accept="image/*"' in page and 'capture="environment"' in page
    assert " multiple" in page
    assert 'name="submission_key"' in page
    assert "parkland/inspection-form.js" in page
    assert "<script>" not in page and "style=" not in page  # the CSP allows no inline script or style


def test_the_case_page_leads_to_the_form_in_one_tap(client, w):
    sign_in(client, w.officer)
    page = client.get(w.case.get_absolute_url()).content.decode()
    assert f'href="{url(w.case)}"' in page


# All or nothing -------------------------------------------------------------------------------


def test_a_cut_off_photo_is_refused_even_after_a_pdf_was_written(client, w):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES when imported; photos of evidence stay strict."""
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as a worker that has written a PDF leaves it
    sign_in(client, w.officer)
    damaged = photo(size=(640, 480))
    response = send(client, w.case, [("cut.jpg", damaged[: len(damaged) // 2])])
    assert response.status_code == 422
    nothing_stored(w.case)


def test_one_damaged_photo_refuses_the_whole_inspection_and_leaves_no_file(client, w):
    sign_in(client, w.officer)
    good, damaged = photo(), photo(size=(640, 480))
    response = send(client, w.case, [("good.jpg", good), ("cut.jpg", damaged[: len(damaged) // 2])])
    assert response.status_code == 422
    assert any("“cut.jpg” is not a complete photo" in message for message in errors(response))
    nothing_stored(w.case)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notice.jpg", pdf_bytes(), "are not what its name says"),
        ("scan.pdf", pdf_bytes(), "is not a JPEG or PNG photo"),
        ("markers-only.jpg", jpeg_bytes(), "is not a complete photo"),
        ("empty.jpg", b"", "is empty"),
    ],
)
def test_what_is_not_a_sound_photo_is_refused_by_name(client, w, name, content, message):
    sign_in(client, w.officer)
    response = send(client, w.case, [("good.jpg", photo()), (name, content)])
    assert response.status_code == 422
    assert any(message in error for error in errors(response)), errors(response)
    nothing_stored(w.case)


def test_a_photo_over_the_size_limit_refuses_the_inspection_while_it_arrives(client, w, settings, tmp_path):
    settings.PARKLAND_EVIDENCE_MAX_BYTES = 4000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    sign_in(client, w.officer)
    response = send(client, w.case, [("small.jpg", photo()), ("large.jpg", photo(size=(1600, 1200)))])
    assert response.status_code == 422
    assert any("“large.jpg” is larger than" in message for message in errors(response))
    nothing_stored(w.case)
    assert list((tmp_path / "uploads").iterdir()) == []


def test_photos_over_the_limit_together_are_refused_though_each_is_within_it(client, w, settings):
    photos = [(f"{n}.jpg", photo()) for n in range(3)]
    settings.PARKLAND_EVIDENCE_MAX_BYTES = max(len(p) for _n, p in photos) + 10
    sign_in(client, w.officer)
    response = send(client, w.case, photos)
    assert response.status_code == 422
    assert any("The photos come to more than" in message for message in errors(response))
    nothing_stored(w.case)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"people": ""}, "people_present", "This field is required."),
        ({"on": date(2021, 12, 31)}, "occurred_on", "the inspection cannot come before it"),
        # Tomorrow as of when the test runs: computed at collection, it may be today by then.
        ({"on": lambda: timezone.localdate() + timedelta(days=1)}, "occurred_on", "outside the allowed"),
    ],
)
def test_a_form_without_its_facts_is_refused_and_stores_nothing(client, w, fields, field, message):
    fields = {name: value() if callable(value) else value for name, value in fields.items()}
    sign_in(client, w.officer)
    response = send(client, w.case, [("a.jpg", photo())], **fields)
    assert response.status_code == 422
    assert any(message in str(error) for error in response.context["form"].errors[field])
    nothing_stored(w.case)


def test_no_photo_at_all_is_refused(client, w):
    sign_in(client, w.officer)
    response = send(client, w.case, [])
    assert response.status_code == 422
    assert "Choose at least one photo." in errors(response)
    nothing_stored(w.case)


def test_too_many_photos_at_once_are_refused_with_the_limit(client, w, monkeypatch):
    from cases.forms import SiteInspectionForm

    monkeypatch.setattr(SiteInspectionForm, "MAX_PHOTOS", 2)
    sign_in(client, w.officer)
    response = send(client, w.case, [(f"{n}.jpg", photo()) for n in range(3)])
    assert response.status_code == 422
    assert any("At most 2 photos at a time" in message for message in errors(response))
    nothing_stored(w.case)


def test_a_photo_already_in_the_case_file_is_named(client, w):
    sign_in(client, w.officer)
    same = photo()
    send(client, w.case, [("first.jpg", same)])
    response = send(client, w.case, [("again.jpg", same)])
    assert response.status_code == 422
    assert any("“again.jpg” is already in this case file" in message for message in errors(response))
    assert w.case.events.filter(kind=CaseEvent.Kind.SITE_INSPECTION).count() == 1


# Sending again --------------------------------------------------------------------------------


def test_a_resent_inspection_is_recorded_once(client, w):
    sign_in(client, w.officer)
    key = uuid.uuid4()
    photos = [("a.jpg", photo()), ("b.jpg", photo())]
    first = send(client, w.case, photos, key=key)
    again = send(client, w.case, photos, key=key)
    event = CaseEvent.objects.get(case=w.case, kind=CaseEvent.Kind.SITE_INSPECTION)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert event.photos.count() == 2 and w.case.documents.count() == 2
    assert len(stored_files()) == 2
    messages = [str(m) for m in client.get(w.case.get_absolute_url()).context["messages"]]
    assert "This inspection was already recorded; it is shown on the timeline." in messages


def test_a_refused_inspection_can_be_sent_again_with_the_same_key(client, w):
    sign_in(client, w.officer)
    key = uuid.uuid4()
    refused = send(client, w.case, [("cut.jpg", photo()[:100])], key=key)
    assert refused.status_code == 422
    assert f'value="{key}"' in refused.content.decode()  # the page keeps the key for the next try
    accepted = send(client, w.case, [("whole.jpg", photo())], key=key)
    assert accepted.status_code == 302
    assert w.case.events.get(kind=CaseEvent.Kind.SITE_INSPECTION).submission_key == key


def test_the_script_is_told_where_to_go_so_the_message_is_not_lost(client, w):
    sign_in(client, w.officer)
    response = send(client, w.case, [("a.jpg", photo())], HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    event = CaseEvent.objects.get(case=w.case, kind=CaseEvent.Kind.SITE_INSPECTION)
    assert response.status_code == 204
    assert response["X-Location"] == f"{w.case.get_absolute_url()}#event-{event.pk}"
    messages = [str(m) for m in client.get(w.case.get_absolute_url()).context["messages"]]
    assert messages == ["Site inspection recorded with 1 photo."]


def test_the_model_returns_the_inspection_already_made_for_a_key(w):
    key = uuid.uuid4()
    photo_upload = _checked(photo())
    event, created = CaseEvent.objects.record_inspection(
        case=w.case,
        key=key,
        on=timezone.localdate(),
        people_present="张三",
        note="",
        photos=[photo_upload],
        by=w.officer,
    )
    again, created_again = CaseEvent.objects.record_inspection(
        case=w.case,
        key=key,
        on=timezone.localdate(),
        people_present="张三",
        note="",
        photos=[photo_upload],
        by=w.officer,
    )
    assert (created, created_again, again.pk) == (True, False, event.pk)


def _checked(data: bytes):
    from cases.models.evidence import CheckedUpload

    upload = SimpleUploadedFile("p.jpg", data)
    return CheckedUpload(
        upload, "p.jpg", "image/jpeg", len(data), sha256(data), read_photo(upload, "p.jpg").as_fields()
    )


def test_a_database_failure_while_storing_leaves_no_event_and_no_file(w, monkeypatch):
    def refuse(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(CustodyEvent.objects, "create", refuse)
    with pytest.raises(IntegrityError):
        CaseEvent.objects.record_inspection(
            case=w.case,
            key=uuid.uuid4(),
            on=timezone.localdate(),
            people_present="张三",
            note="",
            photos=[_checked(photo()), _checked(photo())],
            by=w.officer,
        )
    nothing_stored(w.case)


# Who may --------------------------------------------------------------------------------------


def test_a_viewer_may_not_record_an_inspection(client, w):
    sign_in(client, w.viewer)
    assert client.get(url(w.case)).status_code == 403
    assert send(client, w.case, [("a.jpg", photo())]).status_code == 403
    nothing_stored(w.case)
    assert f'href="{url(w.case)}"' not in client.get(w.case.get_absolute_url()).content.decode()


def test_another_parks_case_is_not_found(client, w):
    sign_in(client, w.other_officer)
    assert client.get(url(w.case)).status_code == 404
    assert send(client, w.case, [("a.jpg", photo())]).status_code == 404
    nothing_stored(w.case)


def test_signed_out_the_form_asks_to_sign_in(client, w):
    response = client.get(url(w.case))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_closed_case_takes_no_inspection(client, w):
    case = factories.make_case(park=w.park, status="withdrawn")
    sign_in(client, w.officer)
    response = send(client, case, [("a.jpg", photo())])
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    nothing_stored(case)


# The evidence page ----------------------------------------------------------------------------


def test_the_evidence_page_shows_camera_time_and_position_beside_the_receipt_time(client, w):
    sign_in(client, w.officer)
    send(client, w.case, [("a.jpg", photo(taken="2026:11:20 09:30:05"))])
    document = EvidenceDocument.objects.get(case=w.case)
    page = html.unescape(client.get(reverse("evidence-detail", args=[document.pk])).content.decode())
    assert "received by the server" in page.lower()
    assert timezone.localtime(document.uploaded_at).strftime("%Y-%m-%d %H:%M:%S") in page
    assert "2026-11-20 09:30:05" in page
    assert "22.271000° N, 113.304000° E" in page


def test_a_camera_clock_ahead_of_the_server_is_pointed_out(client, w):
    sign_in(client, w.officer)
    ahead = (timezone.localtime() + timedelta(days=2)).strftime("%Y:%m:%d %H:%M:%S")
    send(client, w.case, [("a.jpg", photo(taken=ahead))])
    document = EvidenceDocument.objects.get(case=w.case)
    page = html.unescape(client.get(reverse("evidence-detail", args=[document.pk])).content.decode())
    assert "the camera's clock is wrong" in page


# Copies without the position ------------------------------------------------------------------


def _download(client, document) -> bytes:
    return body(client.get(reverse("evidence-download", args=[document.pk])))


def test_a_park_that_strips_location_sends_photos_without_their_position(client, w):
    sign_in(client, w.officer)
    original = photo()
    send(client, w.case, [("a.jpg", original)])
    document = EvidenceDocument.objects.get(case=w.case)
    assert exif_position(_download(client, document))  # not stripped: the position goes with it

    w.park.strip_photo_location = True
    w.park.save()
    copy = _download(client, document)
    assert exif_position(copy) == {}
    assert read_photo(io.BytesIO(copy), "copy.jpg").taken_at is not None  # the time stays
    assert len(copy) == len(original) and copy != original
    document.refresh_from_db()
    assert sha256(document.file.open("rb").read()) == document.sha256 == sha256(original)
    note = document.custody.filter(action=CustodyEvent.Action.DOWNLOADED).order_by("-pk").first().note
    assert note == "照片位置已去除的副本"


def test_the_case_file_zip_strips_location_and_says_so_in_its_index(client, w):
    w.park.strip_photo_location = True
    w.park.save()
    sign_in(client, w.officer)
    send(client, w.case, [("a.jpg", photo())])
    archive = zipfile.ZipFile(
        io.BytesIO(body(client.get(reverse("case-evidence-zip", args=[w.case.number]))))
    )
    [photo_name] = [name for name in archive.namelist() if name.endswith("a.jpg")]
    assert exif_position(archive.read(photo_name)) == {}
    index = archive.read("index.csv").decode("utf-8-sig")
    assert "position removed from this copy" in index and ",yes," in index


@pytest.mark.parametrize("kind", ["PNG", "TIFF"])
def test_png_and_tiff_copies_lose_their_position_too(kind):
    data = photo(kind=kind)
    facts = read_photo(io.BytesIO(data), "p")
    assert facts.latitude == Decimal("22.271000")
    copy = b"".join(location_free(io.BytesIO(data), f"image/{kind.lower()}"))
    assert read_photo(io.BytesIO(copy), "p").latitude is None


def test_a_jpeg_copy_changes_only_the_bytes_of_its_position():
    data = photo(size=(800, 600))
    copy = b"".join(location_free(io.BytesIO(data), "image/jpeg"))
    differing = [i for i, (a, b) in enumerate(zip(data, copy, strict=True)) if a != b]
    assert differing and max(differing) < 1024  # only in the EXIF segment at the head


# The database's own rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"latitude": Decimal("91"), "longitude": Decimal("113")},
        {"latitude": Decimal("22"), "longitude": Decimal("-181")},
        {"latitude": Decimal("22"), "longitude": None},
    ],
)
def test_the_database_refuses_an_impossible_position(w, fields):
    document = factories.make_document(case=w.case, doc_type="site_inspection", uploaded_by=w.officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceDocument.objects.filter(pk=document.pk).update(**fields)


def test_the_database_keeps_inspection_photos_of_the_inspection_type(w):
    event = factories.make_event(case=w.case)
    document = factories.make_document(case=w.case, doc_type="grant_contract", uploaded_by=w.officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceDocument.objects.filter(pk=document.pk).update(inspection=event)


def test_the_database_keeps_people_present_and_the_key_to_inspections(w):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_event(case=w.case, kind="meeting", title="会议", people_present="张三")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_event(case=w.case, kind="meeting", title="会议", submission_key=uuid.uuid4())
    key = uuid.uuid4()
    factories.make_event(case=w.case, submission_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_event(case=w.case, submission_key=key)


def test_the_api_follows_the_parks_choice_for_position_and_file(client, w):
    sign_in(client, w.officer)
    send(client, w.case, [("a.jpg", photo())])
    document = EvidenceDocument.objects.get(case=w.case)
    record = client.get(f"/api/v1/evidence/{document.pk}/").json()
    assert (record["latitude"], record["longitude"]) == ("22.271000", "113.304000")
    w.park.strip_photo_location = True
    w.park.save()
    record = client.get(f"/api/v1/evidence/{document.pk}/").json()
    assert (record["latitude"], record["longitude"]) == (None, None)
    assert exif_position(body(client.get(f"/api/v1/evidence/{document.pk}/download/"))) == {}

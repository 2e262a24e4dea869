"""What a phone and a screen reader rely on in the pages' markup (issue 14): the case page's order,
the lists' card labels, scoped table headers, the menu and the filters. The browser tests under
tests/browser/test_every_page.py check the same pages drawn at 390 × 844."""

import re

import pytest

from cases.models import DisposalCase, Membership
from tests.worlds.staff import add_document, build_world, case_url, sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture
def world():
    return build_world()


def test_the_case_page_leads_with_next_step_and_deadlines_and_ends_with_the_folded_history(client, world):
    sign_in(client, world.officer_b)
    page = client.get(case_url(world.case_b)).content.decode()
    position = 0
    for marker in (
        'class="col-xl-4 order-xl-2 case-aside"',
        ">Next step<",
        ">Deadlines<",
        ">Timeline<",
        ">Evidence<",
        ">Revitalisation measures<",
        '<details class="card shadow-sm mb-3 history-card">',
    ):
        position = page.index(marker, position)  # each after the one before
    assert "</main>" in page[position:]
    assert "<details open" not in page  # the history stays folded until asked for


def test_list_rows_carry_the_labels_a_phone_card_shows(client, world):
    sign_in(client, world.supervisor_a)
    page = client.get("/cases/").content.decode()
    assert 'class="table table-hover table-sm align-middle mb-0 list-cards" data-list="case-list"' in page
    row = re.search(r'<tr data-status="[a-z]+">(.*?)</tr>', page, re.S).group(1)
    assert (
        'data-col="number" data-label="Number"' in row or 'data-col="number" data-label="Case number"' in row
    )
    assert 'data-col="status" data-label="Status"' in row
    assert 'data-label="Area under disposal (m²)"' in row


def test_english_headers_and_filter_labels_are_in_sentence_case(client, world):
    sign_in(client, world.supervisor_a)
    for path in (
        "/cases/",
        "/parcels/",
        "/enterprises/",
        "/measures/",
        case_url(world.case_b),
        "/deadlines/",
    ):
        page = client.get(path).content.decode()
        headers = [
            re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", page, re.S)
        ]
        labels = re.findall(r'<label class="form-label"[^>]*>([^<]+)</label>', page)
        for text in headers + labels:
            assert not text[:1].islower(), (path, text)


def test_every_table_header_of_the_staff_pages_has_a_scope(client, world):
    document = add_document(case=world.case_a, doc_type="site_inspection")
    sign_in(client, world.supervisor_a)
    paths = [
        "/",
        "/cases/",
        case_url(world.case_a),
        "/parcels/",
        f"/parcels/{world.parcel_a.pk}/",
        "/enterprises/",
        f"/enterprises/{world.enterprise_a.pk}/",
        "/deadlines/",
        "/radar/",
        "/measures/",
        "/partners/",
        "/leads/",
        "/reports/monthly/?year=2022",
        f"/evidence/{document.pk}/",
        "/tokens/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        unscoped = re.findall(r"<th(?=[\s>])(?![^>]*\bscope=)[^>]*>", response.content.decode())
        assert unscoped == [], path


def test_the_radar_has_its_own_menu_entry(client, world):
    sign_in(client, world.officer_a)
    page = client.get("/").content.decode()
    menu = page.split('<ul class="navbar-nav me-auto">', 1)[1].split("</ul>", 1)[0]
    top_level = re.findall(r'<li class="nav-item"><a class="nav-link[^"]*" href="([^"]+)"', menu)
    assert "/radar/" in top_level
    radar = client.get("/radar/").content.decode()
    assert 'class="nav-link active" href="/radar/"' in radar


def test_a_hidden_filter_draws_no_empty_label(client, world):
    sign_in(client, world.supervisor_a)
    page = client.get(f"/cases/?parcel={world.parcel_b.pk}").content.decode()
    assert f'name="parcel" value="{world.parcel_b.pk}"' in page  # the filter still applies
    assert 'for="id_parcel"' not in page
    assert DisposalCase.objects.filter(parcel=world.parcel_b).count() == len(
        re.findall(r"<tr data-status=", page)
    )

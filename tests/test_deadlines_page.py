"""The deadline list (/deadlines/), the deadlines on the dashboard and the case page, and send_reminders."""

import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases.models import Membership
from tests import factories
from tests.worlds.staff import build_world, case_url, sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def today():
    return timezone.localdate()


def days_ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


@pytest.fixture
def desk(world, today):
    """Park A's cases beside the world's: a notice overdue for reply, a decision, and a colleague's case."""
    a = world.park_a
    colleague = factories.make_user(username="officer-a2", park=a, role=R.OFFICER)
    notice_case = factories.make_case(
        park=a, status="investigating", officer=world.officer_a, opened_on=days_ago(today, 90)
    )
    factories.make_event(
        case=notice_case, kind="notice_served", occurred_on=days_ago(today, 40), title="调查通知书送达"
    )
    decision_case = factories.make_case(
        park=a,
        status="implementing",
        officer=colleague,
        opened_on=days_ago(today, 400),
        identified_on=days_ago(today, 300),
        disposal_method="idle_fee",
        decision_on=days_ago(today, 25),
    )
    factories.make_event(
        case=decision_case, kind="decision_issued", occurred_on=days_ago(today, 25), title="闲置费决定书送达"
    )
    factories.make_event(
        case=decision_case,
        kind="meeting",
        occurred_on=days_ago(today, 1),
        due_on=today + timedelta(days=20),
        title="二十天后的期限",
    )
    broken_case = factories.make_case(
        park=a, status="investigating", officer=colleague, opened_on=days_ago(today, 10)
    )
    factories.make_event(
        case=broken_case, kind="notice_served", occurred_on=days_ago(today, 20), title="立案前的通知"
    )
    closed_case = factories.make_case(
        park=a,
        status="withdrawn",
        officer=world.officer_a,
        opened_on=days_ago(today, 200),
    )
    factories.make_event(
        case=closed_case, kind="notice_served", occurred_on=days_ago(today, 100), title="已撤销案件的通知"
    )
    return {
        "colleague": colleague,
        "notice": notice_case,
        "decision": decision_case,
        "broken": broken_case,
        "closed": closed_case,
    }


def rows(response, section: str) -> list[tuple[str, str]]:
    return [(d.case.number, d.rule) for d in response.context[section]]


# The page ---------------------------------------------------------------------------------------


def test_the_page_lists_overdue_and_soon_due_deadlines_with_days_and_officer(client, world, desk, today):
    sign_in(client, world.officer_a)
    response = client.get("/deadlines/")
    assert response.status_code == 200
    overdue = rows(response, "overdue")
    assert (desk["notice"].number, "holder_reply") in overdue
    assert (world.case_a.number, "investigation_start") in overdue
    due_soon = rows(response, "due_soon")
    assert due_soon == [(desk["decision"].number, "compliance")]  # served 25 days ago: 5 days left
    assert "5 days left" in response.text
    assert "10 days overdue" in response.text  # the notice served 40 days ago
    assert case_url(desk["notice"]) in response.text
    assert "officer-a2" in response.text
    assert "二十天后的期限" not in response.text  # due in 20 days: not yet


def test_uncomputable_deadlines_are_listed_with_their_reason(client, world, desk):
    sign_in(client, world.officer_a)
    response = client.get("/deadlines/")
    assert rows(response, "cannot_compute") == [(desk["broken"].number, "holder_reply")]
    assert "before the case was opened" in response.text
    assert 'id="cannot-compute-list"' in response.text


def test_a_closed_case_has_nothing_on_the_page(client, world, desk):
    sign_in(client, world.officer_a)
    response = client.get("/deadlines/")
    assert desk["closed"].number not in response.text
    assert "已撤销案件的通知" not in response.text


def test_another_parks_deadlines_are_never_shown(client, world, desk):
    sign_in(client, world.officer_a)
    for query in ("", f"?park={world.park_b.pk}", f"?officer={world.officer_b.pk}"):
        response = client.get(f"/deadlines/{query}")
        assert response.status_code == 200, query
        assert world.case_b.number not in response.text, query
        assert "乙园通知" not in response.text, query
        found = (
            response.context["overdue"] + response.context["due_soon"] + response.context["cannot_compute"]
        )
        assert {d.case.parcel.park.code for d in found} == {world.park_a.code}, query


def test_a_foreign_park_in_the_filter_is_ignored_and_says_so(client, world, desk):
    sign_in(client, world.officer_a)
    response = client.get(f"/deadlines/?park={world.park_b.pk}")
    assert response.context["filterset"].form.errors
    assert rows(response, "overdue") == rows(client.get("/deadlines/"), "overdue")


def test_the_page_filters_by_officer_and_by_park(client, world, desk):
    sign_in(client, world.supervisor_a)
    mine = client.get(f"/deadlines/?officer={world.officer_a.pk}")
    assert {d.case.officer.username for d in mine.context["overdue"]} == {world.officer_a.username}
    theirs = client.get(f"/deadlines/?officer={desk['colleague'].pk}")
    assert rows(theirs, "due_soon") == [(desk["decision"].number, "compliance")]
    assert rows(theirs, "overdue") == []
    assert {d.case.number for d in theirs.context["cannot_compute"]} == {desk["broken"].number}
    park = client.get(f"/deadlines/?park={world.park_a.pk}")
    assert rows(park, "overdue") == rows(client.get("/deadlines/"), "overdue")


def test_a_superuser_filters_by_any_park(client, world, desk):
    admin = factories.make_user(username="root", is_superuser=True, is_staff=True)
    sign_in(client, admin)
    response = client.get(f"/deadlines/?park={world.park_b.pk}")
    assert {d.case.number for d in response.context["overdue"]} == {world.case_b.number}
    assert response.context["show_park"]


@pytest.mark.parametrize(
    "query",
    [
        "park=abc",
        "officer=abc",
        "park=1.5",
        "officer=-1",
        "park=99999999999999999999999",
        "park=%EF%BC%91",  # a full-width digit
        "park=&officer=",
        "park=1&park=2",
        "page=x&sort=../../",
    ],
)
def test_malformed_filters_give_the_page_not_an_error(client, world, desk, query):
    # A control character (officer=%00) is refused before the page: tests/test_hostile_input.py.
    sign_in(client, world.officer_a)
    response = client.get(f"/deadlines/?{query}")
    assert response.status_code == 200
    assert world.case_b.number not in response.text


def test_a_visitor_must_sign_in_first(client, world):
    response = client.get("/deadlines/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_navigation_links_to_the_deadlines(client, world):
    sign_in(client, world.viewer_a)
    assert 'href="/deadlines/"' in client.get("/").text


def test_the_page_reads_in_chinese(client, world, desk):
    sign_in(client, world.officer_a, language="zh-hans")
    response = client.get("/deadlines/")
    assert response.status_code == 200
    assert "已逾期" in response.text


def page_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


@pytest.mark.parametrize("path", ["/deadlines/", "/deadlines/?officer=1", "/deadlines/?park=1", "/"])
def test_the_page_makes_as_many_queries_for_50_cases_as_for_1(client, path, today):
    park = factories.make_park(code="QD")
    me = factories.make_user(park=park, role=R.SUPERVISOR)

    def add(index: int) -> None:
        officer = factories.make_user(park=park, role=R.OFFICER)
        case = factories.make_case(
            park=park,
            status="implementing",
            opened_on=days_ago(today, 400),
            identified_on=days_ago(today, 300),
            disposal_method="extend_deadline",
            decision_on=days_ago(today, 200),
            officer=officer,
        )
        factories.make_event(case=case, kind="notice_served", occurred_on=days_ago(today, 250))
        factories.make_event(case=case, kind="enterprise_reply", occurred_on=days_ago(today, 240))
        factories.make_event(case=case, kind="decision_issued", occurred_on=days_ago(today, 200 - index % 3))
        factories.make_event(
            case=case,
            kind="meeting",
            occurred_on=days_ago(today, 3),
            due_on=today + timedelta(days=index % 20),
        )
        factories.make_event(case=case, kind="notice_served", occurred_on=today + timedelta(days=1))

    add(0)
    sign_in(client, me)
    page_queries(client, path)
    one = page_queries(client, path)
    for index in range(1, 50):
        add(index)
    assert page_queries(client, path) == one


# The dashboard and the case page ------------------------------------------------------------------


def test_the_dashboard_lists_computed_overdue_and_soon_due_deadlines(client, world, desk):
    sign_in(client, world.viewer_a)
    response = client.get("/")
    assert (desk["notice"].number, "holder_reply") in rows(response, "overdue")
    assert rows(response, "due_soon") == [(desk["decision"].number, "compliance")]
    assert world.case_b.number not in response.text
    assert 'href="/deadlines/"' in response.text


def test_the_case_page_shows_each_computed_deadline(client, world, desk):
    sign_in(client, world.officer_a)
    response = client.get(case_url(desk["decision"]))
    by_rule = {d.rule: d for d in response.context["deadlines"]}
    assert set(by_rule) >= {"compliance", "review_window", "lawsuit_window", "enforcement", "recorded"}
    assert by_rule["compliance"].state == "open"
    text = response.text
    assert "payment or return of the land certificate" in text
    assert "administrative lawsuit window" in text
    assert "5 days left" in text
    assert "No reminder to comply is recorded yet" in text
    # Only the recorded deadline can be marked as met by hand.
    recorded = by_rule["recorded"].source
    assert text.count("/met/") == 1
    assert f"/events/{recorded.pk}/met/" in text


def test_the_case_page_explains_a_deadline_that_cannot_be_computed(client, world, desk):
    sign_in(client, world.officer_a)
    response = client.get(case_url(desk["broken"]))
    assert "Cannot compute" in response.text
    assert "立案前的通知" in response.text
    assert "before the case was opened" in response.text


def test_a_closed_case_shows_its_deadlines_as_no_longer_running(client, world, desk):
    sign_in(client, world.officer_a)
    response = client.get(case_url(desk["closed"]))
    assert {d.state for d in response.context["deadlines"]} == {"met"}
    assert "The case is closed." in response.text
    assert "overdue" not in response.text.split("Deadlines")[-1]


def test_marking_a_recorded_deadline_as_met_takes_it_off_the_list(client, world, today):
    case = world.case_a
    event = factories.make_event(case=case, occurred_on=days_ago(today, 5), due_on=today + timedelta(days=2))
    sign_in(client, world.officer_a)
    assert (case.number, "recorded") in rows(client.get("/deadlines/"), "due_soon")
    response = client.post(f"{case_url(case)}events/{event.pk}/met/")
    assert response.status_code == 302
    assert (case.number, "recorded") not in rows(client.get("/deadlines/"), "due_soon")


# send_reminders -----------------------------------------------------------------------------------


def in_chinese(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_each_officer_gets_one_digest_of_their_own_deadlines(world, desk, settings):
    settings.PARKLAND_BASE_URL = "https://parkland.example.org"
    for user, address in ((world.officer_a, "a@example.org"), (world.officer_b, "b@example.org")):
        user.email = address
        user.save()
    output = run()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"a@example.org", "b@example.org"}
    assert len(mail.outbox) == 2
    mine = by_recipient["a@example.org"].body
    assert world.case_a.number in mine
    assert desk["notice"].number in mine
    assert f"https://parkland.example.org/cases/{desk['notice'].number}/" in mine
    for other in (world.case_b, desk["decision"], desk["broken"], desk["closed"]):
        assert other.number not in mine
    theirs = by_recipient["b@example.org"].body
    assert world.case_b.number in theirs
    assert world.case_a.number not in theirs
    assert "已逾期" in mine  # the settings' language
    assert "officer-a2" in output
    # Said in the settings' language, as the digests are.
    assert in_chinese("no e-mail address") in output
    assert (
        in_chinese("%(sent)s digest(s) sent, %(skipped)s officer(s) skipped.") % {"sent": 2, "skipped": 1}
        in output
    )


def test_the_days_option_widens_or_narrows_the_digest(world, desk):
    colleague = desk["colleague"]
    colleague.email = "a2@example.org"
    colleague.save()
    run("--days", "3")
    assert mail.outbox == []  # the colleague's compliance deadline is 5 days off
    run("--days", "30")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert desk["decision"].number in body
    assert "二十天后的期限" in body


def test_a_dry_run_sends_nothing_and_shows_the_digests(world, desk):
    world.officer_a.email = "a@example.org"
    world.officer_a.save()
    output = run("--dry-run")
    assert mail.outbox == []
    assert in_chinese("would send  %(who)s <%(email)s>: %(count)s deadline(s)").split("%")[0] in output
    assert desk["notice"].number in output

"""Grant commitments: 开竣工预警 at the configured days, breaches with their gaps, the 达产 review of the
year, the page, a breach opening a lead case, and the warnings sent by send_reminders."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import DisposalCase, Membership
from evaluation.commitments import checks, date_warning
from evaluation.models import GrantCommitment, YearFigures
from jobs import tasks
from jobs.models import Job, JobState, ReminderLog, ReminderOptOut
from tests import factories
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db
R = Membership.Role
TODAY = date(2026, 11, 30)
MU = Decimal(10000) / 15


@pytest.mark.parametrize(
    ("days_to", "level", "threshold"),
    [
        (61, None, None),
        (60, "before", 60),
        (31, "before", 60),
        (30, "before", 30),
        (0, "before", 30),
        (-1, "overdue", 0),
        (-400, "overdue", 0),
    ],
)
def test_an_agreed_date_warns_60_and_30_days_before_and_from_the_day_after(days_to, level, threshold):
    warning = date_warning("start", TODAY + timedelta(days=days_to), None, TODAY)
    assert (warning.level, warning.threshold) == (level, threshold) if level else warning is None


def test_a_date_reached_warns_no_more():
    assert date_warning("start", TODAY - timedelta(days=5), TODAY - timedelta(days=9), TODAY) is None


def test_the_warning_days_come_from_the_settings(settings):
    settings.PARKLAND_COMMITMENT_WARN_BEFORE_DAYS = [90]
    settings.PARKLAND_COMMITMENT_WARN_AFTER_DAYS = [30]
    assert date_warning("start", TODAY + timedelta(days=80), None, TODAY).threshold == 90
    assert date_warning("start", TODAY - timedelta(days=10), None, TODAY) is None
    assert date_warning("start", TODAY - timedelta(days=31), None, TODAY).level == "overdue"


@pytest.fixture
def park():
    return factories.make_park(code="CM")


def committed_parcel(park, **fields):
    enterprise = factories.make_enterprise(park=park, credit_code=factories.credit_code())
    parcel = factories.make_parcel(
        park=park,
        enterprise=enterprise,
        area_m2=str((MU * 10).quantize(Decimal("0.01"))),
        agreed_start_on=date(2022, 1, 1),
        actual_start_on=date(2021, 12, 1),
        agreed_completion_on=date(2024, 1, 1),
        invested_wan=Decimal(2000),
    )
    values = {
        "investment_per_mu_wan": Decimal(250),
        "tax_per_mu_wan": Decimal(20),
        "production_on": date(2025, 6, 30),
        "actual_completion_on": date(2023, 12, 1),
        **fields,
    }
    commitment = GrantCommitment.objects.create(parcel=parcel, **values)
    YearFigures.objects.create(enterprise=enterprise, parcel=parcel, year=2025, tax_wan=Decimal(150))
    return commitment


def test_a_figure_below_the_commitment_after_full_production_is_a_breach_with_its_gap(park):
    committed_parcel(park)
    check = checks(GrantCommitment.objects.all(), TODAY)[0]
    # investment intensity (2,000 万元 on 10 亩), then tax per 亩 (150 万元 on 10 亩); no output committed
    assert [(g.committed, g.actual, g.gap) for g in check.gaps] == [
        (Decimal(250), Decimal("200.00"), Decimal("-50.00")),
        (Decimal(20), Decimal("15.00"), Decimal("-5.00")),
    ]
    assert len(check.breaches) == 2 and check.figures_year == 2025


def test_an_overdue_completion_is_a_breach_and_a_warning(park):
    commitment = committed_parcel(park, production_on=date(2027, 6, 30))
    commitment.actual_completion_on = None
    commitment.save()
    check = checks(GrantCommitment.objects.all(), TODAY)[0]
    assert [w.level for w in check.warnings] == ["overdue"]
    assert check.gaps == [] and len(check.breaches) == 1


def test_checking_commitments_takes_the_same_queries_for_one_or_many(park, django_assert_max_num_queries):
    committed_parcel(park)
    with django_assert_max_num_queries(2):
        checks(GrantCommitment.objects.all(), TODAY)
    for _ in range(5):
        committed_parcel(park)
    with django_assert_max_num_queries(2):
        checks(GrantCommitment.objects.all(), TODAY)


def test_the_page_lists_breaches_and_a_breach_opens_a_lead_case_with_its_pdf(park):
    commitment = committed_parcel(park)
    officer = factories.make_user(park=park, role=R.OFFICER)
    client = sign_in(Client(), officer)
    page = client.get("/commitments/").content.decode()
    assert commitment.parcel.code in page and "-50.00" in page
    response = client.post(f"/commitments/{commitment.parcel_id}/open-case/")
    case = DisposalCase.objects.get(parcel=commitment.parcel)
    assert response["Location"] == case.get_absolute_url()
    assert case.documents.get().content_type == "application/pdf"


def test_another_parks_commitment_is_not_found(park):
    commitment = committed_parcel(park)
    stranger = factories.make_user(park=factories.make_park(code="ZZ"), role=R.PARK_ADMIN)
    client = sign_in(Client(), stranger)
    assert commitment.parcel.code not in client.get("/commitments/").content.decode()
    assert client.post(f"/commitments/{commitment.parcel_id}/open-case/").status_code == 404
    assert not DisposalCase.objects.exists()


def test_a_viewer_cannot_open_a_case_from_a_breach(park):
    commitment = committed_parcel(park)
    viewer = factories.make_user(park=park, role=R.VIEWER)
    assert (
        sign_in(Client(), viewer).post(f"/commitments/{commitment.parcel_id}/open-case/").status_code == 403
    )


def test_send_reminders_mails_the_parks_supervisors_the_commitments_that_warn(park):
    committed_parcel(park)
    factories.make_user(park=park, role=R.SUPERVISOR, email="sup@example.org")
    factories.make_user(park=park, role=R.OFFICER, email="officer@example.org")
    call_command("send_reminders", stdout=StringIO())
    sent = [m for m in mail.outbox if "CM" in m.subject]
    assert len(sent) == 1 and sent[0].to == ["sup@example.org"]
    assert "/commitments/" in sent[0].body


def test_commitment_warnings_are_sent_once_a_day_and_logged_per_reader(park):
    commitment = committed_parcel(park)
    sup = factories.make_user(park=park, role=R.SUPERVISOR, email="sup@example.org")
    admin = factories.make_user(park=park, role=R.PARK_ADMIN, email="admin@example.org")
    call_command("send_reminders", stdout=StringIO())
    assert sorted(m.to[0] for m in mail.outbox if "CM" in m.subject) == [
        "admin@example.org",
        "sup@example.org",
    ]
    logged = ReminderLog.objects.filter(kind="commitment")
    assert sorted(logged.values_list("officer_id", flat=True)) == sorted([sup.pk, admin.pk])
    assert {row.subject for row in logged} == {f"CM:{commitment.parcel.code}:{commitment.pk}"}
    out = StringIO()
    call_command("send_reminders", stdout=out)  # the same day: nothing sent twice
    assert len([m for m in mail.outbox if "CM" in m.subject]) == 2
    assert "already reminded today" in out.getvalue() or "今天已提醒" in out.getvalue()
    # A second commitment the same day is new: only it is sent.
    other = committed_parcel(park)
    call_command("send_reminders", stdout=StringIO())
    latest = [m for m in mail.outbox if "CM" in m.subject][2:]
    assert len(latest) == 2 and all(other.parcel.code in m.body for m in latest)
    assert all(commitment.parcel.code not in m.body for m in latest)


def test_a_reader_who_opted_out_of_commitments_receives_none(park):
    committed_parcel(park)
    sup = factories.make_user(park=park, role=R.SUPERVISOR, email="sup@example.org")
    factories.make_user(park=park, role=R.PARK_ADMIN, email="admin@example.org")
    client = sign_in(Client(), sup)
    assert "commitment" in client.get("/reminders/").content.decode()
    assert client.post("/reminders/", {"kind": ["overdue", "due_soon"]}).status_code == 302
    assert list(ReminderOptOut.objects.filter(user=sup).values_list("kind", flat=True)) == ["commitment"]
    call_command("send_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox if "CM" in m.subject] == [["admin@example.org"]]
    assert not ReminderLog.objects.filter(officer=sup).exists()


def test_the_weekday_reminders_job_sends_the_commitment_warnings(park, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    committed_parcel(park)
    factories.make_user(park=park, role=R.SUPERVISOR, email="sup@example.org")
    today = timezone.localdate().isoformat()
    job = Job.objects.get(pk=tasks.weekday_reminders(today))
    assert job.state == JobState.SUCCEEDED
    assert [m.to for m in mail.outbox if "CM" in m.subject] == [["sup@example.org"]]
    assert ReminderLog.objects.filter(kind="commitment").count() == 1
    call_command("send_reminders", stdout=StringIO())  # the command by hand the same day
    assert len([m for m in mail.outbox if "CM" in m.subject]) == 1


def parcel_page_queries(client, parcel) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(parcel.get_absolute_url())
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_parcel_page_shows_its_commitment_with_the_gaps_and_its_trend_in_constant_queries(park):
    commitment = committed_parcel(park)
    parcel = commitment.parcel
    client = sign_in(Client(), factories.make_user(park=park, role=R.VIEWER))
    few, page = parcel_page_queries(client, parcel)
    assert "parcel-per-mu" in page and "2022-01-01" in page and "2023-12-01" in page and "2025-06-30" in page
    # investment intensity 250 committed, 200 achieved; tax per 亩 20 committed, 15 in 2025
    assert "250.00 → 200.00" in page and "-50.00" in page and "20.00 → 15.00" in page and "-5.00" in page
    assert page.count('class="eval-trend"') == 1 and "<title>2025: 15.00</title>" in page  # no output yet
    for year in (2021, 2022, 2023, 2024):
        YearFigures.objects.create(
            enterprise=parcel.enterprise,
            parcel=parcel,
            year=year,
            tax_wan=Decimal(100),
            output_wan=Decimal(900),
        )
        tenant = factories.make_enterprise(park=park, credit_code=factories.credit_code())
        YearFigures.objects.create(enterprise=tenant, parcel=parcel, year=year, tax_wan=Decimal(50))
    many, page = parcel_page_queries(client, parcel)
    assert many == few
    assert (
        page.count('class="eval-trend"') == 2
        and "<title>2024: 15.00</title>" in page
        and "<title>2021: 90.00</title>" in page
    )  # 900 万元 on 10 亩


def test_a_commitment_not_yet_due_shows_its_shortfall_without_a_breach(park):
    commitment = committed_parcel(park, production_on=date(2099, 6, 30))
    page = sign_in(Client(), factories.make_user(park=park, role=R.VIEWER)).get(
        commitment.parcel.get_absolute_url()
    )
    text = page.content.decode()
    assert "20.00 → 15.00" in text and "2099-06-30" in text
    assert 'class="small text-danger"' not in text  # no breach listed
    assert "not yet a breach" in text or "尚不构成违约" in text


def test_a_parcel_without_commitment_or_figures_shows_no_panel(park):
    parcel = factories.make_parcel(park=park)
    page = sign_in(Client(), factories.make_user(park=park, role=R.VIEWER)).get(parcel.get_absolute_url())
    assert page.status_code == 200 and "parcel-per-mu" not in page.content.decode()

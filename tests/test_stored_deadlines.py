"""The stored deadlines (CaseDeadline): kept by every write, equal to a full rebuild and to what
`case_deadlines` computes directly, refused by the database where one row cannot hold, and read by
the dashboard, /deadlines/ and send_reminders in SQL."""

import io
import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.deadlines import RULES, agenda_heads, case_deadlines, periods, shown, stored_agenda
from cases.deadlines.stored import rebuild, refresh_stale
from cases.exceptions import TransitionError
from cases.models import (
    METHODS_BY_CATEGORY,
    TRANSITIONS,
    CaseDeadline,
    CaseEvent,
    DisposalCase,
    Membership,
    TransitionKind,
)
from cases.models.deadlines import RULE_CODES
from tests import factories
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role
KINDS = [
    "site_inspection",
    "notice_served",
    "enterprise_reply",
    "hearing_notice_served",
    "hearing",
    "decision_issued",
    "payment",
    "land_recovered",
    "review_filed",
    "lawsuit_filed",
    "reminder_served",
    "enforcement_applied",
    "meeting",
]


@pytest.fixture
def today():
    return timezone.localdate()


def as_tuple(deadline) -> tuple:
    """Everything a deadline shows, its texts in English and in Chinese."""
    texts = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            texts += [
                str(deadline.label),
                str(deadline.cannot_compute),
                str(deadline.closed),
                str(deadline.hint),
            ]
    source = deadline.source.pk if deadline.source else None
    return (
        deadline.rule,
        source,
        deadline.start,
        deadline.due,
        deadline.met_on,
        deadline.earliest,
        deadline.window,
        deadline.state,
        deadline.days_left,
        deadline.is_pending,
        *texts,
    )


def direct(today: date) -> dict[int, list[tuple]]:
    """Every open case's deadlines as case_deadlines computes them now."""
    clocks = periods()
    found = {}
    for case in DisposalCase.objects.open().select_related("parcel").order_by("pk"):
        events = case.events.order_by("occurred_on", "created_at", "pk")
        found[case.pk] = [as_tuple(d) for d in case_deadlines(case, events, today=today, clocks=clocks)]
    return found


def stored(today: date) -> dict[int, list[tuple]]:
    """The stored rows, read back as the pages read them."""
    found: dict[int, list[tuple]] = {}
    rows = CaseDeadline.objects.select_related("case__parcel", "source").order_by("case_id", "pk")
    for row in rows:
        found.setdefault(row.case_id, []).append(as_tuple(row.as_deadline(today)))
    return found


# A randomised world --------------------------------------------------------------------------------


class Mutator:
    """Random writes through the application's own paths: events added, edited and deleted, steps
    forward and back, withdrawals and reopenings, decisions, parcels' start dates."""

    def __init__(self, rng: random.Random, today: date, cases: list[DisposalCase], admins: dict):
        self.rng, self.today, self.cases, self.admins = rng, today, cases, admins

    def day(self, case, spread: int = 5) -> date:
        """A day of the case's life, a few before its opening or after today now and then."""
        span = (self.today - case.opened_on).days
        return case.opened_on + timedelta(days=self.rng.randint(-spread, span + spread))

    def add_event(self, case) -> None:
        occurred = self.day(case)
        due = occurred + timedelta(days=self.rng.randint(0, 90)) if self.rng.random() < 0.3 else None
        met = due and self.rng.random() < 0.4 and occurred + timedelta(days=self.rng.randint(0, 60))
        factories.make_event(
            case=case,
            kind=self.rng.choice(KINDS),
            occurred_on=occurred,
            due_on=due,
            due_met_on=met or None,
            title=f"事件{self.rng.randint(1, 999)}",
        )

    def step(self, case) -> None:
        case.refresh_from_db()
        steps = case.transitions_from_here()
        if not steps:
            return
        weights = [{TransitionKind.FORWARD: 8, TransitionKind.BACK: 3}.get(t.kind, 1) for t in steps]
        target = self.rng.choices(steps, weights)[0].target
        try:
            case.transition_to(
                target, by=self.admins[case.parcel.park_id], reason="随机", override_reason="随机"
            )
        except (TransitionError, ValidationError):
            case.refresh_from_db()

    def decide(self, case) -> None:
        case.refresh_from_db()
        if case.identified_on is None:
            return
        methods = METHODS_BY_CATEGORY[case.category]
        case.disposal_method = self.rng.choice(
            [m for m in methods if m in ("extend_deadline", "temporary_use")] or list(methods)
        )
        case.decision_on = case.identified_on + timedelta(days=self.rng.randint(0, 120))
        self._save(case)

    def parcel_start(self, case) -> None:
        parcel = case.parcel
        parcel.refresh_from_db()
        parcel.actual_start_on = self.day(case, spread=30) if self.rng.random() < 0.7 else None
        self._save(parcel)

    def edit_event(self, case) -> None:
        event = case.events.exclude(kind="status_change").order_by("?").first()
        if event is not None:
            event.occurred_on = self.day(case)
            event.due_on = event.occurred_on + timedelta(days=self.rng.randint(0, 40))
            event.due_met_on = event.due_on if self.rng.random() < 0.5 else None
            self._save(event)

    def delete_event(self, case) -> None:
        event = case.events.exclude(kind="status_change").order_by("?").first()
        if event is not None:
            event.delete()

    def delete_meetings(self, case) -> None:
        CaseEvent.objects.filter(case=case, kind="meeting").delete()

    def _save(self, obj) -> None:
        try:
            with transaction.atomic():
                obj.save()
        except (IntegrityError, ValidationError):
            obj.refresh_from_db()

    def run(self, count: int) -> None:
        moves = [
            (self.add_event, 5),
            (self.step, 5),
            (self.decide, 3),
            (self.parcel_start, 1),
            (self.edit_event, 2),
            (self.delete_event, 1),
            (self.delete_meetings, 1),
        ]
        functions, weights = zip(*moves, strict=True)
        for _ in range(count):
            move = self.rng.choices(functions, weights)[0]
            move(self.rng.choice(self.cases))


def random_world(seed: int, today: date) -> Mutator:
    rng = random.Random(seed)
    parks = [factories.make_park(code="RA"), factories.make_park(code="RB")]
    admins = {park.pk: factories.make_user(park=park, role=R.PARK_ADMIN) for park in parks}
    cases = []
    for _ in range(16):
        park = rng.choice(parks)
        cases.append(
            factories.make_case(
                park=park,
                category=rng.choice(["idle", "inefficient"]),
                opened_on=today - timedelta(days=rng.randint(60, 700)),
            )
        )
    return Mutator(rng, today, cases, admins)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_rows_equal_a_rebuild_and_the_rules_through_random_writes(seed, today, settings):
    world = random_world(seed, today)
    world.run(220)
    kept = stored(today)
    assert kept == direct(today)
    assert sum(len(rows) for rows in kept.values()) > 40
    assert CaseDeadline.objects.exclude(reason="").exists()
    back_steps = [(t.source, t.target) for t in TRANSITIONS if t.kind == TransitionKind.BACK]
    steps = set(CaseEvent.objects.filter(kind="status_change").values_list("from_status", "to_status"))
    assert steps & set(back_steps)
    rules = set(CaseDeadline.objects.values_list("rule", flat=True))
    assert {"investigation_start", "holder_reply", "compliance", "enforcement", "recorded"} <= rules
    assert rules & {"extension", "temporary_use"}

    rebuild()
    assert stored(today) == kept

    # Other periods in force: every row is computed again before the next read, then kept again.
    settings.PARKLAND_DEADLINE_PERIODS = {"holder_reply_days": "15", "compliance_days": "20"}
    assert refresh_stale(today) > 0
    assert stored(today) == direct(today) != kept
    world.run(80)
    kept = stored(today)
    assert kept == direct(today)
    rebuild()
    assert stored(today) == kept


def test_only_open_cases_have_rows_and_closing_or_reopening_follows(today):
    park = factories.make_park()
    admin = factories.make_user(park=park, role=R.PARK_ADMIN)
    case = factories.make_case(park=park, status="investigating", opened_on=today - timedelta(days=90))
    factories.make_event(case=case, kind="notice_served", occurred_on=today - timedelta(days=40))
    assert set(case.stored_deadlines.values_list("rule", flat=True)) == {
        "investigation_start",
        "holder_reply",
    }

    case.transition_to("withdrawn", by=admin, reason="撤回")
    assert not case.stored_deadlines.exists()
    case.transition_to("investigating", by=admin, reason="重新立案")
    assert stored(today) == direct(today)
    assert case.stored_deadlines.filter(rule="holder_reply").exists()


def test_a_write_rolled_back_leaves_the_rows_as_they_were(today):
    case = factories.make_case(status="investigating", opened_on=today - timedelta(days=90))
    before = stored(today)
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.make_event(case=case, kind="notice_served", occurred_on=today - timedelta(days=40))
        assert case.stored_deadlines.filter(rule="holder_reply").exists()
        raise RuntimeError
    assert stored(today) == before


def test_deleting_an_event_or_a_whole_case(today):
    case = factories.make_case(status="investigating", opened_on=today - timedelta(days=90))
    notice = factories.make_event(case=case, kind="notice_served", occurred_on=today - timedelta(days=40))
    factories.make_event(case=case, kind="enterprise_reply", occurred_on=today - timedelta(days=30))
    assert case.stored_deadlines.filter(rule="holder_reply", met_on__isnull=False).exists()
    notice.delete()
    assert not case.stored_deadlines.filter(rule="holder_reply").exists()
    assert stored(today) == direct(today)

    case.delete()
    assert not CaseDeadline.objects.exists()


def test_the_parcels_actual_start_meets_the_extension(today):
    case = factories.make_case(
        status="implementing",
        opened_on=today - timedelta(days=400),
        identified_on=today - timedelta(days=300),
        disposal_method="extend_deadline",
        decision_on=today - timedelta(days=200),
    )
    extension = case.stored_deadlines.get(rule="extension")
    assert extension.met_on is None
    case.parcel.actual_start_on = today - timedelta(days=10)
    case.parcel.save()
    assert case.stored_deadlines.get(rule="extension").met_on == today - timedelta(days=10)


def test_a_row_computed_before_its_date_came_is_computed_again_when_it_comes(today):
    case = factories.make_case(status="investigating", opened_on=today - timedelta(days=90))
    # Written behind the validators' back, as old data may be: an event dated next week.
    factories.make_event(case=case, kind="notice_served", occurred_on=today + timedelta(days=7))
    row = case.stored_deadlines.get(rule="holder_reply")
    assert row.reason and row.valid_until == today + timedelta(days=7)
    assert refresh_stale(today) == 0

    later = today + timedelta(days=7)
    assert refresh_stale(later) > 0
    row = case.stored_deadlines.get(rule="holder_reply")
    assert row.reason == "" and row.due == later + timedelta(days=30) and row.valid_until is None
    assert stored(later) == direct(later)


def test_a_reason_is_stored_as_its_message_and_shown_in_the_readers_language(today):
    case = factories.make_case(status="investigating", opened_on=today - timedelta(days=10))
    factories.make_event(
        case=case, kind="notice_served", occurred_on=today - timedelta(days=20), title="早到的通知"
    )
    row = case.stored_deadlines.get(rule="holder_reply")
    assert row.reason.startswith("The event “%(title)s” is dated %(date)s, before the case was opened")
    assert row.params["reason"] == {
        "title": "早到的通知",
        "date": (today - timedelta(days=20)).isoformat(),
        "opened": case.opened_on.isoformat(),
    }
    deadline = row.as_deadline(today)
    with translation.override("zh-hans"):
        chinese = str(deadline.cannot_compute)
    with translation.override("en"):
        english = str(deadline.cannot_compute)
    assert "早到的通知" in chinese and "早到的通知" in english and chinese != english


def test_the_rule_codes_follow_the_rules():
    assert tuple(rule.code for rule in RULES) == RULE_CODES


@pytest.mark.parametrize(
    "fields",
    [
        {"rule": "compliance", "rule_order": 3, "due": date(2024, 1, 1), "window": True},
        {"rule": "compliance", "rule_order": 4, "due": date(2024, 1, 1)},
        {"rule": "deadline_of_nothing", "rule_order": 3, "due": date(2024, 1, 1)},
        {"rule": "compliance", "rule_order": 3, "due": None},
        {"rule": "compliance", "rule_order": 3, "start": date(2024, 2, 1), "due": date(2024, 1, 1)},
        {"rule": "compliance", "rule_order": 3, "due": None, "reason": "x", "earliest": date(2024, 1, 1)},
    ],
)
def test_the_database_refuses_a_row_that_cannot_hold(fields):
    case = factories.make_case(status="investigating", opened_on=date(2023, 1, 1))
    of_the_case = {"case": case, "park": case.parcel.park, "case_number": case.number, "clocks": "x"}
    CaseDeadline.objects.filter(case=case).delete()
    CaseDeadline.objects.create(**of_the_case, rule="compliance", rule_order=3, due=date(2024, 1, 1))
    CaseDeadline.objects.filter(case=case).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseDeadline.objects.create(**of_the_case, **fields)


def test_one_row_per_rule_and_event():
    case = factories.make_case(status="investigating", opened_on=date(2023, 1, 1))
    event = factories.make_event(case=case, kind="meeting", occurred_on=date(2023, 2, 1))
    CaseDeadline.objects.filter(case=case).delete()
    of_the_case = {"case": case, "park": case.parcel.park, "case_number": case.number, "clocks": "x"}
    for rule, order, source in (("extension", 7, None), ("holder_reply", 1, event)):
        fields = {**of_the_case, "rule": rule, "rule_order": order, "source": source}
        CaseDeadline.objects.create(**fields, due=date(2024, 1, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            CaseDeadline.objects.create(**fields, due=date(2024, 2, 1))


# The commands ------------------------------------------------------------------------------------


def test_rebuild_deadlines_rebuilds_everything_or_one_park(today):
    one = factories.make_case(park=factories.make_park(code="PA"), status="lead", opened_on=today)
    two = factories.make_case(park=factories.make_park(code="PB"), status="lead", opened_on=today)
    CaseDeadline.objects.all().delete()

    out = io.StringIO()
    call_command("rebuild_deadlines", "--park", "PA", stdout=out)
    assert set(CaseDeadline.objects.values_list("case", flat=True)) == {one.pk}
    assert "1" in out.getvalue()
    call_command("rebuild_deadlines", stdout=io.StringIO())
    assert set(CaseDeadline.objects.values_list("case", flat=True)) == {one.pk, two.pk}
    assert stored(today) == direct(today)
    with pytest.raises(CommandError):
        call_command("rebuild_deadlines", "--park", "NOPE", stdout=io.StringIO())


def test_the_ledger_import_stores_the_deadlines_of_what_it_writes(today):
    from cases.ledger.importing import import_ledger
    from tests.worlds.ledger import case_row, xlsx

    park = factories.make_park(code="HZ", name="海洲工业园")
    admin = factories.make_user(username="hz-admin", park=park, role=R.PARK_ADMIN)
    factories.make_user(username="hz-officer", park=park, role=R.OFFICER)
    report = import_ledger(xlsx([case_row(1), case_row(2)]), file_name="台账.xlsx", user=admin)
    assert report.ok, report.errors
    assert set(CaseDeadline.objects.values_list("case", flat=True)) == set(
        DisposalCase.objects.values_list("pk", flat=True)
    )
    assert CaseDeadline.objects.count() == 2
    assert stored(today) == direct(today)

    # A file that changes a case's dates (bulk_update: no signal) moves its clocks too.
    number = DisposalCase.objects.get(parcel__code="HZ-001").number
    changed = case_row(1, case_number=number, opened_on="2022-01-05")
    report = import_ledger(xlsx([changed]), file_name="台账2.xlsx", user=admin)
    assert report.ok, [(row.outcome, row.problems) for row in report.rows]
    assert CaseDeadline.objects.filter(start=date(2022, 1, 5)).count() == 1
    assert stored(today) == direct(today)


# The pages ----------------------------------------------------------------------------------------


def overdue_cases(park, officer, count: int, today: date) -> None:
    for index in range(count):
        case = factories.make_case(
            park=park, status="investigating", officer=officer, opened_on=today - timedelta(days=200)
        )
        factories.make_event(case=case, kind="notice_served", occurred_on=today - timedelta(days=60 + index))


def page(client, path: str):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return response, len(context.captured_queries)


def test_the_deadline_list_pages_each_list_in_sql_with_as_many_queries_on_any_page(client, today):
    park = factories.make_park(code="PG")
    officer = factories.make_user(park=park, role=R.OFFICER)
    overdue_cases(park, officer, 2, today)
    sign_in(client, officer)
    _few, few_queries = page(client, "/deadlines/")

    overdue_cases(park, officer, 61, today)
    first, first_queries = page(client, "/deadlines/")
    assert len(first.context["overdue"]) == 50
    assert first.context["sections"]["overdue"].page.paginator.count == 63
    assert "1–50 of 63" in first.text and "overdue_page=2" in first.text
    second, second_queries = page(client, "/deadlines/?overdue_page=2")
    assert len(second.context["overdue"]) == 13
    assert first_queries == second_queries == few_queries
    shown = [d.due for d in first.context["overdue"] + second.context["overdue"]]
    assert shown == sorted(shown)
    # The holder-reply clocks run out oldest first: the oldest notice heads the list.
    assert first.context["overdue"][0].due == today - timedelta(days=60 + 60) + timedelta(days=30)


def test_the_dashboard_shows_twenty_of_each_with_as_many_queries_as_for_one(client, today):
    park = factories.make_park(code="PD")
    officer = factories.make_user(park=park, role=R.OFFICER)
    overdue_cases(park, officer, 1, today)
    sign_in(client, officer)
    one, one_queries = page(client, "/")
    assert len(one.context["overdue"]) == 1

    overdue_cases(park, officer, 30, today)
    many, many_queries = page(client, "/")
    assert len(many.context["overdue"]) == 20
    assert many_queries == one_queries
    dues = [d.due for d in many.context["overdue"]]
    assert dues == sorted(dues) and dues[0] == today - timedelta(days=60 + 29) + timedelta(days=30)


@pytest.mark.parametrize("limit", [1, 20])
def test_the_dashboards_heads_of_the_lists_are_the_lists_first_rows_once_a_stale_row_is_caught_up(
    today, limit
):
    park = factories.make_park(code="PH")
    officer = factories.make_user(park=park, role=R.OFFICER)
    overdue_cases(park, officer, 3, today)
    late = factories.make_case(park=park, status="investigating", opened_on=today - timedelta(days=90))
    # Written behind the validators' back, as old data may be: an event dated next week.
    factories.make_event(case=late, kind="notice_served", occurred_on=today + timedelta(days=7))
    later = today + timedelta(days=7)

    heads = agenda_heads(CaseDeadline.objects.all(), today=later, days=30, limit=limit)

    caught_up = late.stored_deadlines.get(rule="holder_reply")
    assert caught_up.reason == "" and caught_up.due == later + timedelta(days=30)
    lists = stored_agenda(CaseDeadline.objects.all(), today=later, days=30)
    assert heads.overdue == list(lists.overdue[:limit]) and len(heads.overdue) == min(limit, 3)
    assert heads.due_soon == list(lists.due_soon[:limit]) == [caught_up]


def test_the_pages_show_only_the_users_parks(client, today):
    mine, theirs = factories.make_park(code="PM"), factories.make_park(code="PT")
    officer = factories.make_user(park=mine, role=R.OFFICER)
    overdue_cases(mine, officer, 1, today)
    overdue_cases(theirs, None, 3, today)
    sign_in(client, officer)
    for path in ("/", "/deadlines/"):
        response = client.get(path)
        assert {d.case.parcel.park.code for d in response.context["overdue"]} == {mine.code}


def test_send_reminders_reads_the_stored_deadlines_in_as_many_queries_for_many_officers(today):
    park = factories.make_park(code="PR")

    def officers(count: int) -> None:
        for index in range(count):
            officer = factories.make_user(park=park, role=R.OFFICER, email=f"o{index}-{count}@example.cn")
            overdue_cases(park, officer, 2, today)

    def queries() -> tuple[int, str]:
        out = io.StringIO()
        with CaptureQueriesContext(connection) as context:
            call_command("send_reminders", "--dry-run", stdout=out)
        return len(context.captured_queries), out.getvalue()

    officers(1)
    few, _text = queries()
    officers(4)
    many, text = queries()
    assert many == few
    assert text.count("@example.cn>") == 5  # one digest per officer


def test_a_deadline_table_draws_the_same_rows_from_values_as_from_the_models(today):
    """/deadlines/ reads its rows as values (`shown_in_table`); every other page takes the models."""
    from cases.deadlines.agenda import shown_in_table
    from cases.templatetags.deadline_rows import deadline_rows

    world = random_world(4, today)
    world.run(160)
    officer = factories.make_user(first_name="晓东", last_name="李")
    DisposalCase.objects.filter(pk__in=[case.pk for case in world.cases[::2]]).update(officer=officer)
    found = stored_agenda(CaseDeadline.objects.all(), today=today, days=15)
    drawn = 0
    for rows in (found.overdue, found.due_soon, found.cannot_compute):
        page = rows[:30]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for show_park in (True, False):
                    options = {"show_park": show_park, "due_soon_days": 15, "empty_text": "—"}
                    from_models = deadline_rows(shown(page, today=today), **options)
                    assert deadline_rows(shown_in_table(page, today=today), **options) == from_models
                    drawn += from_models.count("<tr")
    assert drawn > 40
    assert "李晓东" in deadline_rows(shown_in_table(CaseDeadline.objects.all(), today=today), **options)

"""The case workflow of docs/workflow.md, through `DisposalCase.transition_to` and `save_versioned`."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError
from django.utils import timezone, translation

from cases.exceptions import (
    GuardFailed,
    MissingEvidence,
    StaleVersion,
    TransitionForbidden,
    TransitionNotAllowed,
)
from cases.models import (
    CLOSED_STATUSES,
    GATED_STATUSES,
    TRANSITIONS,
    CaseEvent,
    DisposalCase,
    EvidenceRequirement,
    Membership,
    Status,
)
from cases.models.choices import IDENTIFIED_STATUSES, PRE_IDENTIFICATION_STATUSES
from tests import factories

pytestmark = pytest.mark.django_db

S = Status
ROLES = list(Membership.Role)  # from the least to the most a member may do
OPENED_ON = date(2022, 1, 10)
IDENTIFIED_ON = date(2022, 3, 1)
DECISION_ON = date(2022, 5, 1)
DISPOSED_ON = date(2022, 9, 1)
METHOD = {"idle": "negotiated_recovery", "inefficient": "transfer"}
TABLE = {(t.source, t.target) for t in TRANSITIONS}


# Helpers --------------------------------------------------------------------------------------


@pytest.fixture
def park():
    return factories.make_park(code="XQ")


@pytest.fixture
def people(park):
    """One member of the park for each role, by role code."""
    return {
        role.value: factories.make_user(username=f"{role.value}-xq", park=park, role=role) for role in ROLES
    }


def dates_for(status: str, category: str) -> dict:
    """The dates (and method) a case in `status` must carry.

    The identification and disposal figures are among them, but only the steps into `identified`
    and `disposed` set those: `case_in` keeps them off a case that is not there yet.
    """
    fields = {}
    if status in IDENTIFIED_STATUSES:
        fields["identified_on"] = IDENTIFIED_ON
    if status in (S.IMPLEMENTING, S.DISPOSED):
        fields.update(disposal_method=METHOD[category], decision_on=DECISION_ON)
    if status == S.DISPOSED:
        fields["disposed_on"] = DISPOSED_ON
    return fields


_pages = itertools.count(1)


def document(*, case: DisposalCase, doc_type: str, uploaded_by, **fields):
    """A document with a file of its own: a case file holds each file once."""
    content = f"%PDF-1.4\n% {doc_type} page {next(_pages)}\n".encode()
    return factories.make_document(
        case=case, doc_type=doc_type, uploaded_by=uploaded_by, content=content, **fields
    )


def file_evidence(case: DisposalCase, status: str, *, by) -> list:
    """One current document for each requirement of a move into `status`."""
    return [
        document(case=case, doc_type=requirement.doc_types[0], uploaded_by=by)
        for requirement in EvidenceRequirement.objects.applying_to(case, status)
    ]


def case_in(
    status: str,
    *,
    park,
    category: str = "idle",
    ready_for: str | None = None,
    came_from: str | None = None,
    evidence: bool = True,
    **fields,
) -> DisposalCase:
    """A case in `status`, with the dates it needs and those, and the evidence, a move to `ready_for` needs.

    The rate's figures a move to `ready_for` needs (identification date; disposal date and area) are
    left off: the database refuses them on a case not yet there, and the step itself carries them.
    A closed case remembers `came_from` (by default where its closing step started) as the status a
    reopening returns it to.
    """
    if status in CLOSED_STATUSES:
        came_from = came_from or (S.IMPLEMENTING if status == S.DISPOSED else S.INVESTIGATING)
        fields.setdefault("status_before_close", came_from)
    values = {}
    for needed in (came_from, status, ready_for):
        if needed:
            values.update(dates_for(needed, category))
    if status in PRE_IDENTIFICATION_STATUSES:
        # Not identified yet: no identification date, and so no decision made after it either.
        values.pop("identified_on", None)
        values.pop("decision_on", None)
    if status == S.DISPOSED:
        values["disposed_area_m2"] = "10000.00"
    else:
        values.pop("disposed_on", None)
    values.update(fields)
    case = factories.make_case(park=park, category=category, status=status, opened_on=OPENED_ON, **values)
    if evidence and ready_for in GATED_STATUSES:
        file_evidence(case, ready_for, by=factories.make_user(park=park))
    return case


def stored(case: DisposalCase) -> dict:
    """What the database holds of a case's workflow state, for before/after comparisons."""
    row = DisposalCase.objects.values(
        "status",
        "version",
        "status_before_close",
        "identified_on",
        "decision_on",
        "disposed_on",
        "disposed_area_m2",
    ).get(pk=case.pk)
    return {
        **row,
        "events": CaseEvent.objects.filter(case=case).count(),
        "history": DisposalCase.history.filter(id=case.pk).count(),
    }


def refused(case: DisposalCase, error: type[Exception], target: str, **kwargs) -> Exception:
    """Try the move; assert it fails with exactly `error` and that nothing in the database changed."""
    before = stored(case)
    with pytest.raises(error) as excinfo:
        case.transition_to(target, **kwargs)
    assert type(excinfo.value) is error
    assert stored(case) == before
    return excinfo.value


def reason_for(transition) -> str:
    return "权利人补充提交了材料，需重新核实" if transition.needs_reason else ""


def transition_id(transition) -> str:
    return f"{transition.source}->{transition.target}"


def one_rank_below(role: str) -> str:
    return ROLES[ROLES.index(role) - 1].value


def carries_figures(transition) -> bool:
    """The step into `identified` (forward) and the step into `disposed` carry the rate's figures."""
    return (transition.target == S.IDENTIFIED and transition.kind == "forward") or (
        transition.target == S.DISPOSED
    )


# The transition table -------------------------------------------------------------------------


@pytest.mark.parametrize("transition", TRANSITIONS, ids=transition_id)
def test_every_allowed_transition_moves_the_case_and_records_it(transition, park, people):
    case = case_in(transition.source, park=park, ready_for=transition.target, came_from=transition.target)
    by, reason = people[transition.role], reason_for(transition)
    before = stored(case)

    event = case.transition_to(transition.target, by=by, reason=reason)

    after = stored(case)
    assert after["status"] == transition.target
    assert after["version"] == before["version"] + 1
    assert after["history"] == before["history"] + 1
    assert list(CaseEvent.objects.filter(case=case)) == [event]
    assert (event.kind, event.from_status, event.to_status) == (
        "status_change",
        transition.source,
        transition.target,
    )
    assert (event.actor, event.override_reason) == (by, "")
    if carries_figures(transition):
        # The figures the step set (today's date, by default) come first, then any reason.
        figures, *rest = event.details.split("\n")
        assert timezone.localdate().isoformat() in figures
        assert "\n".join(rest) == reason
    else:
        assert event.details == reason
    assert event.occurred_on == timezone.localdate()
    record = case.history.first()
    assert (record.status, record.history_user, record.version) == (transition.target, by, after["version"])


FORBIDDEN = [(source, target) for source in S.values for target in S.values if (source, target) not in TABLE]


@pytest.mark.parametrize(("source", "target"), FORBIDDEN, ids=[f"{s}->{t}" for s, t in FORBIDDEN])
def test_every_other_move_is_not_allowed_and_changes_nothing(source, target, park, people):
    case = case_in(source, park=park, ready_for=target)
    error = refused(case, TransitionNotAllowed, target, by=people["park_admin"], reason="试一试")
    assert error.messages
    assert case.status == source


def test_the_table_covers_every_status():
    assert {t.source for t in TRANSITIONS} == set(S.values)
    assert {t.target for t in TRANSITIONS} == set(S.values)


def test_an_unknown_status_is_not_allowed(park, people):
    case = case_in(S.LEAD, park=park)
    refused(case, TransitionNotAllowed, "archived", by=people["park_admin"], reason="试一试")


# Who may make each step -------------------------------------------------------------------------


@pytest.mark.parametrize("transition", TRANSITIONS, ids=transition_id)
def test_each_step_needs_its_role(transition, park, people):
    case = case_in(transition.source, park=park, ready_for=transition.target, came_from=transition.target)
    by = people[one_rank_below(transition.role)]
    refused(case, TransitionForbidden, transition.target, by=by, reason="试一试", override_reason="试一试")


@pytest.mark.parametrize(
    ("source", "target"), [(S.INVESTIGATING, S.IDENTIFIED), (S.IMPLEMENTING, S.DISPOSED)]
)
def test_an_officer_cannot_approve_identification_or_disposal_but_a_supervisor_can(
    source, target, park, people
):
    case = case_in(source, park=park, ready_for=target)
    refused(case, TransitionForbidden, target, by=people["officer"])
    case.transition_to(target, by=people["supervisor"])
    assert DisposalCase.objects.get(pk=case.pk).status == target


def test_a_viewer_cannot_move_a_case_at_all(park, people):
    for source in S.values:
        case = case_in(source, park=park)
        for transition in case.transitions_from_here():
            refused(case, TransitionForbidden, transition.target, by=people["viewer"], reason="试一试")


@pytest.mark.parametrize("role", [None, "park_admin"], ids=["no park at all", "admin of another park"])
def test_a_user_outside_the_cases_park_cannot_move_it(role, park):
    outsider = factories.make_user(park=factories.make_park() if role else None, role=role)
    case = case_in(S.LEAD, park=park)
    refused(case, TransitionForbidden, S.INVESTIGATING, by=outsider)


def test_an_inactive_member_cannot_move_a_case(park):
    case = case_in(S.LEAD, park=park)
    refused(
        case,
        TransitionForbidden,
        S.INVESTIGATING,
        by=factories.make_user(park=park, role="park_admin", is_active=False),
    )


def test_a_superuser_acts_as_park_admin_everywhere(park):
    case = case_in(S.WITHDRAWN, park=park, came_from=S.PLANNING)
    operator = factories.make_user(is_superuser=True, is_staff=True)
    case.transition_to(S.PLANNING, by=operator, reason="误撤销，恢复办理")
    assert DisposalCase.objects.get(pk=case.pk).status == S.PLANNING


def test_the_steps_offered_to_a_user_are_those_their_role_allows(park, people):
    case = case_in(S.INVESTIGATING, park=park)
    targets = {role: {t.target for t in case.transitions_for(user)} for role, user in people.items()}
    assert targets == {
        "viewer": set(),
        "officer": {S.LEAD},
        "supervisor": {S.LEAD, S.IDENTIFIED, S.WITHDRAWN},
        "park_admin": {S.LEAD, S.IDENTIFIED, S.WITHDRAWN},
    }


# Closing and reopening ------------------------------------------------------------------------


@pytest.mark.parametrize("source", [s for s in S.values if s not in CLOSED_STATUSES])
def test_a_withdrawn_case_reopens_only_to_where_it_came_from(source, park, people):
    case = case_in(source, park=park)
    case.transition_to(S.WITHDRAWN, by=people["supervisor"], reason="不符合闲置土地认定条件")
    assert DisposalCase.objects.get(pk=case.pk).status_before_close == source

    for elsewhere in [s for s in S.values if s not in (source, *CLOSED_STATUSES)]:
        refused(case, TransitionNotAllowed, elsewhere, by=people["park_admin"], reason="更正")
    case.transition_to(source, by=people["park_admin"], reason="撤销有误，恢复办理")

    case.refresh_from_db()
    assert (case.status, case.status_before_close) == (source, "")


def test_reopening_is_for_a_park_admin_only(park, people):
    case = case_in(S.DISPOSED, park=park)
    for role in ("officer", "supervisor"):
        refused(case, TransitionForbidden, S.IMPLEMENTING, by=people[role], reason="更正")
    case.transition_to(S.IMPLEMENTING, by=people["park_admin"], reason="处置面积登记有误")
    assert DisposalCase.objects.get(pk=case.pk).status == S.IMPLEMENTING


def test_reopening_a_disposed_case_clears_its_disposal(park, people):
    case = case_in(S.DISPOSED, park=park)
    case.transition_to(S.IMPLEMENTING, by=people["park_admin"], reason="处置面积登记有误")
    case.refresh_from_db()
    assert (case.disposed_on, case.disposed_area_m2, case.status_before_close) == (None, None, "")
    assert (case.disposal_method, case.decision_on) == ("negotiated_recovery", DECISION_ON)


def test_a_disposal_records_where_a_reopening_returns_to(park, people):
    case = case_in(S.IMPLEMENTING, park=park, ready_for=S.DISPOSED)
    case.transition_to(S.DISPOSED, by=people["supervisor"])
    assert DisposalCase.objects.get(pk=case.pk).status_before_close == S.IMPLEMENTING


def test_a_withdrawn_case_cannot_reopen_while_its_parcel_has_another_open_case(park, people):
    case = case_in(S.WITHDRAWN, park=park, came_from=S.INVESTIGATING)
    factories.make_case(parcel=case.parcel, opened_on=date(2022, 6, 1))
    error = refused(case, GuardFailed, S.INVESTIGATING, by=people["park_admin"], reason="恢复办理")
    assert error.messages
    assert case.status == S.WITHDRAWN


# Reasons --------------------------------------------------------------------------------------

NEED_REASON = [t for t in TRANSITIONS if t.needs_reason]


def test_back_steps_withdrawals_and_reopenings_need_a_reason_and_nothing_else_does():
    assert {t.kind for t in NEED_REASON} == {"back", "withdraw", "reopen"}
    assert all(t.kind == "forward" for t in TRANSITIONS if not t.needs_reason)


@pytest.mark.parametrize("reason", ["", "   \n"], ids=["empty", "blank"])
@pytest.mark.parametrize("transition", NEED_REASON, ids=transition_id)
def test_a_step_that_needs_a_reason_is_refused_without_one(transition, reason, park, people):
    case = case_in(transition.source, park=park, ready_for=transition.target, came_from=transition.target)
    refused(case, GuardFailed, transition.target, by=people[transition.role], reason=reason)


def test_the_reason_is_kept_trimmed_on_the_timeline(park, people):
    case = case_in(S.INVESTIGATING, park=park)
    event = case.transition_to(S.LEAD, by=people["officer"], reason="  线索核实不足，退回  ")
    assert CaseEvent.objects.get(pk=event.pk).details == "线索核实不足，退回"


# Dates ----------------------------------------------------------------------------------------


def test_identification_is_dated_today_unless_the_step_says_otherwise(park, people):
    # The old guard ("enter the identification date first") is gone: the step carries the date.
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    assert case.identified_on is None
    event = case.transition_to(S.IDENTIFIED, by=people["supervisor"])
    today = timezone.localdate()
    assert stored(case)["identified_on"] == today
    assert event.occurred_on == today
    assert today.isoformat() in event.details


def test_the_identification_date_typed_in_the_step_is_kept_and_dates_the_event(park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    event = case.transition_to(S.IDENTIFIED, by=people["supervisor"], identified_on=IDENTIFIED_ON)
    assert stored(case)["identified_on"] == IDENTIFIED_ON
    assert event.occurred_on == IDENTIFIED_ON
    assert event.details.split("\n")[0].count(IDENTIFIED_ON.isoformat()) == 1
    record = case.history.first()
    assert (record.status, record.identified_on) == (S.IDENTIFIED, IDENTIFIED_ON)


def test_an_explicit_event_date_wins_over_the_steps_date(park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    event = case.transition_to(
        S.IDENTIFIED, by=people["supervisor"], identified_on=IDENTIFIED_ON, on=date(2022, 3, 2)
    )
    assert (event.occurred_on, stored(case)["identified_on"]) == (date(2022, 3, 2), IDENTIFIED_ON)


def tomorrow() -> date:
    """Tomorrow as of when a test runs: a parameter computed at collection may be today by then."""
    return timezone.localdate() + timedelta(days=1)


@pytest.mark.parametrize(
    "identified_on",
    [tomorrow, lambda: OPENED_ON - timedelta(days=1)],
    ids=["in the future", "before the case was opened"],
)
def test_an_identification_date_in_the_future_or_before_the_opening_is_refused(identified_on, park, people):
    identified_on = identified_on()
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    with translation.override("en"):
        error = refused(case, GuardFailed, S.IDENTIFIED, by=people["supervisor"], identified_on=identified_on)
    assert [m for m in map(str, error.messages) if f"identification date {identified_on.isoformat()}" in m]
    assert (case.status, case.identified_on) == (S.INVESTIGATING, None)


def test_the_identification_date_may_be_the_opening_day_or_today(park, people):
    first = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    first.transition_to(S.IDENTIFIED, by=people["supervisor"], identified_on=OPENED_ON)
    assert stored(first)["identified_on"] == OPENED_ON
    second = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    second.transition_to(S.IDENTIFIED, by=people["supervisor"], identified_on=timezone.localdate())
    assert stored(second)["identified_on"] == timezone.localdate()


def test_a_step_back_to_investigation_clears_the_identification_and_the_history_keeps_it(park, people):
    case = case_in(S.IDENTIFIED, park=park, disposal_method="negotiated_recovery", decision_on=DECISION_ON)
    event = case.transition_to(S.INVESTIGATING, by=people["officer"], reason="认定依据不足，退回补充调查")
    assert (case.identified_on, case.decision_on) == (None, None)
    row = stored(case)
    assert (row["status"], row["identified_on"], row["decision_on"]) == (S.INVESTIGATING, None, None)
    assert event.details == "认定依据不足，退回补充调查"
    before = case.history.all()[1]
    assert (before.status, before.identified_on, before.decision_on) == (
        S.IDENTIFIED,
        IDENTIFIED_ON,
        DECISION_ON,
    )


def test_reopening_a_case_withdrawn_once_identified_keeps_its_identification(park, people):
    case = case_in(S.WITHDRAWN, park=park, came_from=S.IDENTIFIED)
    event = case.transition_to(S.IDENTIFIED, by=people["park_admin"], reason="撤销有误，恢复办理")
    assert (stored(case)["status"], stored(case)["identified_on"]) == (S.IDENTIFIED, IDENTIFIED_ON)
    assert event.details == "撤销有误，恢复办理"


@pytest.mark.parametrize("missing", ["disposal_method", "decision_on"])
def test_implementation_needs_the_method_and_the_decision_date(missing, park, people):
    case = case_in(S.PLANNING, park=park, ready_for=S.IMPLEMENTING)
    DisposalCase.objects.filter(pk=case.pk).update(**{missing: "" if missing == "disposal_method" else None})
    case.refresh_from_db()
    refused(case, GuardFailed, S.IMPLEMENTING, by=people["supervisor"])


def test_a_disposal_is_dated_today_and_covers_the_case_area_unless_the_step_says_otherwise(park, people):
    # The old guard ("enter the disposal date first") is gone: the step carries date and area.
    case = case_in(S.IMPLEMENTING, park=park, ready_for=S.DISPOSED, case_area_m2="7500.50")
    assert (case.disposed_on, case.disposed_area_m2) == (None, None)
    event = case.transition_to(S.DISPOSED, by=people["supervisor"])
    today = timezone.localdate()
    row = stored(case)
    assert (row["disposed_on"], row["disposed_area_m2"]) == (today, Decimal("7500.50"))
    assert event.occurred_on == today
    assert today.isoformat() in event.details and "7,500.50" in event.details


def test_the_disposal_date_and_area_typed_in_the_step_are_kept(park, people):
    case = case_in(S.IMPLEMENTING, park=park, ready_for=S.DISPOSED)
    event = case.transition_to(
        S.DISPOSED, by=people["supervisor"], disposed_on=DISPOSED_ON, disposed_area_m2=Decimal("6000.00")
    )
    row = stored(case)
    assert (row["disposed_on"], row["disposed_area_m2"]) == (DISPOSED_ON, Decimal("6000.00"))
    assert event.occurred_on == DISPOSED_ON
    assert DISPOSED_ON.isoformat() in event.details and "6,000.00" in event.details
    record = case.history.first()
    assert (record.disposed_on, record.disposed_area_m2) == (DISPOSED_ON, Decimal("6000.00"))


def test_the_disposed_area_may_be_the_whole_case_area(park, people):
    case = case_in(S.IMPLEMENTING, park=park, ready_for=S.DISPOSED, case_area_m2="5000.00")
    case.transition_to(S.DISPOSED, by=people["supervisor"], disposed_area_m2=Decimal("5000.00"))
    assert stored(case)["disposed_area_m2"] == Decimal("5000.00")


@pytest.mark.parametrize(
    ("figures", "shown"),
    [
        ({"disposed_on": tomorrow}, "is in the future"),
        ({"disposed_on": IDENTIFIED_ON - timedelta(days=1)}, "before the case was identified on 2022-03-01"),
        ({"disposed_area_m2": Decimal("5000.01")}, "5,000.01 m² must be greater than 0"),
        ({"disposed_area_m2": Decimal("0")}, "of 0 m² must be greater than 0"),
        ({"disposed_area_m2": Decimal("-1")}, "of -1 m² must be greater than 0"),
    ],
    ids=["in the future", "before identification", "above the case area", "zero", "negative"],
)
def test_a_disposal_the_rules_refuse_leaves_the_case_as_it_was(figures, shown, park, people):
    figures = {name: value() if callable(value) else value for name, value in figures.items()}
    case = case_in(S.IMPLEMENTING, park=park, ready_for=S.DISPOSED, case_area_m2="5000.00")
    with translation.override("en"):
        error = refused(case, GuardFailed, S.DISPOSED, by=people["supervisor"], **figures)
    assert [m for m in map(str, error.messages) if shown in m]
    assert (case.status, case.status_before_close, case.disposed_on, case.disposed_area_m2) == (
        S.IMPLEMENTING,
        "",
        None,
        None,
    )


def test_a_move_the_case_rules_refuse_leaves_the_case_as_it_was(park, people):
    # A case area above the parcel's is caught by full_clean before anything is saved, and the
    # figures the step put on the copy in memory are taken off again.
    case = case_in(S.IMPLEMENTING, park=park, ready_for=S.DISPOSED, case_area_m2="5000.00")
    case.case_area_m2 = case.parcel.area_m2 + 1
    refused(case, GuardFailed, S.DISPOSED, by=people["supervisor"])
    assert (case.status, case.status_before_close, case.disposed_on, case.disposed_area_m2) == (
        S.IMPLEMENTING,
        "",
        None,
        None,
    )


FIGURES = {
    "identified_on": IDENTIFIED_ON,
    "disposed_on": DISPOSED_ON,
    "disposed_area_m2": Decimal("100.00"),
}


def figures_refused_by(transition) -> list[str]:
    if transition.target == S.IDENTIFIED and transition.kind == "forward":
        return ["disposed_on", "disposed_area_m2"]
    if transition.target == S.DISPOSED:
        return ["identified_on"]
    return list(FIGURES)


REFUSED_FIGURES = [(t, figure) for t in TRANSITIONS for figure in figures_refused_by(t)]


@pytest.mark.parametrize(
    ("transition", "figure"), REFUSED_FIGURES, ids=[f"{transition_id(t)}:{f}" for t, f in REFUSED_FIGURES]
)
def test_no_other_step_takes_the_rates_figures(transition, figure, park, people):
    case = case_in(transition.source, park=park, ready_for=transition.target, came_from=transition.target)
    error = refused(
        case,
        GuardFailed,
        transition.target,
        by=people[transition.role],
        reason=reason_for(transition),
        **{figure: FIGURES[figure]},
    )
    assert error.messages


# Evidence -------------------------------------------------------------------------------------


def requirement_types(requirements) -> set[frozenset]:
    return {frozenset(r.doc_types) for r in requirements}


def test_the_seeded_requirements_are_those_of_the_domain_notes():
    def seeded(status, category, method=""):
        rows = EvidenceRequirement.objects.filter(to_status=status, category=category, disposal_method=method)
        return requirement_types(rows)

    for category in ("idle", "inefficient"):
        assert seeded("identified", category) == {
            frozenset({"grant_contract", "allocation_decision"}),
            frozenset({"investigation_notice"}),
            frozenset({"service_receipt"}),
            frozenset({"site_inspection"}),
        }
        assert seeded("implementing", category) == {frozenset({"identification"}), frozenset({"decision"})}
        assert seeded("disposed", category) == {
            frozenset({"payment_voucher", "deregistration", "handover_record", "agreement"})
        }
    assert seeded("implementing", "idle", "idle_fee") == {frozenset({"hearing_notice"})}
    assert seeded("implementing", "idle", "free_recovery") == {
        frozenset({"hearing_notice"}),
        frozenset({"government_approval"}),
    }


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        (
            S.INVESTIGATING,
            S.IDENTIFIED,
            [
                {"grant_contract", "allocation_decision"},
                {"investigation_notice"},
                {"service_receipt"},
                {"site_inspection"},
            ],
        ),
        (S.PLANNING, S.IMPLEMENTING, [{"identification"}, {"decision"}]),
        (S.IMPLEMENTING, S.DISPOSED, [{"payment_voucher", "deregistration", "handover_record", "agreement"}]),
    ],
    ids=["identified", "implementing", "disposed"],
)
def test_a_step_with_evidence_missing_lists_what_is_missing(source, target, expected, park, people):
    case = case_in(source, park=park, ready_for=target, evidence=False)
    error = refused(case, MissingEvidence, target, by=people["park_admin"])
    assert requirement_types(error.missing) == {frozenset(e) for e in expected}
    assert len(error.messages) == len(expected)


def test_only_the_documents_still_missing_are_listed(park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED, evidence=False)
    for doc_type in ("allocation_decision", "investigation_notice", "service_receipt"):
        document(case=case, doc_type=doc_type, uploaded_by=people["officer"])
    error = refused(case, MissingEvidence, S.IDENTIFIED, by=people["supervisor"])
    assert requirement_types(error.missing) == {frozenset({"site_inspection"})}


def test_a_free_take_back_also_needs_the_hearing_notice_and_the_governments_approval(park, people):
    case = case_in(S.PLANNING, park=park, disposal_method="free_recovery", decision_on=DECISION_ON)
    for doc_type in ("identification", "decision", "hearing_notice"):
        document(case=case, doc_type=doc_type, uploaded_by=people["officer"])
    error = refused(case, MissingEvidence, S.IMPLEMENTING, by=people["officer"])
    assert requirement_types(error.missing) == {frozenset({"government_approval"})}
    document(case=case, doc_type="government_approval", uploaded_by=people["officer"])
    case.transition_to(S.IMPLEMENTING, by=people["officer"])
    assert DisposalCase.objects.get(pk=case.pk).status == S.IMPLEMENTING


def test_a_withdrawn_document_does_not_count(park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    photos = case.documents.get(doc_type="site_inspection")
    photos.withdraw(by=people["supervisor"], reason="照片拍摄日期不符")
    error = refused(case, MissingEvidence, S.IDENTIFIED, by=people["supervisor"])
    assert requirement_types(error.missing) == {frozenset({"site_inspection"})}


def test_a_superseded_document_does_not_count(park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    old = case.documents.get(doc_type="site_inspection")
    # Filed under the wrong type: its corrected version is an interview record.
    document(case=case, doc_type="interview_record", supersedes=old, uploaded_by=people["officer"])
    error = refused(case, MissingEvidence, S.IDENTIFIED, by=people["supervisor"])
    assert requirement_types(error.missing) == {frozenset({"site_inspection"})}


def test_a_newer_version_of_a_document_counts_in_its_place(park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    old = case.documents.get(doc_type="site_inspection")
    document(case=case, doc_type="site_inspection", supersedes=old, uploaded_by=people["officer"])
    case.transition_to(S.IDENTIFIED, by=people["supervisor"])
    assert DisposalCase.objects.get(pk=case.pk).status == S.IDENTIFIED


@pytest.mark.parametrize("doc_type", ["grant_contract", "allocation_decision"])
def test_either_document_of_the_right_proves_it(doc_type, park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED, evidence=False)
    for needed in (doc_type, "investigation_notice", "service_receipt", "site_inspection"):
        document(case=case, doc_type=needed, uploaded_by=people["officer"])
    case.transition_to(S.IDENTIFIED, by=people["supervisor"])
    assert DisposalCase.objects.get(pk=case.pk).status == S.IDENTIFIED


def test_evidence_of_the_other_category_is_not_asked_for(park, people):
    # The fee and take-back requirements are idle-land methods: a low-efficiency case never needs them.
    case = case_in(S.PLANNING, park=park, category="inefficient", ready_for=S.IMPLEMENTING)
    assert {d.doc_type for d in case.documents.all()} == {"identification", "decision"}
    case.transition_to(S.IMPLEMENTING, by=people["officer"])
    assert DisposalCase.objects.get(pk=case.pk).status == S.IMPLEMENTING


@pytest.mark.parametrize(
    ("source", "target"),
    [(S.INVESTIGATING, S.IDENTIFIED), (S.PLANNING, S.IMPLEMENTING), (S.IMPLEMENTING, S.DISPOSED)],
)
def test_a_supervisor_may_override_missing_evidence_with_a_written_reason(source, target, park, people):
    case = case_in(source, park=park, ready_for=target, evidence=False)
    why = "历史档案遗失，经分管领导同意先行推进"
    event = case.transition_to(target, by=people["supervisor"], override_reason=f"  {why} ")
    assert DisposalCase.objects.get(pk=case.pk).status == target
    assert CaseEvent.objects.get(pk=event.pk).override_reason == why


def test_an_officer_cannot_override_missing_evidence(park, people):
    case = case_in(S.PLANNING, park=park, ready_for=S.IMPLEMENTING, evidence=False)
    refused(case, MissingEvidence, S.IMPLEMENTING, by=people["officer"])
    refused(case, TransitionForbidden, S.IMPLEMENTING, by=people["officer"], override_reason="急需推进")


def test_a_blank_override_reason_overrides_nothing(park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED, evidence=False)
    refused(case, MissingEvidence, S.IDENTIFIED, by=people["supervisor"], override_reason="  ")


def test_no_override_is_recorded_when_nothing_is_missing(park, people):
    case = case_in(S.INVESTIGATING, park=park, ready_for=S.IDENTIFIED)
    event = case.transition_to(S.IDENTIFIED, by=people["supervisor"], override_reason="以防万一")
    assert CaseEvent.objects.get(pk=event.pk).override_reason == ""


def test_an_officer_step_with_all_evidence_present_needs_no_supervisor(park, people):
    case = case_in(S.PLANNING, park=park, ready_for=S.IMPLEMENTING)
    case.transition_to(S.IMPLEMENTING, by=people["officer"])
    assert DisposalCase.objects.get(pk=case.pk).status == S.IMPLEMENTING


def test_withdrawing_a_case_needs_no_evidence(park, people):
    case = case_in(S.INVESTIGATING, park=park, evidence=False)
    case.transition_to(S.WITHDRAWN, by=people["supervisor"], reason="经调查不属于闲置土地")
    assert DisposalCase.objects.get(pk=case.pk).status == S.WITHDRAWN


# Atomicity and optimistic locking -------------------------------------------------------------


def test_when_the_timeline_event_cannot_be_saved_the_status_does_not_change(park, people, monkeypatch):
    case = case_in(S.LEAD, park=park)
    before = stored(case)

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(CaseEvent, "save", fail)
    with pytest.raises(DatabaseError):
        case.transition_to(S.INVESTIGATING, by=people["officer"])
    assert stored(case) == before


def test_a_copy_saved_by_someone_else_meanwhile_is_refused(park, people):
    case = case_in(S.LEAD, park=park, summary="原始摘要")
    mine, theirs = DisposalCase.objects.get(pk=case.pk), DisposalCase.objects.get(pk=case.pk)
    theirs.summary = "他们的修改"
    theirs.save_versioned(by=people["officer"])
    before = stored(case)

    mine.summary = "我的修改"
    with pytest.raises(StaleVersion):
        mine.save_versioned(by=people["supervisor"])

    assert stored(case) == before
    assert DisposalCase.objects.get(pk=case.pk).summary == "他们的修改"


def test_an_edit_saves_with_the_next_version_and_its_author(park, people):
    case = case_in(S.LEAD, park=park)
    case.summary = "补充调查情况"
    case.save_versioned(by=people["officer"], expected_version=1)
    case.refresh_from_db()
    assert (case.version, case.summary, case.updated_by) == (2, "补充调查情况", people["officer"])
    assert case.history.first().history_user == people["officer"]
    with pytest.raises(StaleVersion):
        case.save_versioned(by=people["officer"], expected_version=1)
    assert DisposalCase.objects.get(pk=case.pk).version == 2


def test_a_transition_on_a_stale_copy_changes_nothing(park, people):
    case = case_in(S.LEAD, park=park)
    stale = DisposalCase.objects.get(pk=case.pk)
    fresh = DisposalCase.objects.get(pk=case.pk)
    fresh.summary = "已更新"
    fresh.save_versioned(by=people["officer"])
    before = stored(case)
    with pytest.raises(StaleVersion):
        stale.transition_to(S.INVESTIGATING, by=people["officer"])
    assert stored(case) == before


def test_a_case_walks_the_whole_way_with_one_event_and_one_record_per_step(park, people):
    case = case_in(S.LEAD, park=park, evidence=False)
    path = [S.INVESTIGATING, S.IDENTIFIED, S.PLANNING, S.IMPLEMENTING, S.DISPOSED]
    figures = {
        S.IDENTIFIED: {"identified_on": IDENTIFIED_ON},
        S.DISPOSED: {"disposed_on": DISPOSED_ON, "disposed_area_m2": Decimal("9000.00")},
    }
    for target in path:
        if target == S.IMPLEMENTING:
            # The method and the decision date are the officer's to record; the rate's figures are not.
            case.disposal_method, case.decision_on = METHOD["idle"], DECISION_ON
            case.save_versioned(by=people["officer"])
        file_evidence(case, target, by=people["officer"])
        case.transition_to(target, by=people["supervisor"], **figures.get(target, {}))
    case.refresh_from_db()
    assert case.version == 2 + len(path)  # one per step, and the edit that recorded the decision
    assert case.history.count() == 2 + len(path)
    assert [e.to_status for e in CaseEvent.objects.filter(case=case).order_by("pk")] == path
    assert (case.identified_on, case.decision_on, case.disposed_on, case.disposed_area_m2) == (
        IDENTIFIED_ON,
        DECISION_ON,
        DISPOSED_ON,
        Decimal("9000.00"),
    )

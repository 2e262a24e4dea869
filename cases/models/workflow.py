"""The case workflow (docs/workflow.md): the steps a case may take and who may take them, the guards on
each step, and the figures of the disposal rate that travel with the steps into identified and
disposed. DisposalCase takes its workflow methods from `Workflow`."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..exceptions import GuardFailed, MissingEvidence, TransitionForbidden, TransitionNotAllowed
from .choices import CLOSED_STATUSES, OPEN_STATUSES, PRE_IDENTIFICATION_STATUSES, ProblemFlag, Status
from .events import CaseEvent
from .evidence import EvidenceRequirement
from .parks import Membership
from .wording import SystemText, reason_with_code


class TransitionKind(models.TextChoices):
    """What a step does to a case; its label is the text of the step's button on the case page."""

    FORWARD = "forward", _("Move to “%(status)s”")
    BACK = "back", _("Back to “%(status)s”")
    WITHDRAW = "withdraw", _("Withdraw the case")
    REOPEN = "reopen", _("Reopen to “%(status)s”")

    def button_label(self, target: str) -> str:
        return str(self.label) % {"status": _status_label(target)}

    @property
    def button_class(self) -> str:
        """The Bootstrap style of the step's button: the way forward stands out, a withdrawal warns."""
        if self == TransitionKind.FORWARD:
            return "btn-parkland"
        return "btn-outline-danger" if self == TransitionKind.WITHDRAW else "btn-outline-secondary"

    @property
    def icon(self) -> str:
        """The Bootstrap icon on the step's button."""
        return {
            TransitionKind.FORWARD: "bi-arrow-right-circle",
            TransitionKind.BACK: "bi-arrow-left-circle",
            TransitionKind.WITHDRAW: "bi-x-circle",
            TransitionKind.REOPEN: "bi-arrow-counterclockwise",
        }[self]


class Transition(NamedTuple):
    source: str
    target: str
    kind: TransitionKind
    role: str  # the least role that may make it
    needs_reason: bool

    @property
    def button_label(self) -> str:
        """The text of this step's button, e.g. Move to “identified”, in the active language."""
        return self.kind.button_label(self.target)


class StepOption(NamedTuple):
    """A step from the case's status as one user sees it: what stops them taking it now (their role,
    missing evidence or dates, the parcel's other open case), and whether they may override the
    missing evidence with a written reason."""

    transition: Transition
    blocked_by: tuple = ()
    override: bool = False
    open_case: object = None  # the parcel's other open case, which keeps a closed one from reopening

    @property
    def allowed(self) -> bool:
        return not self.blocked_by


_OFFICER, _SUPERVISOR, _PARK_ADMIN = (
    Membership.Role.OFFICER,
    Membership.Role.SUPERVISOR,
    Membership.Role.PARK_ADMIN,
)
S = Status

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.LEAD, S.INVESTIGATING, TransitionKind.FORWARD, _OFFICER, False),
    Transition(S.INVESTIGATING, S.IDENTIFIED, TransitionKind.FORWARD, _SUPERVISOR, False),
    Transition(S.IDENTIFIED, S.PLANNING, TransitionKind.FORWARD, _OFFICER, False),
    Transition(S.PLANNING, S.IMPLEMENTING, TransitionKind.FORWARD, _OFFICER, False),
    Transition(S.IMPLEMENTING, S.DISPOSED, TransitionKind.FORWARD, _SUPERVISOR, False),
    Transition(S.INVESTIGATING, S.LEAD, TransitionKind.BACK, _OFFICER, True),
    Transition(S.IDENTIFIED, S.INVESTIGATING, TransitionKind.BACK, _OFFICER, True),
    Transition(S.PLANNING, S.IDENTIFIED, TransitionKind.BACK, _OFFICER, True),
    Transition(S.IMPLEMENTING, S.PLANNING, TransitionKind.BACK, _OFFICER, True),
    *(Transition(s, S.WITHDRAWN, TransitionKind.WITHDRAW, _SUPERVISOR, True) for s in OPEN_STATUSES),
    Transition(S.DISPOSED, S.IMPLEMENTING, TransitionKind.REOPEN, _PARK_ADMIN, True),
    *(Transition(S.WITHDRAWN, s, TransitionKind.REOPEN, _PARK_ADMIN, True) for s in OPEN_STATUSES),
)


# The figures the disposal rate counts: written only by the workflow's steps, a ledger import or a
# park administrator's reopening, never by a form (docs/workflow.md#who-may-move-which-figure).
RATE_FIELDS = ("identified_on", "disposed_on", "disposed_area_m2")

# What the staff case form and the admin may change by hand.
HAND_EDITED_FIELDS = (
    "parcel",
    "category",
    "idle_cause",
    "case_area_m2",
    "officer",
    "opened_on",
    "disposal_method",
    "decision_on",
    "target_on",
    *(name for flag in ProblemFlag for name in (flag.value, f"{flag.value}_note")),
    "litigation",
    "summary",
)

# The fields a transition may change, restored in memory when it fails.
_TRANSITION_FIELDS = (
    "status",
    "status_before_close",
    "identified_on",
    "decision_on",
    "disposed_on",
    "disposed_area_m2",
)


@dataclass
class StepFigures:
    """The rate's figures a step carries (认定日期; 处置完成日期, 已处置面积) and what is wrong with them."""

    identified_on: date | None = None
    disposed_on: date | None = None
    disposed_area_m2: Decimal | None = None
    problems: tuple = ()

    @property
    def step_date(self) -> date | None:
        return self.identified_on or self.disposed_on

    def as_params(self) -> dict:
        """The figures as the step's event keeps them, to be shown in the reader's language."""
        if self.identified_on:
            return {"identified_on": self.identified_on.isoformat()}
        if self.disposed_on:
            return {
                "disposed_on": self.disposed_on.isoformat(),
                "disposed_area_m2": str(self.disposed_area_m2),
            }
        return {}

    def summary(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            if self.identified_on:
                return str(_("Identified on %(date)s.") % {"date": self.identified_on.isoformat()})
            if self.disposed_on:
                return str(
                    _("Disposed on %(date)s, %(area)s m².")
                    % {"date": self.disposed_on.isoformat(), "area": f"{self.disposed_area_m2:,}"}
                )
        return ""

    @classmethod
    def for_step(
        cls,
        case,
        transition: Transition,
        *,
        identified_on: date | None,
        disposed_on: date | None,
        disposed_area_m2: Decimal | None,
    ) -> "StepFigures":
        today = timezone.localdate()
        problems = []
        takes_identification = transition.target == S.IDENTIFIED and transition.kind == TransitionKind.FORWARD
        takes_disposal = transition.target == S.DISPOSED
        if (identified_on and not takes_identification) or (
            (disposed_on or disposed_area_m2 is not None) and not takes_disposal
        ):
            problems.append(
                _("Only the step into “identified” or “disposed” takes the rate's dates and areas.")
            )
            return cls(problems=tuple(problems))
        if takes_identification:
            identified_on = identified_on or today
            if identified_on > today:
                problems.append(
                    _("The identification date %(date)s is in the future.")
                    % {"date": identified_on.isoformat()}
                )
            if case.opened_on and identified_on < case.opened_on:
                problems.append(
                    _("The identification date %(date)s is before the case was opened on %(opened)s.")
                    % {"date": identified_on.isoformat(), "opened": case.opened_on.isoformat()}
                )
            return cls(identified_on=identified_on, problems=tuple(problems))
        if takes_disposal:
            disposed_on = disposed_on or today
            area = case.case_area_m2 if disposed_area_m2 is None else disposed_area_m2
            if disposed_on > today:
                problems.append(
                    _("The disposal date %(date)s is in the future.") % {"date": disposed_on.isoformat()}
                )
            if case.identified_on and disposed_on < case.identified_on:
                problems.append(
                    _("The disposal date %(date)s is before the case was identified on %(identified)s.")
                    % {"date": disposed_on.isoformat(), "identified": case.identified_on.isoformat()}
                )
            if area is not None and not 0 < area <= case.case_area_m2:
                problems.append(
                    _(
                        "The disposed area of %(area)s m² must be greater than 0 "
                        "and at most the %(case)s m² under disposal."
                    )
                    % {"area": f"{area:,}", "case": f"{case.case_area_m2:,}"}
                )
            return cls(disposed_on=disposed_on, disposed_area_m2=area, problems=tuple(problems))
        return cls()


def _role_needed(transition: Transition) -> str:
    """Why a user without the step's role cannot take it, in the words the case page uses."""
    if transition.kind == TransitionKind.WITHDRAW:
        return _("Only a supervisor or a park administrator may withdraw a case.")
    if transition.kind == TransitionKind.REOPEN:
        return _("Only a park administrator may reopen a closed case.")
    if transition.role == _SUPERVISOR:
        return _("Moving this case to “%(status)s” needs a supervisor.") % {
            "status": _status_label(transition.target)
        }
    return _("Needs the role of %(role)s.") % {"role": Membership.Role(transition.role).label}


def _status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


def _status_change_title(old: str, new: str) -> str:
    # Stored in the park's working language; pages show statuses from the codes beside it.
    with translation.override(settings.LANGUAGE_CODE):
        return f"{_status_label(old)} → {_status_label(new)}"


class Workflow:
    """The workflow of DisposalCase: the steps from its status, the next one, and taking a step."""

    def transitions_from_here(self) -> list[Transition]:
        """The steps the table allows from the current status (a reopen only to where it came from)."""
        return [
            t
            for t in TRANSITIONS
            if t.source == self.status
            and (t.kind != TransitionKind.REOPEN or self._reopen_target() == t.target)
        ]

    def transitions_for(self, user) -> list[Transition]:
        """The steps `user` may make on this case now, by the table and by their role in its park."""
        rank = Membership.rank_of(Membership.objects.role_of(user, self.parcel.park))
        return [t for t in self.transitions_from_here() if rank >= Membership.rank_of(t.role)]

    def step_options(self, user) -> list[StepOption]:
        """Every step the table allows from here, each with what stops `user` taking it now: the same
        guards as `transition_to`, checked before the user types anything."""
        rank = Membership.rank_of(Membership.objects.role_of(user, self.parcel.park))
        supervisor = rank >= Membership.rank_of(_SUPERVISOR)
        options = []
        for t in self.transitions_from_here():
            blocked = []
            if rank < Membership.rank_of(t.role):
                blocked.append(_role_needed(t))
            blocked += self._missing_dates(t.target)
            missing = []
            if t.kind == TransitionKind.FORWARD:
                missing = EvidenceRequirement.objects.missing_for(self, t.target)
            if missing and not supervisor:
                blocked += [_("Missing evidence: %(document)s.") % {"document": r} for r in missing]
            open_case = self.other_open_case() if t.kind == TransitionKind.REOPEN else None
            if open_case is not None:
                blocked.append(self._open_case_message(open_case))
            options.append(StepOption(t, tuple(blocked), bool(missing) and supervisor, open_case))
        return options

    def other_open_case(self):
        """The parcel's open case other than this one, if there is one (at most one may be open)."""
        return (
            type(self)
            ._default_manager.filter(parcel_id=self.parcel_id, status__in=OPEN_STATUSES)
            .exclude(pk=self.pk)
            .only("pk", "number")
            .first()
        )

    def _open_case_message(self, open_case) -> str:
        return _(
            "Parcel %(parcel)s has an open case, %(number)s: a parcel has at most one open case, "
            "so this one can be reopened only once that one is closed."
        ) % {"parcel": self.parcel.code, "number": open_case.number}

    def _reopen_target(self) -> str:
        # A closed case imported without its earlier status goes back to the first step that fits.
        if self.status == S.DISPOSED:
            return self.status_before_close or S.IMPLEMENTING
        return self.status_before_close or S.LEAD

    def next_forward_step(self) -> Transition | None:
        """The step forward from the current status, if there is one (whoever may take it)."""
        return next((t for t in self.transitions_from_here() if t.kind == TransitionKind.FORWARD), None)

    def transition_to(
        self,
        new_status: str,
        *,
        by,
        reason: str = "",
        override_reason: str = "",
        on: date | None = None,
        identified_on: date | None = None,
        disposed_on: date | None = None,
        disposed_area_m2: Decimal | None = None,
    ) -> CaseEvent:
        """Move the case to `new_status` as `by`, after the table, role, figure and evidence guards.

        The figures the disposal rate counts travel with their step and nowhere else: the step into
        `identified` takes `identified_on` (default today), the step into `disposed` takes
        `disposed_on` (default today) and `disposed_area_m2` (default the case area). Saves the
        status, a timeline event and a history record in one transaction; raises a TransitionError
        subclass with the user's messages, changing nothing, when a guard fails.
        """
        transition, rank = self._allowed_step(new_status, by)
        reason, override_reason = reason.strip(), override_reason.strip()
        figures = StepFigures.for_step(
            self,
            transition,
            identified_on=identified_on,
            disposed_on=disposed_on,
            disposed_area_m2=disposed_area_m2,
        )
        override_reason = self._guard_step(
            transition, figures, rank=rank, reason=reason, override_reason=override_reason
        )
        old_status = self.status
        snapshot = {field: getattr(self, field) for field in _TRANSITION_FIELDS}
        snapshot_version = self.version
        self._apply_checked(transition, figures, snapshot)
        moved = {"from": old_status, "to": new_status}
        self._change_reason = reason_with_code(SystemText.STATUS_CHANGE, moved, reason)
        try:
            with transaction.atomic():
                self.save_versioned(by=by)
                event = self.events.create(
                    kind=CaseEvent.Kind.STATUS_CHANGE,
                    occurred_on=on or figures.step_date or timezone.localdate(),
                    title=_status_change_title(old_status, new_status),
                    title_code=SystemText.STATUS_CHANGE,
                    title_params=moved | figures.as_params(),
                    details="\n".join(filter(None, [figures.summary(), reason])),
                    actor=by,
                    from_status=old_status,
                    to_status=new_status,
                    override_reason=override_reason,
                )
        except BaseException:
            # The database rolled back; the object in memory goes back with it.
            for field, value in snapshot.items():
                setattr(self, field, value)
            self.version = snapshot_version
            raise
        return event

    transition_to.alters_data = True

    def _allowed_step(self, new_status: str, by) -> tuple[Transition, int]:
        """The step to `new_status` and `by`'s rank, if the table and `by`'s role allow the step."""
        transition = next((t for t in self.transitions_from_here() if t.target == new_status), None)
        if transition is None:
            raise TransitionNotAllowed(
                _("A case cannot move from “%(source)s” to “%(target)s”.")
                % {"source": self.get_status_display(), "target": _status_label(new_status)}
            )
        rank = Membership.rank_of(Membership.objects.role_of(by, self.parcel.park))
        if rank < Membership.rank_of(transition.role):
            raise TransitionForbidden(
                _("Moving a case to “%(target)s” needs the role of %(role)s.")
                % {"target": _status_label(new_status), "role": Membership.Role(transition.role).label}
            )
        return transition, rank

    def _guard_step(
        self, transition: Transition, figures: "StepFigures", *, rank: int, reason: str, override_reason: str
    ) -> str:
        """Raise with everything that stops the step; else the override reason, kept only when evidence
        is missing and a supervisor lets the case move on without it."""
        problems = list(figures.problems)
        if transition.needs_reason and not reason:
            problems.insert(0, _("Give a reason for this step."))
        problems += self._missing_dates(transition.target)
        if transition.kind == TransitionKind.REOPEN and (open_case := self.other_open_case()):
            problems.append(self._open_case_message(open_case))
        forward = transition.kind == TransitionKind.FORWARD
        missing = EvidenceRequirement.objects.missing_for(self, transition.target) if forward else []
        evidence_messages = [
            _("Missing evidence: %(document)s.") % {"document": requirement} for requirement in missing
        ]
        # Everything that stops the step is said at once, not one refusal at a time.
        if problems:
            raise GuardFailed(*problems, *([] if override_reason else evidence_messages))
        if missing and not override_reason:
            raise MissingEvidence(*evidence_messages, missing=missing)
        if missing and rank < Membership.rank_of(Membership.Role.SUPERVISOR):
            raise TransitionForbidden(_("Only a supervisor may let a case move on with evidence missing."))
        return override_reason if missing else ""

    def _apply_checked(self, transition: Transition, figures: "StepFigures", snapshot: dict) -> None:
        """Apply the step in memory; if the case then breaks a rule, restore `snapshot` and refuse."""
        self._apply_transition(transition, figures)
        try:
            self.full_clean()
        except ValidationError as error:
            for field, value in snapshot.items():
                setattr(self, field, value)
            raise GuardFailed(*error.messages) from error

    def _missing_dates(self, new_status: str) -> list:
        messages = []
        if new_status == S.IMPLEMENTING:
            if not self.disposal_method:
                messages.append(_("Choose the disposal method before implementation starts."))
            if not self.decision_on:
                messages.append(_("Enter the decision date before implementation starts."))
        return messages

    def _apply_transition(self, transition: Transition, figures: "StepFigures") -> None:
        if transition.kind == TransitionKind.REOPEN:
            if self.status == S.DISPOSED:
                # A disposal reversed: the old date would otherwise take the case out of the register.
                self.disposed_on = None
                self.disposed_area_m2 = None
            self.status_before_close = ""
        elif transition.target in CLOSED_STATUSES:
            self.status_before_close = self.status
        if transition.target in PRE_IDENTIFICATION_STATUSES and self.identified_on:
            # Out of the register again: the identification (and any decision after it) is undone;
            # the history keeps the old values.
            self.identified_on = None
            self.decision_on = None
        if transition.target == S.IDENTIFIED and transition.kind == TransitionKind.FORWARD:
            self.identified_on = figures.identified_on
        if transition.target == S.DISPOSED:
            self.disposed_on = figures.disposed_on
            self.disposed_area_m2 = figures.disposed_area_m2
        self.status = transition.target

"""The case a row names (case number, else parcel + opening date): found and changed, or added; its
officer; a disposed case's disposed area."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ...models import OPEN_STATUSES, DisposalCase, LandParcel, Membership, Status, parse_case_number
from ..columns import LEDGER_COLUMNS, USER
from .checks import as_message_dict, model_errors
from .context import MISSING, RowContext, Touch
from .state import LedgerState


def plan_case(state: LedgerState, row: RowContext, parcel: LandParcel) -> None:
    found = _find_case(state, row, parcel)
    if found is MISSING:
        return
    proposed = _proposed(state, row, found)
    if found is None:
        candidate = DisposalCase(parcel=parcel, number=row.values.get("case_number", ""), **proposed)
        candidate.created_by = candidate.updated_by = state.user
        candidate._ledger_key = ("case", "row", row.number)
        touch = Touch("case", candidate, True, set())
    else:
        touch = state.change(row, found, proposed, "case")
        if touch is None:
            return
        touch.obj.parcel = parcel  # the parcel as this row leaves it, for the area check
        _note_change(state, found, touch)
    if touch.created or touch.fields:
        row.add_model_errors("case", _case_errors(touch.obj, parcel, proposed))
    row.touches.append(touch)


def _find_case(state: LedgerState, row: RowContext, parcel: LandParcel) -> DisposalCase | object | None:
    """The known case the row names, None for a new one, `MISSING` when the row cannot name one."""
    number = row.values.get("case_number", "")
    opened_on = row.values.get("opened_on")
    parcel_key = (row.park.pk, parcel.code)
    found = None
    if number:
        found = state.cases_by_number.get(number)
        if found is not None and (found.parcel.park_id, found.parcel.code) != parcel_key:
            row.problem(
                "case_number",
                _("Case %(number)s is a case of parcel %(parcel)s of park %(park)s, not of this parcel.")
                % {"number": number, "parcel": found.parcel.code, "park": found.parcel.park.code},
            )
            return MISSING
        if found is None and not _new_number_allowed(state, row, number):
            return MISSING
    elif opened_on is not None:
        same_day = state.cases_by_opening.get((*parcel_key, opened_on), [])
        if len(same_day) > 1:
            row.problem(
                "opened_on",
                _("Parcel %(parcel)s has several cases opened that day; give the case number.")
                % {"parcel": parcel.code},
            )
            return MISSING
        found = same_day[0] if same_day else None
    if found is not None:
        earlier = state.claimed.get(state.key(found, "case"))
        if earlier is not None:
            row.problem(
                "case_number" if number else "opened_on",
                _("This case is already given in row %(row)s.") % {"row": earlier},
            )
            return MISSING
        row.result.case_number = found.number
    return found


def _new_number_allowed(state: LedgerState, row: RowContext, number: str) -> bool:
    """A number brought in for a new case: not another park's, in this park's series, not too long."""
    park = row.park
    if owner := state.numbers_elsewhere.get(number):
        row.problem(
            "case_number",
            _("Case number %(number)s is already a case of park %(park)s.")
            % {"number": number, "park": owner},
        )
        return False
    parsed = parse_case_number(number)
    if parsed and parsed[0] != park.code and parsed[0] in state.all_park_codes:
        row.problem(
            "case_number",
            _("Case number %(number)s is in park %(park)s's series, not in %(own)s's.")
            % {"number": number, "park": parsed[0], "own": park.code},
        )
        return False
    if parsed and parsed[0] != park.code:
        row.problem(
            "case_number",
            _("Case number %(number)s does not begin with the park's code %(own)s.")
            % {"number": number, "own": park.code},
        )
        return False
    if len(number) > DisposalCase._meta.get_field("number").max_length:
        row.problem("case_number", _("A case number has at most 30 characters."))
        return False
    return True


def _proposed(state: LedgerState, row: RowContext, found: DisposalCase | None) -> dict[str, Any]:
    """The case's fields as the row gives them."""
    proposed: dict[str, Any] = {}
    for column in LEDGER_COLUMNS:
        if column.target != "case" or column.key not in state.present or column.key in row.failed:
            continue
        if column.key == "case_number":
            continue
        value = row.values[column.key]
        if column.kind == USER:
            value = officer(state, row, value)
            if value is MISSING:
                continue
        proposed[column.field] = value
    # A disposed case without its disposed area: the area under disposal
    # (docs/data-model.md#ledger-columns-台账).
    if (
        proposed.get("status") == Status.DISPOSED
        and proposed.get("disposed_area_m2") is None
        and "disposed_area_m2" not in row.failed
        and ("disposed_area_m2" in proposed or found is None or found.disposed_area_m2 is None)
    ):
        proposed["disposed_area_m2"] = proposed.get("case_area_m2", found.case_area_m2 if found else None)
    return proposed


def officer(state: LedgerState, row: RowContext, username: str):
    """The active case officer of the row's park of this user name; `MISSING` when there is none."""
    if not username:
        return None
    user = state.users.get(username)
    if user is None or not user.is_active:
        row.problem("officer", _("There is no active user %(username)s.") % {"username": username})
        return MISSING
    if not user.is_superuser:
        role = state.roles.get((user.pk, row.park.pk))
        if Membership.rank_of(role) < Membership.rank_of(Membership.Role.OFFICER):
            row.problem(
                "officer",
                _("%(username)s is not a case officer of park %(park)s.")
                % {"username": username, "park": row.park.code},
            )
            return MISSING
    return user


def _note_change(state: LedgerState, found: DisposalCase, touch: Touch) -> None:
    """The bookkeeping of a changed case: the status it closed from, its version, who and when."""
    case = touch.obj
    if "status" in touch.fields:
        was_open, now_open = found.status in OPEN_STATUSES, case.status in OPEN_STATUSES
        if was_open and not now_open:
            case.status_before_close = found.status
        elif now_open:
            case.status_before_close = ""
        touch.fields.add("status_before_close")
    if touch.fields:
        case.version = found.version + 1
        case.updated_at = timezone.now()
        touch.fields |= {"version", "updated_at"}
        if state.user is not None:
            case.updated_by = state.user
            touch.fields.add("updated_by")


def _case_errors(case: DisposalCase, parcel: LandParcel, proposed: dict) -> dict[str, list[str]]:
    checked = set(proposed) - {"officer"} | ({"number"} if case.number else set())
    errors = model_errors(case, only=checked)
    # A new parcel: `validate_case_area` waits for it to be saved, so check here.
    if (
        parcel.pk is None
        and case.case_area_m2 is not None
        and parcel.area_m2 is not None
        and case.case_area_m2 > parcel.area_m2
    ):
        errors.setdefault("case_area_m2", []).append(
            gettext("The area under disposal cannot exceed the parcel's area of %(area)s m².")
            % {"area": parcel.area_m2}
        )
    for field_name, messages in as_message_dict(case.errors_of_its_own()).items():
        errors.setdefault(field_name, []).extend(messages)
    return errors

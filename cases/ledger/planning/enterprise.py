"""The land user a row names: found by credit code, else by name within the park, or added."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ...models import Enterprise
from .checks import model_errors
from .context import MISSING, RowContext, Touch
from .state import LedgerState


def plan_enterprise(state: LedgerState, row: RowContext) -> Enterprise | object | None:
    """The land user the row names; `MISSING` when the file has no enterprise columns or they failed."""
    if "enterprise" not in state.present and "credit_code" not in state.present:
        return MISSING
    if {"enterprise", "credit_code"} & row.failed:
        return MISSING
    name, code = row.values.get("enterprise", ""), row.values.get("credit_code", "")
    if not name and not code:
        return None if "enterprise" in state.present else MISSING
    found = _find(state, row, name, code)
    if found is MISSING:
        return MISSING
    if found is None:
        if not name:
            row.problem(
                "credit_code",
                _("No enterprise of park %(park)s has this credit code; give its name to add it.")
                % {"park": row.park.code},
            )
            return MISSING
        candidate = Enterprise(park=row.park, name=name, credit_code=code)
        candidate._ledger_key = ("enterprise", "row", row.number, name, code)
        touch = Touch("enterprise", candidate, True, set())
    else:
        proposed = {}
        if name and "enterprise" in state.present:
            proposed["name"] = name
        if code:
            proposed["credit_code"] = code
        touch = state.change(row, found, proposed, "enterprise")
        if touch is None:
            return MISSING
    if touch.created or touch.fields:
        row.add_model_errors("enterprise", model_errors(touch.obj, only={"name", "credit_code"}))
    row.touches.append(touch)
    return touch.obj


def _find(state: LedgerState, row: RowContext, name: str, code: str) -> Enterprise | object | None:
    """The park's enterprise of this credit code, else of this name; `MISSING` when the name is ambiguous."""
    park = row.park
    found = state.enterprise_by_code.get((park.pk, code)) if code else None
    if found is None and name:
        candidates = [e for e in state.enterprises_by_name[(park.pk, name)] if not code or not e.credit_code]
        if len(candidates) > 1:
            row.problem(
                "enterprise",
                _("Park %(park)s has several enterprises of this name; give the credit code to say which.")
                % {"park": park.code},
            )
            return MISSING
        found = candidates[0] if candidates else None
    return found

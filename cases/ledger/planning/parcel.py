"""The parcel a row names (park + parcel number): found and changed, or added."""

from __future__ import annotations

from ...models import LandParcel
from ..columns import LEDGER_COLUMNS
from .checks import as_message_dict, model_errors
from .context import MISSING, RowContext, Touch
from .state import LedgerState


def plan_parcel(state: LedgerState, row: RowContext, enterprise) -> LandParcel | None:
    park, values = row.park, row.values
    code = values["parcel_code"]
    found = state.parcels.get((park.pk, code))
    proposed = {
        column.field: values[column.key]
        for column in LEDGER_COLUMNS
        if column.target == "parcel" and column.key in state.present and column.key not in row.failed
    }
    if proposed.get("land_use") == "":
        del proposed["land_use"]  # empty: the default for a new parcel, unchanged for a known one
    if enterprise is not MISSING:
        proposed["enterprise"] = enterprise
    if found is None:
        candidate = LandParcel(park=park, **proposed)
        candidate._ledger_key = ("parcel", park.pk, code)
        touch = Touch("parcel", candidate, True, set())
    else:
        touch = state.change(row, found, proposed, "parcel")
        if touch is None:
            return None
    parcel = touch.obj
    if touch.created or touch.fields:
        errors = model_errors(parcel, only=set(proposed) - {"enterprise"})
        errors.update(as_message_dict(parcel.errors_of_its_own()))
        row.add_model_errors("parcel", errors)
    row.touches.append(touch)
    return parcel

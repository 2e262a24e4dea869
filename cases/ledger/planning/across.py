"""What spans rows, checked on what the whole file leaves behind: one open case per parcel, and no
parcel smaller than its cases."""

from __future__ import annotations

from django.utils.translation import gettext

from ...models import OPEN_STATUSES, LandParcel, Status
from ..columns import COLUMNS_BY_KEY
from ..report import Problem, RowResult
from .state import LedgerState


def check_across_rows(state: LedgerState, results: dict[int, RowResult]) -> None:
    for parcel_key, cases in state.cases_of_parcel.items():
        open_cases = [c for c in cases.values() if c.status in OPEN_STATUSES]
        if len(open_cases) > 1:
            _refuse_open_cases(state, results, parcel_key, open_cases)
    for (kind, _key), written in state.written.items():
        parcel = written["obj"]
        if kind != "parcel" or parcel.pk is None or "area_m2" not in written["fields"]:
            continue
        areas = [c.case_area_m2 for c in state.cases_of_parcel[(parcel.park_id, parcel.code)].values()]
        largest = max((a for a in areas if a is not None), default=None)
        row = state.claimed.get(parcel._ledger_key)
        if largest is not None and largest > parcel.area_m2 and row in results:
            results[row].problems.append(
                Problem(
                    state.header_of_key["parcel_area_m2"],
                    str(parcel.area_m2),
                    str(LandParcel.smaller_than_case_message(largest)),
                )
            )


def _refuse_open_cases(state: LedgerState, results: dict[int, RowResult], parcel_key, open_cases) -> None:
    """Each row that leaves a parcel with a second open case is refused, naming the others."""
    rows = {c._ledger_key: state.claimed.get(c._ledger_key) for c in open_cases}
    for case in open_cases:
        row = rows[case._ledger_key]
        if row is None or row not in results or results[row].problems:
            continue
        others = [
            gettext("row %(row)s") % {"row": rows[c._ledger_key]} if rows[c._ledger_key] else (c.number or "")
            for c in open_cases
            if c is not case
        ]
        results[row].problems.append(
            Problem(
                state.header_of_key.get("status", str(COLUMNS_BY_KEY["status"])),
                str(Status(case.status).label),
                gettext("Parcel %(parcel)s would have two open cases: this one and %(others)s.")
                % {"parcel": parcel_key[1], "others": "、".join(others)},
            )
        )

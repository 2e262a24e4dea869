"""Writing what the file creates or changes: in bulk, each object with its history record, new cases
numbered in one block per park and year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ...figures import data_changed
from ...models import (
    OPEN_STATUSES,
    CaseNumberSequence,
    DisposalCase,
    Enterprise,
    LandParcel,
    format_case_number,
    parse_case_number,
)
from ...models.search import refresh_case_search
from .state import LedgerState

BATCH = 500


def write(state: LedgerState, *, reason: str) -> None:
    """Save every object the file creates or changes, each with its history record, in bulk."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for (kind, _key), written in state.written.items():
        by_kind[kind].append(written)
    history = {"default_user": state.user, "default_change_reason": reason, "default_date": timezone.now()}
    # In this order, each object takes the key of the one it points at as it is saved.
    _save(Enterprise, by_kind["enterprise"], history)
    _save(LandParcel, by_kind["parcel"], history)
    number_new_cases(state, [s["obj"] for s in by_kind["case"] if s["created"]])
    _save(DisposalCase, by_kind["case"], history, ordered=lambda s: s["obj"].status in OPEN_STATUSES)
    refresh_search(by_kind)
    data_changed()  # written in bulk: no signal moved the figures' data version on


def refresh_search(by_kind: dict[str, list[dict]]) -> None:
    """The search columns of every case written, and of the cases of every parcel and enterprise changed."""
    changed = {
        kind: [s["obj"].pk for s in by_kind[kind] if not s["created"]] for kind in ("parcel", "enterprise")
    }
    for lookup, ids in (
        ("pk__in", [s["obj"].pk for s in by_kind["case"]]),
        ("parcel__in", changed["parcel"]),
        ("parcel__enterprise__in", changed["enterprise"]),
    ):
        for start in range(0, len(ids), BATCH):
            refresh_case_search(DisposalCase.objects.filter(**{lookup: ids[start : start + BATCH]}))


def _save(model, states: list[dict], history: dict, *, ordered: Callable | None = None) -> None:
    for obj in (s["obj"] for s in states):
        obj._history_user = history["default_user"]
        obj._change_reason = history["default_change_reason"]
        obj._history_date = history["default_date"]
    changed = [s for s in states if not s["created"]]
    if ordered:
        changed.sort(key=ordered)
    fields = sorted(set().union(*(s["fields"] for s in changed))) if changed else []
    # Closing cases first, so that an open case that replaces one never meets it in the index.
    for group in _groups(changed, ordered):
        bulk_update_with_history([s["obj"] for s in group], model, fields=fields, batch_size=BATCH, **history)
    created = [s["obj"] for s in states if s["created"]]
    if created:
        bulk_create_with_history(created, model, batch_size=BATCH, **history)


def _groups(states: list[dict], ordered: Callable | None) -> list[list[dict]]:
    if not states:
        return []
    if ordered is None:
        return [states]
    groups: dict[Any, list[dict]] = {}
    for state in states:
        groups.setdefault(ordered(state), []).append(state)
    return [groups[key] for key in sorted(groups)]


def number_new_cases(state: LedgerState, cases: list[DisposalCase]) -> None:
    """Explicit numbers are noted as used; the others are taken in one block per park and year."""
    highest: dict[tuple, int] = {}
    for case in cases:
        park = case.parcel.park
        if case.number and (parsed := parse_case_number(case.number)) and parsed[0] == park.code:
            key = (park.pk, parsed[1])
            highest[key] = max(highest.get(key, 0), parsed[2])
    for (park_id, year), number in highest.items():
        CaseNumberSequence.objects.note_used(park=state.park_by_pk[park_id], year=year, number=number)
    waiting: dict[tuple, list[DisposalCase]] = defaultdict(list)
    for case in sorted(cases, key=lambda c: (c.opened_on, c._ledger_key)):
        if not case.number:
            waiting[(case.parcel.park_id, case.opened_on.year)].append(case)
    for (park_id, year), group in waiting.items():
        park = state.park_by_pk[park_id]
        first = CaseNumberSequence.objects.take_block(park=park, year=year, count=len(group))
        for offset, case in enumerate(group):
            case.number = format_case_number(park.code, year, first + offset)

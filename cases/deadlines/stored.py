"""The stored deadlines (`CaseDeadline`): written from `case_deadlines`, the one source of the rules,
and turned back into the same `Deadline` objects for the pages.

`refresh_cases` computes the rows of some cases again (every write that changes what a clock runs
from calls it, in the writer's transaction: see `cases.deadlines.signals`); `rebuild` computes every
open case of some parks, in batches; `refresh_stale` catches up the few cases whose rows were
computed while one of their dates still lay in the future.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import router, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ..models import OPEN_STATUSES, CaseDeadline, CaseEvent, DisposalCase, Park
from .calendar import explain
from .rules import RULE_ORDER, RULES, Deadline, case_deadlines, periods

BATCH = 2000
LABELS = {rule.code: rule.label for rule in RULES}
TEXTS = ("reason", "closed", "hint")
# The fields the rules read: loading only these keeps the rebuild fast, and usable from a migration
# whatever columns later migrations add.
CASE_FIELDS = (
    "id",
    "status",
    "opened_on",
    "identified_on",
    "decision_on",
    "disposal_method",
    "number",
    "parcel_id",
    "parcel__park_id",
    "parcel__actual_start_on",
)
EVENT_FIELDS = (
    "id",
    "case_id",
    "kind",
    "occurred_on",
    "title",
    "due_on",
    "due_met_on",
    "from_status",
    "to_status",
    "created_at",
)


def _message(text) -> tuple[str, dict]:
    """A reason as its untranslated message and values, from what `explain` or gettext_lazy gave."""
    if not text:
        return "", {}
    message = getattr(text, "message", text)
    params = getattr(text, "params", {})
    with translation.override(None):
        msgid = str(message)
    return msgid, {name: _plain(value) for name, value in params.items()}


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()  # what str() of the date shows in the message
    if isinstance(value, Promise):
        return str(value)
    return value


def _text(msgid: str, params: dict):
    """The stored message, shown in the language active when it is rendered."""
    if not msgid:
        return ""
    return explain(gettext_lazy(msgid), **params) if params else gettext_lazy(msgid)


def fingerprint(clocks: dict[str, int]) -> str:
    """A short fingerprint of the periods in force, kept on every row computed with them."""
    text = json.dumps(sorted(clocks.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def valid_until(case: DisposalCase, events: Iterable[CaseEvent], today: date) -> date | None:
    """The first day after `today` on which a date the rules compare with today is no longer ahead."""
    days = [case.opened_on, case.decision_on, case.parcel.actual_start_on]
    days += [event.occurred_on for event in events]
    ahead = [day for day in days if day is not None and day > today]
    return min(ahead) if ahead else None


def rows_of(case, events, *, today: date, clocks: dict[str, int], model=CaseDeadline) -> list:
    """The rows of one open case: each deadline `case_deadlines` gives, with its texts as messages."""
    events = list(events)
    until, stamp = valid_until(case, events, today), fingerprint(clocks)
    rows = []
    for deadline in case_deadlines(case, events, today=today, clocks=clocks):
        texts = {"reason": deadline.cannot_compute, "closed": deadline.closed, "hint": deadline.hint}
        params, messages = {}, {}
        for name, text in texts.items():
            messages[name], values = _message(text)
            if values:
                params[name] = values
        rows.append(
            model(
                case_id=case.pk,
                park_id=case.parcel.park_id,
                case_number=case.number,
                rule=deadline.rule,
                rule_order=RULE_ORDER[deadline.rule],
                source_id=deadline.source.pk if deadline.source else None,
                start=deadline.start,
                due=deadline.due,
                met_on=deadline.met_on,
                earliest=deadline.earliest,
                window=deadline.window,
                params=params,
                valid_until=until,
                clocks=stamp,
                **messages,
            )
        )
    return rows


def text_of(row: CaseDeadline, name: str):
    """One of a row's texts (`reason`, `closed`, `hint`) in the language active when it is shown."""
    return _text(getattr(row, name), (row.params or {}).get(name, {}))


def deadline_of(row: CaseDeadline, today: date) -> Deadline:
    """The Deadline a row stores, seen from `today` (its state, days left and overdue follow from it)."""
    params = row.params or {}
    return Deadline(
        case=row.case,
        rule=row.rule,
        label=LABELS[row.rule],
        source=row.source,
        start=row.start,
        due=row.due,
        today=today,
        met_on=row.met_on,
        cannot_compute=_text(row.reason, params.get("reason", {})),
        closed=_text(row.closed, params.get("closed", {})),
        window=row.window,
        earliest=row.earliest,
        hint=_text(row.hint, params.get("hint", {})),
    )


def _write(cases: list, *, using: str, today: date, clocks: dict, model) -> int:
    """Compute and insert the rows of `cases` (open ones only), their events loaded in one query."""
    open_cases = [case for case in cases if case.status in OPEN_STATUSES]
    events = defaultdict(list)
    found = (
        CaseEvent._base_manager.using(using)
        .filter(case_id__in=[case.pk for case in open_cases])
        .only(*EVENT_FIELDS)
        .order_by("occurred_on", "created_at", "pk")
    )
    for event in found.iterator(chunk_size=BATCH) if open_cases else ():
        events[event.case_id].append(event)
    rows = [
        row
        for case in open_cases
        for row in rows_of(case, events[case.pk], today=today, clocks=clocks, model=model)
    ]
    model._base_manager.using(using).bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _cases(using: str):
    return DisposalCase._base_manager.using(using).select_related("parcel").only(*CASE_FIELDS).order_by("pk")


def refresh_cases(case_ids: Iterable[int], *, using: str | None = None, today: date | None = None) -> int:
    """Compute the rows of these cases again, in the caller's transaction; a closed case keeps none."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    if not ids:
        return 0
    using = using or router.db_for_write(CaseDeadline)
    today, clocks, written = today or timezone.localdate(), periods(), 0
    with transaction.atomic(using=using):
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            CaseDeadline._base_manager.using(using).filter(case_id__in=chunk).delete()
            cases = list(_cases(using).filter(pk__in=chunk))
            written += _write(cases, using=using, today=today, clocks=clocks, model=CaseDeadline)
    return written


def open_cases_on(parcel_ids: Iterable[int], *, using: str | None = None) -> list[int]:
    """The open cases on these parcels (whose actual start date an extension's clock reads)."""
    ids = sorted({pk for pk in parcel_ids if pk is not None})
    manager = DisposalCase._base_manager.using(using or router.db_for_write(CaseDeadline))
    found: list[int] = []
    for start in range(0, len(ids), BATCH):
        chunk = manager.filter(parcel_id__in=ids[start : start + BATCH], status__in=OPEN_STATUSES)
        found += chunk.values_list("pk", flat=True)
    return found


def refresh_parcels(parcel_ids: Iterable[int], *, using: str | None = None) -> int:
    """Compute again the rows of the open cases on these parcels."""
    return refresh_cases(open_cases_on(parcel_ids, using=using), using=using)


def rebuild(*, parks: Iterable | None = None, using: str | None = None, model=None, today=None) -> int:
    """Every open case's rows again, park by park in batches; `parks` limits it (ids or Park rows).

    `model` is the CaseDeadline to write (a migration passes its historical model); the cases and
    events are read through the current models, loading only the fields the rules read.
    """
    model = model or CaseDeadline
    using = using or router.db_for_write(model)
    today, clocks, written = today or timezone.localdate(), periods(), 0
    park_ids = Park._base_manager.using(using).order_by("pk").values_list("pk", flat=True)
    if parks is not None:
        park_ids = park_ids.filter(pk__in=[getattr(park, "pk", park) for park in parks])
    with transaction.atomic(using=using):
        for park_id in list(park_ids):
            model._base_manager.using(using).filter(case__parcel__park_id=park_id).delete()
            ids = list(
                DisposalCase._base_manager.using(using)
                .filter(parcel__park_id=park_id, status__in=OPEN_STATUSES)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for start in range(0, len(ids), BATCH):
                cases = list(_cases(using).filter(pk__in=ids[start : start + BATCH]))
                written += _write(cases, using=using, today=today, clocks=clocks, model=model)
    return written


def refresh_stale(today: date, *, using: str | None = None) -> int:
    """Compute again the cases whose rows were computed before one of their dates came, or with other
    periods than those in force now (after PARKLAND_DEADLINE_PERIODS changed: every case once)."""
    manager = CaseDeadline.objects.db_manager(using or router.db_for_write(CaseDeadline))
    stale = manager.stale(today, fingerprint(periods())).order_by().values_list("case_id", flat=True)
    ids = list(stale.distinct())
    return refresh_cases(ids, using=using, today=today) if ids else 0

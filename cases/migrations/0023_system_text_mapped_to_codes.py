"""Timeline titles, step figures and history reasons written by the system before codes were kept:
mapped back to their codes where the text is one the system wrote (Chinese or English), so that they
too are shown in the reader's language. Texts that match nothing stay as they are."""

import re

from django.db import migrations
from django.utils import translation

BATCH = 2000
IDENTIFIED = [
    re.compile(r"(?P<date>\d{4}-\d{2}-\d{2}) 认定。"),
    re.compile(r"Identified on (?P<date>\d{4}-\d{2}-\d{2})\."),
]
DISPOSED = [
    re.compile(r"(?P<date>\d{4}-\d{2}-\d{2}) 处置完成，已处置面积 (?P<area>[\d,]+(?:\.\d+)?) 平方米。"),
    re.compile(r"Disposed on (?P<date>\d{4}-\d{2}-\d{2}), (?P<area>[\d,]+(?:\.\d+)?) m²\."),
]
STEP_REASON = re.compile(r"(?P<from>\S+) → (?P<to>\S+)(?: (?P<words>.*))?", re.DOTALL)
MEASURE_STEP = re.compile(r"(?P<measure>.+): (?P<from>[^:→]+) → (?P<to>[^:→]+)")
IDENTIFICATION_CLEARED = (
    "认定日期已清除：尚未认定的案件不计入处置率 identification date cleared: not yet identified"
)


def _labels(choices) -> dict[str, str]:
    """Each label of `choices`, in Chinese and in English, to its code."""
    found = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            found.update({str(label): code for code, label in choices.choices})
    return found


def _figures(first_line: str) -> dict:
    for pattern in IDENTIFIED:
        if match := pattern.fullmatch(first_line):
            return {"identified_on": match["date"]}
    for pattern in DISPOSED:
        if match := pattern.fullmatch(first_line):
            return {"disposed_on": match["date"], "disposed_area_m2": match["area"].replace(",", "")}
    return {}


def _measure_params(title: str, methods: dict, statuses: dict) -> dict | None:
    match = MEASURE_STEP.fullmatch(title)
    if not match or match["from"] not in statuses or match["to"] not in statuses:
        return None
    for label, code in sorted(methods.items(), key=lambda item: -len(item[0])):
        if match["measure"] == label or match["measure"].startswith(f"{label} "):
            partner = match["measure"][len(label) :].strip()
            return {
                "method": code,
                "partner": partner,
                "measure_from": statuses[match["from"]],
                "measure_to": statuses[match["to"]],
            }
    return None


def _save(model, rows: list, fields: list[str]) -> list:
    if rows:
        model.objects.bulk_update(rows, fields)
    return []


def events_to_codes(apps, schema_editor):
    from cases.models.choices import Status  # noqa: F401  (labels only)
    from cases.models.measures import MeasureMethod, MeasureStatus

    Event = apps.get_model("cases", "CaseEvent")
    batch = []
    steps = Event.objects.filter(kind="status_change", title_code="").only(
        "id", "from_status", "to_status", "details"
    )
    for event in steps.iterator(chunk_size=BATCH):
        event.title_code = "status_change"
        event.title_params = {"from": event.from_status, "to": event.to_status} | _figures(
            event.details.split("\n", 1)[0]
        )
        batch.append(event)
        if len(batch) >= BATCH:
            batch = _save(Event, batch, ["title_code", "title_params"])
    batch = _save(Event, batch, ["title_code", "title_params"])
    methods, statuses = _labels(MeasureMethod), _labels(MeasureStatus)
    for event in Event.objects.filter(kind="measure", title_code="", title__contains=" → ").only(
        "id", "title"
    ):
        if (params := _measure_params(event.title, methods, statuses)) is not None:
            event.title_code, event.title_params = "measure_step", params
            batch.append(event)
    _save(Event, batch, ["title_code", "title_params"])


def reasons_to_codes(apps, schema_editor):
    import json

    from cases.models.choices import Status

    History = apps.get_model("cases", "HistoricalDisposalCase")
    statuses = _labels(Status)
    batch = []
    rows = History.objects.filter(history_change_reason__contains=" → ").only(
        "history_id", "history_change_reason"
    )
    for record in rows.iterator(chunk_size=BATCH):
        match = STEP_REASON.fullmatch(record.history_change_reason)
        if not match or match["from"] not in statuses or match["to"] not in statuses:
            continue
        moved = json.dumps(
            {"from": statuses[match["from"]], "to": statuses[match["to"]]},
            separators=(",", ":"),
            sort_keys=True,
        )
        record.history_change_reason = f"⟦status_change {moved}⟧ {match['words'] or ''}".strip()
        batch.append(record)
        if len(batch) >= BATCH:
            batch = _save(History, batch, ["history_change_reason"])
    _save(History, batch, ["history_change_reason"])
    History.objects.filter(history_change_reason=IDENTIFICATION_CLEARED).update(
        history_change_reason="⟦identification_cleared {}⟧"
    )


def reasons_to_words(apps, schema_editor):
    """Back: the reasons in the working language's words, as they were written before."""
    from cases.models.wording import reason_in_words

    History = apps.get_model("cases", "HistoricalDisposalCase")
    with translation.override("zh-hans"):
        batch = []
        for record in History.objects.filter(history_change_reason__startswith="⟦").iterator(
            chunk_size=BATCH
        ):
            if record.history_change_reason == "⟦identification_cleared {}⟧":
                record.history_change_reason = IDENTIFICATION_CLEARED
            else:
                record.history_change_reason = reason_in_words(record.history_change_reason)[:100]
            batch.append(record)
            if len(batch) >= BATCH:
                batch = _save(History, batch, ["history_change_reason"])
        _save(History, batch, ["history_change_reason"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_system_text_codes_on_events")]

    operations = [
        migrations.RunPython(events_to_codes, migrations.RunPython.noop),
        migrations.RunPython(reasons_to_codes, reasons_to_words),
    ]

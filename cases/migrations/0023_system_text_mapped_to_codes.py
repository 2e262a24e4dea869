"""Timeline titles, step figures and history reasons written by the system before codes were kept:
mapped back to their codes where the text is one the system wrote (Chinese or English), so that they
too are shown in the reader's language. Texts that match nothing stay as they are."""

import json
import re

from django.db import migrations
from django.db.models import F
from django.db.models.functions import JSONObject
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


def _write(schema_editor, sql: str, rows: list) -> list:
    """One statement run for every row (a pipeline on PostgreSQL): a city's million events in
    minutes, where bulk_update's CASE over thousands of keys took hours."""
    if rows:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    return []


def events_to_codes(apps, schema_editor):
    from cases.models.measures import MeasureMethod, MeasureStatus

    Event = apps.get_model("cases", "CaseEvent")
    table = schema_editor.quote_name(Event._meta.db_table)
    as_json = "%s::jsonb" if schema_editor.connection.vendor == "postgresql" else "%s"
    set_params = f"UPDATE {table} SET title_params = {as_json} WHERE id = %s"
    # Every step in one statement: its code and the statuses it went between.
    steps = Event.objects.filter(kind="status_change", title_code="")
    with_figures = list(steps.filter(to_status__in=["identified", "disposed"]).values_list("pk", flat=True))
    steps.update(
        title_code="status_change",
        title_params=JSONObject(**{"from": F("from_status"), "to": F("to_status")}),
    )
    # The steps into identified or disposed carry their figures in their first line, when written.
    batch = []
    for start in range(0, len(with_figures), BATCH):
        rows = Event.objects.filter(pk__in=with_figures[start : start + BATCH]).values_list(
            "pk", "from_status", "to_status", "details"
        )
        for pk, from_status, to_status, details in rows:
            if figures := _figures(details.split("\n", 1)[0]):
                params = {"from": from_status, "to": to_status} | figures
                batch.append((json.dumps(params, ensure_ascii=False), pk))
        batch = _write(schema_editor, set_params, batch)
    methods, statuses = _labels(MeasureMethod), _labels(MeasureStatus)
    set_code = f"UPDATE {table} SET title_code = 'measure_step', title_params = {as_json} WHERE id = %s"
    for pk, title in Event.objects.filter(kind="measure", title_code="", title__contains=" → ").values_list(
        "pk", "title"
    ):
        if (params := _measure_params(title, methods, statuses)) is not None:
            batch.append((json.dumps(params, ensure_ascii=False), pk))
    _write(schema_editor, set_code, batch)


def reasons_to_codes(apps, schema_editor):
    from cases.models.choices import Status

    History = apps.get_model("cases", "HistoricalDisposalCase")
    table = schema_editor.quote_name(History._meta.db_table)
    set_reason = f"UPDATE {table} SET history_change_reason = %s WHERE history_id = %s"
    statuses = _labels(Status)
    batch = []
    rows = History.objects.filter(history_change_reason__contains=" → ").values_list(
        "history_id", "history_change_reason"
    )
    for history_id, reason in rows.iterator(chunk_size=BATCH):
        match = STEP_REASON.fullmatch(reason)
        if not match or match["from"] not in statuses or match["to"] not in statuses:
            continue
        moved = json.dumps(
            {"from": statuses[match["from"]], "to": statuses[match["to"]]},
            separators=(",", ":"),
            sort_keys=True,
        )
        batch.append((f"⟦status_change {moved}⟧ {match['words'] or ''}".strip(), history_id))
        if len(batch) >= BATCH:
            batch = _write(schema_editor, set_reason, batch)
    _write(schema_editor, set_reason, batch)
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

"""An object's history as people read it: who changed which fields, from what to what."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models.wording import reason_in_words
from .templatetags.parkland import person

KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
# Bookkeeping and storage details that say nothing to the reader.
HIDDEN_FIELDS = {"version", "updated_at", "updated_by", "created_at", "created_by", "file"}
# Kept off the history altogether: a case's search columns, refreshed from other fields.
HIDDEN_FIELDS |= {"search_text", "search_grams"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model_field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if model_field.is_relation:
        return related.get((model_field.related_model, value), str(value))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def history_of(obj, *, limit: int = 200) -> list[HistoryEntry]:
    """Newest first; a fixed number of queries however long the history is."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id")[:limit])
    model = type(obj)
    fields = [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS and f.name != "id"]
    related = _related_labels(records, [f for f in fields if f.is_relation])
    entries = []
    previous = None
    for record in records:
        changes = []
        for model_field in fields:
            new = getattr(record, model_field.attname)
            old = getattr(previous, model_field.attname) if previous is not None else None
            if previous is None and (new is None or new == "" or new is False):
                continue
            if previous is not None and old == new:
                continue
            changes.append(
                FieldChange(
                    label=str(model_field.verbose_name),
                    old=_display(model_field, old, related) if previous is not None else "",
                    new=_display(model_field, new, related),
                )
            )
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=person(user) if user else str(_("system")),
                kind=str(KINDS.get(record.history_type, record.history_type)),
                reason=reason_in_words(record.history_change_reason or ""),
                changes=changes,
            )
        )
        previous = record
    return list(reversed(entries))


def _related_labels(records, relation_fields) -> dict:
    """One query per related model to name the rows the history points at."""
    labels = {}
    for model_field in relation_fields:
        ids = {getattr(r, model_field.attname) for r in records} - {None}
        if not ids:
            continue
        target = model_field.related_model
        for row in target._default_manager.filter(pk__in=ids):
            labels[(target, row.pk)] = person(row) if hasattr(row, "get_username") else str(row)
    return labels

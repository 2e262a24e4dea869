"""Small helpers the planners share: comparing a field, the models' field checks without a query,
and the names of kinds and objects in the report."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ...models import DisposalCase, Enterprise, LandParcel

MODEL_OF_KIND = {"enterprise": Enterprise, "parcel": LandParcel, "case": DisposalCase}


def same_value(obj, name: str, value) -> bool:
    """Whether `obj` already holds `value` in field `name` (a related object compared by its key)."""
    model_field = obj._meta.get_field(name)
    if not model_field.is_relation:
        return getattr(obj, name) == value
    current = getattr(obj, model_field.attname)
    if value is None:
        return current is None
    if value.pk is None:  # made by an earlier row of this file: the very same object, or another
        return model_field.get_cached_value(obj, default=None) is value
    return current == value.pk


def model_errors(obj: models.Model, *, only: set[str]) -> dict[str, list[str]]:
    """The field checks (types, lengths, choices, validators) of the fields a row sets, without a query.

    Relations are left out: the rows point only at objects loaded or made here.
    """
    exclude = {f.name for f in obj._meta.concrete_fields} - only
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as error:
        return {name: _plain_messages(errors) for name, errors in error.error_dict.items()}
    return {}


# Django's own limits (digits, minimum, maximum), which a plausible range always says better.
_GENERIC_LIMITS = {"max_digits", "max_whole_digits", "min_value", "max_value"}


def _plain_messages(errors: list[ValidationError]) -> list[str]:
    if any(error.code == "implausible" for error in errors):
        errors = [error for error in errors if error.code not in _GENERIC_LIMITS]
    return [message for error in errors for message in error.messages]


def as_message_dict(errors: dict) -> dict[str, list[str]]:
    return ValidationError(errors).message_dict if errors else {}


def kind_label(kind: str) -> str:
    return str({"enterprise": _("enterprise"), "parcel": _("parcel"), "case": _("case")}[kind])


def object_name(kind: str, obj) -> str:
    return {"enterprise": lambda: obj.name, "parcel": lambda: obj.code, "case": lambda: obj.number}[kind]()


def chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def field_names(kind: str, names: Iterable[str]) -> str:
    model = MODEL_OF_KIND[kind]
    return "、".join(str(model._meta.get_field(name).verbose_name) for name in sorted(names))

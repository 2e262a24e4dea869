"""What may be written, and how: through the staff pages' own forms (the same validators, the same
choices limited to the user's parks) and the models' own methods. The serializers here describe the
request bodies in the schema; the forms decide what is accepted."""

from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..forms import MeasureForm
from ..models import CaseEvent, DisposalCase, DocType, RevitalisationMeasure
from ..models.workflow import HAND_EDITED_FIELDS, RATE_FIELDS
from .errors import invalid

# Fields of a case only the workflow's steps (or nothing) write: refused in an edit, never ignored.
READ_ONLY_CASE_FIELDS = (
    "id",
    "number",
    "status",
    "status_before_close",
    *RATE_FIELDS,
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
)


class CaseCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisposalCase
        fields = list(HAND_EDITED_FIELDS)


class CaseUpdateSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version the change starts from."))

    class Meta:
        model = DisposalCase
        fields = [*HAND_EDITED_FIELDS, "version"]
        extra_kwargs = {name: {"required": False} for name in HAND_EDITED_FIELDS if name != "parcel"} | {
            "parcel": {"read_only": True}
        }


class TransitionSerializer(serializers.Serializer):
    to = serializers.CharField(help_text=_("The status to move to."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    identified_on = serializers.DateField(required=False)
    disposed_on = serializers.DateField(required=False)
    disposed_area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)


class EventCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["kind", "occurred_on", "title", "details", "due_on", "evidence"]


class MeasureCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = RevitalisationMeasure
        fields = list(MeasureForm._meta.fields)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the document leaves the case file."))


class EvidenceUploadSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    title = serializers.CharField(max_length=200)
    issuing_authority = serializers.CharField(max_length=200, required=False, allow_blank=True)
    document_date = serializers.DateField(required=False)
    obtained_on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    files = serializers.ListField(child=serializers.FileField(), min_length=1)
    supersedes = serializers.IntegerField(required=False, help_text=_("The current document this replaces."))


def form_data(data) -> dict:
    """A JSON body as a form's data: one value a field (a form takes strings, numbers, booleans)."""
    if hasattr(data, "lists"):
        return {name: values if len(values) > 1 else values[0] for name, values in data.lists()}
    if not isinstance(data, dict):
        raise invalid({"non_field_errors": [_("The body must be a JSON object.")]}, status_code=400)
    return dict(data)


def refuse_fields(data: dict, allowed) -> None:
    """422 for a field the request may not write here (a rate figure, the status, the number…)."""
    refused = {
        name: [_("This field is written only by the workflow's steps, or by nobody.")]
        if name in READ_ONLY_CASE_FIELDS
        else [_("There is no such field to write.")]
        for name in data
        if name not in allowed
    }
    if refused:
        raise invalid(refused)


def current_values(record, fields) -> dict:
    """A record's values of `fields` as its form would post them back unchanged."""
    data = model_to_dict(record, fields=fields)
    return {name: ("" if value is None else value) for name, value in data.items()}


def case_edit_data(case: DisposalCase, changes: dict) -> dict:
    """The case's editable values as they stand, with the requested changes over them."""
    return current_values(case, HAND_EDITED_FIELDS) | changes


def checked_form(form):
    """The form, valid; or 422 with its errors by field."""
    if not form.is_valid():
        raise invalid(form.errors)
    return form

"""What every staff form shares: Bootstrap markup, the date picker, plausible bounds, park choices."""

from django import forms
from django.forms.renderers import TemplatesSetting

from .. import scoping
from ..models import Membership
from ..validators import use_plausible_bounds

Role = Membership.Role


class FormRenderer(TemplatesSetting):
    """Bootstrap 5 markup for every form the staff UI renders."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """The browser's own date picker, in ISO form (2023-04-12)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StyledForm:
    """Bootstrap classes on each widget, and `is-invalid` on the fields that failed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field, forms.DateField):
                field.widget = DateInput(attrs=widget.attrs)
            if isinstance(field, forms.DecimalField):
                widget.attrs.setdefault("inputmode", "decimal")
        # A ModelForm's fields check the model's plausible ranges, in the model's plain words.
        model = getattr(getattr(self, "_meta", None), "model", None)
        if model is not None:
            model_fields = {f.name: f for f in model._meta.concrete_fields}
            for name, field in self.fields.items():
                if name in model_fields:
                    use_plausible_bounds(field, model_fields[name])

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _only_parks(field: forms.ModelChoiceField, parks) -> None:
    field.queryset = parks
    if parks.count() == 1:
        field.initial = parks.first().pk


class ParkOwnedForm(StyledForm, forms.ModelForm):
    """The form of a park-owned record (enterprise, parcel, partner, project lead): its park is one
    where the user is an officer, and a saved record keeps its park."""

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _only_parks(self.fields["park"], scoping.parks_for(user, role=Role.OFFICER))
        if self.instance.pk:
            self.fields["park"].disabled = True

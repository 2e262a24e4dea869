"""The forms of a case: the case itself, its events and the steps of its workflow."""

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import scoping
from ..models import (
    OPEN_STATUSES,
    CaseEvent,
    DisposalCase,
    ProblemFlag,
    Status,
    TransitionKind,
)
from ..models.workflow import HAND_EDITED_FIELDS
from ..validators import use_plausible_bounds
from .base import Role, StyledForm
from .pickers import use_picker


class CaseRulesOnItsFields:
    """A case form shows a broken rule on one of the rate's figures (not on the form) where it can be fixed.

    Moving the opening after the identification date breaks "identified no earlier than opened":
    it is shown on 立案日期; a rule on another field the form lacks is shown above the form.
    """

    SHOWN_ON = {"identified_on": "opened_on", "disposed_area_m2": "case_area_m2"}

    def _update_errors(self, errors) -> None:
        if hasattr(errors, "error_dict"):
            placed: dict[str, list] = {}
            for name, messages in errors.error_dict.items():
                if name != NON_FIELD_ERRORS and name not in self.fields:
                    name = self.SHOWN_ON.get(name)
                    name = name if name in self.fields else NON_FIELD_ERRORS
                placed.setdefault(name, []).extend(messages)
            errors = ValidationError(placed)
        super()._update_errors(errors)


class CaseForm(CaseRulesOnItsFields, StyledForm, forms.ModelForm):
    # The version the user started from; a save over someone else's later save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = DisposalCase
        fields = HAND_EDITED_FIELDS
        widgets = {f"{flag.value}_note": forms.Textarea(attrs={"rows": 2}) for flag in ProblemFlag} | {
            "summary": forms.Textarea(attrs={"rows": 4})
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parcels = scoping.parcels_for(user, role=Role.OFFICER).select_related("park", "enterprise")
        self.fields["parcel"].queryset = parcels
        self.fields["officer"].queryset = scoping.users_for(user, role=Role.OFFICER)
        use_picker(self.fields["parcel"], "parcels")
        use_picker(self.fields["officer"], "officers")
        if self.instance.pk:
            self.fields["parcel"].disabled = True
            self.fields["version"].initial = self.instance.version
            # An edit states which version it started from, or it could overwrite someone's save.
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _(
                "This form lost track of the version it was opened at; reload the case and edit again."
            )
        else:
            del self.fields["version"]

    def clean_parcel(self):
        parcel = self.cleaned_data["parcel"]
        if not self.instance.pk and (open_case := parcel.cases.filter(status__in=OPEN_STATUSES).first()):
            # At most one open case per parcel (the database holds it too): say which, and link to it.
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Parcel %(parcel)s already has an open case:") % {"parcel": parcel.code},
                    open_case.get_absolute_url(),
                    open_case.number,
                ),
                code="open_case",
            )
        return parcel


class EventForm(StyledForm, forms.ModelForm):
    class Meta:
        model = CaseEvent
        fields = ["kind", "occurred_on", "title", "details", "due_on", "evidence"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case: DisposalCase, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.case = case
        # Status changes are written by the workflow, never by hand.
        self.fields["kind"].choices = [
            c for c in self.fields["kind"].choices if c[0] != CaseEvent.Kind.STATUS_CHANGE
        ]
        self.fields["evidence"].queryset = case.documents.current()


class TransitionForm(StyledForm, forms.Form):
    """One step of the workflow, with the figures the step carries and nothing else.

    The step into `identified` takes 认定日期, the step into `disposed` takes 处置完成日期 and
    已处置面积; backward steps, withdrawals and reopenings take a reason. Built for one transition
    (`transition`) it has only that step's fields; built with `targets` alone it only checks `to`.
    """

    to = forms.ChoiceField(label=_("move to"), widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(
        label=_("Evidence missing: to move on anyway, give the reason (recorded on the case)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    identified_on = forms.DateField(label=_("Identification date"))
    disposed_on = forms.DateField(label=_("Disposal completed on"))
    disposed_area_m2 = forms.DecimalField(
        label=_("Disposed area (m²)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )

    REASON_LABELS = {
        TransitionKind.BACK: _("Reason for going back"),
        TransitionKind.WITHDRAW: _("Reason for withdrawing"),
        TransitionKind.REOPEN: _("Reason for reopening"),
    }

    def __init__(self, *args, targets, transition=None, case=None, offer_override=False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = targets
        self.transition = transition
        if transition is None:
            return
        # Several steps share the page: ids stay apart, names stay `to`, `reason`… as the URL expects.
        self.auto_id = f"step-{transition.target}-%s"
        today = timezone.localdate()
        self.fields["to"].initial = transition.target
        # The area's plausible range in its own words, before this case's own limit is added (the
        # dates' limits, today and the case's earlier dates, are the step's own and say so).
        use_plausible_bounds(
            self.fields["disposed_area_m2"], DisposalCase._meta.get_field("disposed_area_m2")
        )
        takes_identification = (
            transition.target == Status.IDENTIFIED and transition.kind == TransitionKind.FORWARD
        )
        takes_disposal = transition.target == Status.DISPOSED
        keep = {"to"}
        if transition.needs_reason:
            keep.add("reason")
            self.fields["reason"].required = True
            self.fields["reason"].label = self.REASON_LABELS.get(transition.kind, _("reason"))
        if offer_override:
            keep.add("override_reason")
        if takes_identification:
            keep.add("identified_on")
            self.fields["identified_on"].initial = today
            self.fields["identified_on"].widget.attrs["max"] = today.isoformat()
            if case is not None:
                self.fields["identified_on"].widget.attrs["min"] = case.opened_on.isoformat()
        if takes_disposal:
            keep |= {"disposed_on", "disposed_area_m2"}
            self.fields["disposed_on"].initial = today
            self.fields["disposed_on"].widget.attrs["max"] = today.isoformat()
            if case is not None:
                self.fields["disposed_area_m2"].initial = case.case_area_m2
                self.fields["disposed_area_m2"].validators.append(MaxValueValidator(case.case_area_m2))
                self.fields["disposed_area_m2"].widget.attrs["max"] = str(case.case_area_m2)
                self.fields["disposed_area_m2"].help_text = _("At most the %(area)s m² under disposal.") % {
                    "area": case.case_area_m2
                }
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def step_figures(self) -> dict:
        """The figures to hand to `DisposalCase.transition_to`."""
        return {
            name: self.cleaned_data[name]
            for name in ("identified_on", "disposed_on", "disposed_area_m2")
            if self.cleaned_data.get(name) is not None
        }

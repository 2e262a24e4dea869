"""The forms of revitalisation: measures and their steps, partners and project leads."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    DisposalCase,
    LandParcel,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
)
from ..validators import PastDateValidator
from .base import ParkOwnedForm, StyledForm
from .pickers import use_picker


class MeasureForm(StyledForm, forms.ModelForm):
    """A measure with the fields its method needs; the page shows only those (data-method markers)."""

    METHOD_FIELDS = {
        "loan": ("term_months", "interest_rate_pct", "interest_subsidy_wan", "collateral_parcel", "drawn_on"),
        "equity_acquisition": ("equity_share_pct", "registered_on"),
        "joint_development": ("project_name", "partner_share_pct", "holder_share_pct", "contract_signed_on"),
    }

    class Meta:
        model = RevitalisationMeasure
        fields = [
            "method",
            "partner",
            "amount_wan",
            "term_months",
            "interest_rate_pct",
            "interest_subsidy_wan",
            "collateral_parcel",
            "drawn_on",
            "equity_share_pct",
            "registered_on",
            "project_name",
            "partner_share_pct",
            "holder_share_pct",
            "contract_signed_on",
            "started_on",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case: DisposalCase, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.case = case
        park = case.parcel.park
        self.fields["partner"].queryset = Partner.objects.filter(park=park).select_related("park")
        self.fields["collateral_parcel"].queryset = LandParcel.objects.filter(park=park).select_related(
            "park", "enterprise"
        )
        use_picker(self.fields["partner"], "partners", park=park.pk)
        use_picker(self.fields["collateral_parcel"], "parcels", park=park.pk)
        for method, names in self.METHOD_FIELDS.items():
            for name in names:
                self.fields[name].widget.attrs["data-method"] = method

    def clean(self):
        cleaned = super().clean()
        # Fields of another method are dropped rather than refused: the page hides them.
        method = cleaned.get("method")
        for other, names in self.METHOD_FIELDS.items():
            if other != method:
                for name in names:
                    if name in cleaned:
                        cleaned[name] = "" if name == "project_name" else None
                        setattr(self.instance, name, cleaned[name])
        return cleaned


class MeasureStepForm(StyledForm, forms.Form):
    to = forms.ChoiceField(label=_("move to"))
    on = forms.DateField(label=_("date"), validators=[PastDateValidator(_("date"))])
    reason = forms.CharField(label=_("note or reason"), required=False, max_length=2000)

    def __init__(self, *args, steps, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, RevitalisationMeasure.MeasureStatus(s).label) for s in steps]


class PartnerForm(ParkOwnedForm):
    class Meta:
        model = Partner
        fields = ["park", "name", "kind", "contact_person", "contact_phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class LeadForm(ParkOwnedForm):
    class Meta:
        model = ProjectLead
        fields = [
            "park",
            "name",
            "investor",
            "industry",
            "area_needed_m2",
            "land_use",
            "min_plot_ratio",
            "planned_investment_wan",
            "contact",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

"""The forms of the monthly report: the year's disposal-rate target."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import DisposalTarget
from ..validators import use_plausible_bounds


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("year"))
    rate_pct = forms.DecimalField(label=_("target disposal rate (%)"), max_digits=4, decimal_places=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            use_plausible_bounds(field, DisposalTarget._meta.get_field(name))

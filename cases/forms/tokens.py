"""The form that makes an API token: what it is for and how long it lasts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.tokens import LIFETIMES
from .base import StyledForm


class ApiTokenForm(StyledForm, forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=100, help_text=_("What the token is for, e.g. city one map.")
    )
    days = forms.TypedChoiceField(
        label=_("valid for (days)"),
        coerce=int,
        initial=90,
        choices=[(days, str(days)) for days in LIFETIMES],
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        if self.user.api_tokens.filter(name=name, revoked_at__isnull=True).exists():
            raise forms.ValidationError(_("You already have a token of this name."))
        return name

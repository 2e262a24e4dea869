"""The form of the ledger import: the file to check and the park it goes into."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import scoping
from .base import Role, StyledForm, _only_parks


class LedgerUploadForm(StyledForm, forms.Form):
    """A ledger file to check (a dry run), and the park it goes into when it has no park column."""

    file = forms.FileField(label=_("ledger file (XLSX or CSV)"))
    park = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("park"),
        empty_label=_("as the file's park column says"),
        help_text=_("A file without a park column goes into this park; a file with one may name only it."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        _only_parks(self.fields["park"], scoping.parks_for(user, role=Role.PARK_ADMIN))

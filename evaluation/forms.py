from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms.ledger import LedgerUploadForm


class FiguresUploadForm(LedgerUploadForm):
    """A figures file to check, and the park it goes into when it has no park column."""

    file = forms.FileField(label=_("figures file (XLSX or CSV)"))

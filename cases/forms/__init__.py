"""The staff UI's forms, one module per topic: choices limited to the user's parks, every model
rule shown beside its field. `FormRenderer` stays here too, for the FORM_RENDERER setting."""

from .base import DateInput, FormRenderer, StyledForm
from .case import CaseForm, EventForm, TransitionForm
from .evidence import (
    EvidenceUploadForm,
    MultipleFileField,
    MultipleFileInput,
    SiteInspectionForm,
    WithdrawForm,
)
from .land import EnterpriseForm, ParcelForm
from .ledger import LedgerUploadForm
from .reporting import TargetForm
from .revitalisation import LeadForm, MeasureForm, MeasureStepForm, PartnerForm

__all__ = [
    "CaseForm",
    "DateInput",
    "EnterpriseForm",
    "EventForm",
    "EvidenceUploadForm",
    "FormRenderer",
    "LeadForm",
    "LedgerUploadForm",
    "MeasureForm",
    "MeasureStepForm",
    "MultipleFileField",
    "MultipleFileInput",
    "ParcelForm",
    "PartnerForm",
    "SiteInspectionForm",
    "StyledForm",
    "TargetForm",
    "TransitionForm",
    "WithdrawForm",
]

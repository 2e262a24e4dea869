from .base import M2_PER_MU, m2_to_mu, per_mu
from .case import DisposalCase
from .choices import (
    CLOSED_STATUSES,
    GATED_STATUSES,
    METHODS_BY_CATEGORY,
    OPEN_STATUSES,
    Category,
    DisposalMethod,
    IdleCause,
    Litigation,
    ProblemFlag,
    Status,
)
from .closes import MonthClose
from .deadlines import CaseDeadline
from .events import CaseEvent
from .evidence import CustodyEvent, DocType, EvidenceDocument, EvidenceRequirement, evidence_chain_warnings
from .land import Enterprise, LandParcel
from .leads import LeadLink, LeadStatus, ProjectLead
from .ledger import LedgerImport
from .measures import Partner, RevitalisationMeasure
from .numbers import CaseNumberSequence, format_case_number, parse_case_number
from .parks import DisposalTarget, LowEfficiencyThreshold, Membership, Park
from .rate import MonthFigures, RateFigures
from .tokens import ApiToken
from .versions import DataVersion
from .workflow import TRANSITIONS, Transition, TransitionKind

__all__ = [
    "CLOSED_STATUSES",
    "GATED_STATUSES",
    "M2_PER_MU",
    "METHODS_BY_CATEGORY",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "ApiToken",
    "CaseDeadline",
    "CaseEvent",
    "CaseNumberSequence",
    "Category",
    "CustodyEvent",
    "DataVersion",
    "DisposalCase",
    "DisposalMethod",
    "DisposalTarget",
    "DocType",
    "Enterprise",
    "EvidenceDocument",
    "EvidenceRequirement",
    "IdleCause",
    "LandParcel",
    "LeadLink",
    "LeadStatus",
    "LedgerImport",
    "Litigation",
    "LowEfficiencyThreshold",
    "Membership",
    "MonthClose",
    "MonthFigures",
    "Park",
    "Partner",
    "ProblemFlag",
    "ProjectLead",
    "RateFigures",
    "RevitalisationMeasure",
    "Status",
    "Transition",
    "TransitionKind",
    "evidence_chain_warnings",
    "format_case_number",
    "m2_to_mu",
    "parse_case_number",
    "per_mu",
]

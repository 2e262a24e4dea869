from .base import M2_PER_MU, m2_to_mu, per_mu
from .case import (
    TRANSITIONS,
    CaseNumberSequence,
    DisposalCase,
    MonthFigures,
    RateFigures,
    Transition,
    parse_case_number,
)
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
from .events import CaseEvent
from .evidence import CustodyEvent, DocType, EvidenceDocument, EvidenceRequirement, evidence_chain_warnings
from .land import Enterprise, LandParcel
from .ledger import LedgerImport
from .measures import LeadLink, LeadStatus, Partner, ProjectLead, RevitalisationMeasure
from .parks import DisposalTarget, LowEfficiencyThreshold, Membership, Park

__all__ = [
    "CLOSED_STATUSES",
    "GATED_STATUSES",
    "M2_PER_MU",
    "METHODS_BY_CATEGORY",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "CaseEvent",
    "CaseNumberSequence",
    "Category",
    "CustodyEvent",
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
    "evidence_chain_warnings",
    "m2_to_mu",
    "parse_case_number",
    "per_mu",
]

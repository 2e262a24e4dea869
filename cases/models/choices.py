"""The code lists of a disposal case (docs/data-model.md), shared by the models that store them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IDLE = "idle", _("idle")
    INEFFICIENT = "inefficient", _("low-efficiency")


class Status(models.TextChoices):
    LEAD = "lead", _("lead")
    INVESTIGATING = "investigating", _("investigating")
    IDENTIFIED = "identified", _("identified")
    PLANNING = "planning", _("planning")
    IMPLEMENTING = "implementing", _("implementing")
    DISPOSED = "disposed", _("disposed")
    WITHDRAWN = "withdrawn", _("withdrawn")


CLOSED_STATUSES = (Status.DISPOSED, Status.WITHDRAWN)
OPEN_STATUSES = tuple(s for s in Status if s not in CLOSED_STATUSES)
# Statuses a case can only be in once it has been identified (认定).
IDENTIFIED_STATUSES = (Status.IDENTIFIED, Status.PLANNING, Status.IMPLEMENTING, Status.DISPOSED)
# Statuses in which a case has no identification date yet.
PRE_IDENTIFICATION_STATUSES = (Status.LEAD, Status.INVESTIGATING)
# The steps whose entry is gated by evidence (EvidenceRequirement).
GATED_STATUSES = (Status.IDENTIFIED, Status.IMPLEMENTING, Status.DISPOSED)


class IdleCause(models.TextChoices):
    ENTERPRISE = "enterprise", _("the land user")
    GOVERNMENT = "government", _("the government")
    FORCE_MAJEURE = "force_majeure", _("force majeure")
    UNKNOWN = "unknown", _("not yet known")


class DisposalMethod(models.TextChoices):
    # Idle land (闲置土地处置办法)
    EXTEND_DEADLINE = "extend_deadline", _("extend the start deadline")
    ADJUST_USE = "adjust_use", _("adjust use or planning conditions")
    TEMPORARY_USE = "temporary_use", _("temporary use arranged by the government")
    NEGOTIATED_RECOVERY = "negotiated_recovery", _("negotiated paid take-back")
    LAND_SWAP = "land_swap", _("land swap")
    IDLE_FEE = "idle_fee", _("idle land fee")
    FREE_RECOVERY = "free_recovery", _("take-back free of charge")
    # Low-efficiency land
    SELF_REDEVELOPMENT = "self_redevelopment", _("redevelopment or expansion by the enterprise")
    TRANSFER = "transfer", _("transfer of the land-use right")
    GOVERNMENT_PURCHASE = "government_purchase", _("government purchase into the land reserve")


METHODS_BY_CATEGORY = {
    Category.IDLE: (
        DisposalMethod.EXTEND_DEADLINE,
        DisposalMethod.ADJUST_USE,
        DisposalMethod.TEMPORARY_USE,
        DisposalMethod.NEGOTIATED_RECOVERY,
        DisposalMethod.LAND_SWAP,
        DisposalMethod.IDLE_FEE,
        DisposalMethod.FREE_RECOVERY,
    ),
    Category.INEFFICIENT: (
        DisposalMethod.SELF_REDEVELOPMENT,
        DisposalMethod.TRANSFER,
        DisposalMethod.GOVERNMENT_PURCHASE,
    ),
}


class Litigation(models.TextChoices):
    NONE = "none", _("none")
    RECONSIDERATION = "reconsideration", _("administrative reconsideration")
    LAWSUIT = "lawsuit", _("administrative lawsuit")


class ProblemFlag(models.TextChoices):
    """The four obstacles the park's plan names; each case carries each as a flag with a note."""

    LOW_WILLINGNESS = "low_willingness", _("low willingness to revitalise")
    EVIDENCE_DIFFICULTY = "evidence_difficulty", _("historical evidence hard to collect")
    LITIGATION_RISK = "litigation_risk", _("stability and litigation risk")
    FUNDING_GAP = "funding_gap", _("lack of funds and projects")

"""The stored deadlines follow every saved or deleted case, event and parcel, in the same transaction.

Django sends these signals inside the save or delete that caused them, so the rows change in the
writer's transaction: a rolled-back step leaves them as they were. Writes that send no signal
(`bulk_create`, `bulk_update`, `QuerySet.update`, COPY) call `refresh_cases` or `rebuild` themselves:
the ledger import and generate_city do.
"""

from django.db.models.signals import post_delete, post_save

from ..models import CaseEvent, DisposalCase, LandParcel
from .stored import refresh_cases, refresh_parcels


def case_saved(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        refresh_cases([instance.pk], using=using)


def event_saved(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        refresh_cases([instance.case_id], using=using)


def event_deleted(sender, instance, origin=None, using=None, **kwargs):
    """An event deleted on its own; not one deleted with its case, whose rows go with the case."""
    deleted_alone = isinstance(origin, CaseEvent) or getattr(origin, "model", None) is CaseEvent
    if deleted_alone:
        refresh_cases([instance.case_id], using=using)


def parcel_saved(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        refresh_parcels([instance.pk], using=using)


def connect() -> None:
    post_save.connect(case_saved, sender=DisposalCase, dispatch_uid="deadlines-case-saved")
    post_save.connect(event_saved, sender=CaseEvent, dispatch_uid="deadlines-event-saved")
    post_delete.connect(event_deleted, sender=CaseEvent, dispatch_uid="deadlines-event-deleted")
    post_save.connect(parcel_saved, sender=LandParcel, dispatch_uid="deadlines-parcel-saved")

"""Small keyword-only factories: each builds one valid row, with only what a test names changed."""

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from cases.models import (
    CaseEvent,
    DisposalCase,
    Enterprise,
    EvidenceDocument,
    LandParcel,
    Membership,
    Park,
    RevitalisationMeasure,
)
from cases.validators import credit_code_check_character

_counter = itertools.count(1)


def _next() -> int:
    return next(_counter)


def credit_code(serial: int | None = None) -> str:
    """A valid unified social credit code, different for each serial."""
    serial = _next() if serial is None else serial
    first17 = f"91440403{serial:09d}"
    return first17 + credit_code_check_character(first17)


def make_park(*, code: str | None = None, name: str = "测试园区", district: str = "斗门区") -> Park:
    code = code or f"P{_next()}"
    return Park.objects.create(code=code, name=name, district=district)


def make_user(*, username: str | None = None, park: Park | None = None, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(
        username=username or f"user{_next()}", password="correct horse battery", **extra
    )
    if park is not None:
        Membership.objects.create(user=user, park=park, role=role or Membership.Role.OFFICER)
    return user


def make_enterprise(*, park: Park | None = None, name: str | None = None, **fields) -> Enterprise:
    park = park or make_park()
    return Enterprise.objects.create(park=park, name=name or f"企业{_next()}", **fields)


def make_parcel(*, park: Park | None = None, area_m2="10000.00", **fields) -> LandParcel:
    park = park or make_park()
    fields.setdefault("code", f"ZD-{_next():04d}")
    fields.setdefault("location", "新青科技工业园")
    return LandParcel.objects.create(park=park, area_m2=Decimal(area_m2), **fields)


def make_case(
    *,
    parcel: LandParcel | None = None,
    park: Park | None = None,
    category: str = "idle",
    status: str = "lead",
    case_area_m2=None,
    opened_on: date = date(2022, 1, 10),
    **fields,
) -> DisposalCase:
    """A case; give identified_on, disposed_on etc. for statuses that need them."""
    parcel = parcel or make_parcel(park=park)
    case_area = Decimal(case_area_m2) if case_area_m2 is not None else parcel.area_m2
    if fields.get("disposed_area_m2") is not None:
        fields["disposed_area_m2"] = Decimal(fields["disposed_area_m2"])
    return DisposalCase.objects.create(
        parcel=parcel,
        category=category,
        status=status,
        case_area_m2=case_area,
        opened_on=opened_on,
        **fields,
    )


def make_event(
    *, case: DisposalCase, kind: str = "site_inspection", occurred_on: date = date(2022, 2, 1), **fields
):
    fields.setdefault("title", "现场勘查")
    return CaseEvent.objects.create(case=case, kind=kind, occurred_on=occurred_on, **fields)


def make_document(
    *, case: DisposalCase, doc_type: str, uploaded_by=None, content: bytes = b"%PDF-1.4\n%test\n", **fields
):
    """An evidence document with a real file in the evidence storage."""
    import hashlib

    from django.core.files.base import ContentFile

    uploaded_by = uploaded_by or make_user()
    document = EvidenceDocument(
        case=case,
        doc_type=doc_type,
        title=fields.pop("title", doc_type),
        original_name=fields.pop("original_name", f"{doc_type}.pdf"),
        size=len(content),
        content_type=fields.pop("content_type", "application/pdf"),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=uploaded_by,
        **fields,
    )
    document.file.save("upload", ContentFile(content), save=False)
    document.save()
    return document


def make_measure(*, case: DisposalCase, method: str = "loan", **fields) -> RevitalisationMeasure:
    return RevitalisationMeasure.objects.create(case=case, method=method, **fields)

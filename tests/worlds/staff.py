"""Shared builders of the staff tests (moved from tests/test_views.py)."""

import itertools
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from cases.forms import EnterpriseForm, ParcelForm
from cases.models import (
    CaseEvent,
    DisposalCase,
    Enterprise,
    EvidenceDocument,
    LandParcel,
    Membership,
    Park,
    Partner,
    RevitalisationMeasure,
    Status,
)
from tests import factories

R = Membership.Role


SCRIPT = "<script>alert(1)</script>"


ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@dataclass
class World:
    """Two parks, A (AA) and B (BB), with a member of each role in A and an officer in B."""

    park_a: Park
    park_b: Park
    viewer_a: object
    officer_a: object
    supervisor_a: object
    admin_a: object
    officer_b: object
    enterprise_a: Enterprise
    enterprise_b: Enterprise
    parcel_a: LandParcel
    parcel_b: LandParcel
    case_a: DisposalCase
    case_b: DisposalCase
    event_b: CaseEvent
    document_b: EvidenceDocument
    partner_a: Partner
    partner_b: Partner
    measure_b: RevitalisationMeasure


_documents = itertools.count(1)


def add_document(*, case: DisposalCase, doc_type: str, **fields) -> EvidenceDocument:
    """An evidence document whose file differs from every other (a case keeps one copy of a file)."""
    content = f"%PDF-1.4\n%parkland test document {next(_documents)}\n".encode()
    return factories.make_document(case=case, doc_type=doc_type, content=content, **fields)


def build_world() -> World:
    park_a = factories.make_park(code="AA", name="甲园")
    park_b = factories.make_park(code="BB", name="乙园")
    users = {
        name: factories.make_user(username=name, park=park, role=role)
        for name, park, role in [
            ("viewer-a", park_a, R.VIEWER),
            ("officer-a", park_a, R.OFFICER),
            ("supervisor-a", park_a, R.SUPERVISOR),
            ("admin-a", park_a, R.PARK_ADMIN),
            ("officer-b", park_b, R.OFFICER),
        ]
    }
    enterprise_a = factories.make_enterprise(
        park=park_a, name="甲园企业", credit_code=factories.credit_code()
    )
    enterprise_b = factories.make_enterprise(
        park=park_b, name="乙园企业", credit_code=factories.credit_code()
    )
    parcel_a = factories.make_parcel(
        park=park_a, code="A-01", location="甲园一路", enterprise=enterprise_a, area_m2="10000.00"
    )
    parcel_b = factories.make_parcel(
        park=park_b, code="B-01", location="乙园二路", enterprise=enterprise_b, area_m2="7777.00"
    )
    case_a = factories.make_case(parcel=parcel_a, officer=users["officer-a"])
    case_b = factories.make_case(
        parcel=parcel_b,
        officer=users["officer-b"],
        low_willingness=True,
        identified_on=None,
        opened_on=date(2022, 1, 11),
    )
    event_b = factories.make_event(
        case=case_b, title="乙园通知", occurred_on=date(2022, 2, 1), due_on=date(2022, 3, 3)
    )
    partner_b = Partner.objects.create(park=park_b, name="乙园产业基金", kind="fund")
    document_b = add_document(case=case_b, doc_type="site_inspection", uploaded_by=users["officer-b"])
    return World(
        park_a=park_a,
        park_b=park_b,
        viewer_a=users["viewer-a"],
        officer_a=users["officer-a"],
        supervisor_a=users["supervisor-a"],
        admin_a=users["admin-a"],
        officer_b=users["officer-b"],
        enterprise_a=enterprise_a,
        enterprise_b=enterprise_b,
        parcel_a=parcel_a,
        parcel_b=parcel_b,
        case_a=case_a,
        case_b=case_b,
        event_b=event_b,
        document_b=document_b,
        partner_a=Partner.objects.create(park=park_a, name="珠海农商银行", kind="bank"),
        partner_b=partner_b,
        measure_b=factories.make_measure(case=case_b, method="equity_acquisition", partner=partner_b),
    )


def sign_in(client, user, *, language: str = "en"):
    """Log `user` in; pages in English by default so messages can be matched to their msgids."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def form_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


CASE_FORM_FIELDS = [
    "parcel",
    "category",
    "idle_cause",
    "case_area_m2",
    "officer",
    "opened_on",
    "disposal_method",
    "decision_on",
    "target_on",
    "low_willingness",
    "low_willingness_note",
    "evidence_difficulty",
    "evidence_difficulty_note",
    "litigation_risk",
    "litigation_risk_note",
    "funding_gap",
    "funding_gap_note",
    "litigation",
    "summary",
]


# What the parcel and enterprise pages' forms post: the forms' own field lists.
PARCEL_FORM_FIELDS = list(ParcelForm.Meta.fields)


ENTERPRISE_FORM_FIELDS = list(EnterpriseForm.Meta.fields)


def form_data(instance, fields: list[str], **changes) -> dict:
    """What the edit form of `instance` posts back unchanged, with `changes` applied."""
    data = {name: form_value(getattr(instance, name)) for name in fields}
    data.update({name: form_value(value) for name, value in changes.items()})
    return {name: value for name, value in data.items() if value != ""}


def case_data(case: DisposalCase, **changes) -> dict:
    data = form_data(case, CASE_FORM_FIELDS, **changes)
    data.setdefault("version", case.version)
    return data


def new_case_data(parcel: LandParcel, officer, **changes) -> dict:
    data = {
        "parcel": parcel.pk,
        "category": "idle",
        "idle_cause": "unknown",
        "case_area_m2": str(parcel.area_m2),
        "officer": officer.pk,
        "opened_on": "2023-02-01",
        "litigation": "none",
    }
    data.update({name: form_value(value) for name, value in changes.items()})
    return {name: value for name, value in data.items() if value != ""}


def new_parcel_data(park: Park, **changes) -> dict:
    data = {
        "park": park.pk,
        "code": "N-01",
        "location": "新青五路",
        "area_m2": "5000.00",
        "land_use": "industrial",
        "supply_method": "grant",
    }
    data.update({name: form_value(value) for name, value in changes.items()})
    return {name: value for name, value in data.items() if value != ""}


def new_enterprise_data(park: Park, **changes) -> dict:
    data = {"park": park.pk, "name": "新青新材料有限公司", "credit_code": factories.credit_code()}
    data.update({name: form_value(value) for name, value in changes.items()})
    return {name: value for name, value in data.items() if value != ""}


def new_event_data(**changes) -> dict:
    data = {"kind": "notice_served", "occurred_on": "2022-04-01", "title": "送达调查通知书"}
    data.update({name: form_value(value) for name, value in changes.items()})
    return {name: value for name, value in data.items() if value != ""}


def new_measure_data(**changes) -> dict:
    """A measure of method "other", which needs no partner, only its description."""
    data = {"method": "other", "notes": "企业自筹资金技术改造", "status": "proposed"}
    data.update({name: form_value(value) for name, value in changes.items()})
    return {name: value for name, value in data.items() if value != ""}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def refused_step(response, case: DisposalCase, target: str):
    """The form of a refused step, shown again on the case page (422) with what was typed.

    Asserts the page says the case did not move and shows each of the form's errors.
    """
    assert response.status_code == 422
    label = str(Status(target).label)
    assert f"Case {case.number} did not move to “{label}”: see the step below." in messages_of(response)
    [form] = [item["form"] for item in response.context["transitions"] if item["form"].is_bound]
    assert form.transition.target == target
    for error in step_errors(form):
        assert_shown(response, error)
    return form


def step_errors(form) -> list[str]:
    """Every error of a step's form, its own and its fields', in order."""
    return [str(error) for errors in form.errors.values() for error in errors]


def assert_shown(response, text: str) -> None:
    """`text` appears on the page as the user reads it (HTML-escaped in the source)."""
    assert escape(text) in response.text, f"{text!r} not on the page"


def case_url(case: DisposalCase, name: str = "case-detail") -> str:
    return reverse(name, args=[case.number])


def snapshot() -> dict:
    """Row counts and case versions: what a refused request must leave as it was."""
    return {
        "parks": Park.objects.count(),
        "enterprises": list(Enterprise.objects.order_by("pk").values()),
        "parcels": list(LandParcel.objects.order_by("pk").values()),
        "cases": list(DisposalCase.objects.order_by("pk").values()),
        "events": list(CaseEvent.objects.order_by("pk").values()),
        "measures": RevitalisationMeasure.objects.count(),
    }

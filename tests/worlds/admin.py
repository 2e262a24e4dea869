"""Shared builders of the admin tests: parks each holding one row of every model the admin lists."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import (
    ApiToken,
    CustodyEvent,
    DisposalTarget,
    EvidenceRequirement,
    LedgerImport,
    LowEfficiencyThreshold,
    Membership,
    MonthClose,
    Park,
    Partner,
    ProjectLead,
)
from tests import factories
from tests.worlds.staff import add_document

R = Membership.Role


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_parks(count: int) -> list[Park]:
    """`count` parks, each with one row of every listed model, each row with its own related rows
    (its own officer, enterprise, parcel, partner …), so that a list column reading a related row
    row by row would show as more queries."""
    return [_park_with_a_row_of_everything(index) for index in range(count)]


def _park_with_a_row_of_everything(index: int) -> Park:
    park = factories.make_park(name=f"园区{index}")
    officer = factories.make_user(park=park, role=R.OFFICER, first_name=f"名{index}", last_name="李")
    enterprise = factories.make_enterprise(park=park)
    case = factories.make_case(
        parcel=factories.make_parcel(park=park, enterprise=enterprise), officer=officer
    )
    factories.make_event(case=case, actor=officer)
    document = add_document(case=case, doc_type="site_inspection", uploaded_by=officer)
    CustodyEvent.objects.create(document=document, action="viewed", actor=officer)
    partner = Partner.objects.create(park=park, name=f"伙伴{index}", kind="bank")
    factories.make_measure(case=case, method="other", partner=partner, notes=f"措施{index}")
    ProjectLead.objects.create(
        park=park,
        name=f"项目{index}",
        investor=f"投资人{index}",
        area_needed_m2=Decimal("100"),
        status="closed",
        case=case,
    )
    LowEfficiencyThreshold.objects.create(park=park)
    DisposalTarget.objects.create(park=park, year=2022, rate_pct=Decimal("60.0"))
    MonthClose.objects.create(park=park, year=2022, month=1, figures={}, cases=[], closed_by=officer)
    ledger_import = LedgerImport.objects.create(
        file_name=f"台账{index}.xlsx",
        sha256=f"{index:064x}",
        size=100,
        rows=1,
        created=1,
        imported_by=officer,
    )
    ledger_import.parks.add(park)
    ApiToken.objects.create_for(officer, name=f"接口{index}", days=30)
    EvidenceRequirement.objects.create(
        to_status="identified", category="idle", doc_types=["site_inspection"], note=f"要求{index}"
    )
    return park


def changelist_queries(client, model, query: str = "") -> int:
    """The queries of one changelist page, the session and the user included."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(changelist(model) + query)
    assert response.status_code == 200, (model, response.status_code)
    return len(context.captured_queries)

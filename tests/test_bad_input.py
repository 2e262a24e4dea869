"""Bad input, catalogued (issue 11): nothing a user types or a script passes breaks a page or half-saves.

Every staff form, list filter and sort parameter, URL, upload, the ledger import (page and command)
and the management commands are fed empty, too long, wrong-type, out-of-range and implausible values
(dates 0001-01-01, 1900-01-01, 9999-12-31, 2035), HTML, formula prefixes, wrong encodings, another
park's objects and a role that may not act. Each case checks three things:

- the answer: the expected 4xx, the form shown again (422) or a redirect carrying the message; never 500;
- the message names the problem (the field's error text, the range, the column);
- no row changed: `rows_of_every_table()` counts every table of the cases app (the history tables
  record every save) and the users, and lists the case-number sequences and the evidence files.

A last group stores implausible values past the validators (as old data or a direct write could) and
checks that every page that reads them still answers.
"""

import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext

from cases.models import CaseEvent, CaseNumberSequence, DisposalCase, LandParcel, ProjectLead
from tests import factories
from tests.worlds.ledger import case_row, csv_bytes, xlsx
from tests.worlds.staff import (
    World,
    add_document,
    build_world,
    case_data,
    form_data,
    new_case_data,
    new_enterprise_data,
    new_event_data,
    new_measure_data,
    new_parcel_data,
    sign_in,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
LONG = "长" * 201
INVALID_CHOICE = "Select a valid choice."
REQUIRED = "This field is required."
NOT_A_NUMBER = "Enter a number."
NOT_A_DATE = "Enter a valid date."
HUGE_ID = "99999999999999999999"


# The world and what a case checks ---------------------------------------------------------------


@dataclass
class Stage(World):
    """The two-park world of the view tests, with what the forms of park A need besides."""

    free_parcel: LandParcel = None
    investigating: DisposalCase = None
    measure_a: object = None
    document_a: object = None
    lead_a: ProjectLead = None
    event_a: CaseEvent = None


@pytest.fixture
def stage() -> Stage:
    world = build_world()
    park_a, officer = world.park_a, world.officer_a
    stage = Stage(**vars(world))
    stage.free_parcel = factories.make_parcel(
        park=park_a, code="A-02", location="甲园二路", area_m2="3000.00"
    )
    stage.investigating = factories.make_case(
        parcel=factories.make_parcel(park=park_a, code="A-03", location="甲园三路"),
        status="investigating",
        officer=officer,
        opened_on=date(2022, 3, 1),
    )
    stage.measure_a = factories.make_measure(case=world.case_a, method="other", notes="企业自筹资金技术改造")
    stage.document_a = add_document(case=world.case_a, doc_type="site_inspection", uploaded_by=officer)
    stage.lead_a = ProjectLead.objects.create(
        park=park_a, name="新能源电池项目", investor="某新能源公司", area_needed_m2=Decimal("5000")
    )
    stage.event_a = factories.make_event(
        case=world.case_a, occurred_on=date(2022, 2, 1), due_on=date(2022, 3, 3), title="甲园通知"
    )
    return stage


def rows_of_every_table() -> dict:
    """Every table of the cases app (history tables included) and the users, counted; the case-number
    sequences, the cases' versions and the evidence files, listed. A refusal leaves all of it as it was."""
    tables = {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_app_config("cases").get_models()
    }
    tables["auth_user"] = get_user_model().objects.count()
    tables["case number sequences"] = list(
        CaseNumberSequence.objects.order_by("pk").values_list("park_id", "year", "last_number")
    )
    tables["case versions"] = list(DisposalCase.objects.order_by("pk").values_list("pk", "version", "status"))
    evidence = Path(settings.EVIDENCE_ROOT)
    tables["evidence files"] = (
        sorted(str(p) for p in evidence.rglob("*") if p.is_file()) if evidence.exists() else []
    )
    return tables


def page_text(response) -> str:
    """The page as a reader sees it: HTML entities decoded."""
    return html.unescape(response.content.decode("utf-8", errors="replace"))


def zh(message: str, **values) -> str:
    """`message` in the settings' language (Chinese), as the commands say it."""
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(message)
    return text % values if values else text


@dataclass(frozen=True)
class Request:
    """One bad request: who sends what where, and what must come back."""

    path: Callable[[Stage], str]
    data: Callable[[Stage], dict] | None = None  # None: a GET
    status: int = 422
    message: str | Callable[[Stage], str] | None = None
    field: str | None = None  # the form field the message belongs to, if a form is shown again
    user: str = "officer_a"
    follow: bool = False  # a redirect whose page shows the message
    files: Callable[[], dict] | None = None  # uploads sent with the data

    def send(self, client, stage: Stage):
        sign_in(client, getattr(stage, self.user))
        path = self.path(stage)
        if self.data is None:
            return client.get(path)
        files = self.files() if self.files else {}
        return client.post(path, {**self.data(stage), **files})


def check(client, stage: Stage, request: Request) -> None:
    before = rows_of_every_table()
    response = request.send(client, stage)
    assert response.status_code != 500
    expected = 302 if request.follow else request.status
    assert response.status_code == expected, (response.status_code, page_text(response)[:3000])
    # Compared before a redirect is followed: opening a document's page records that it was viewed.
    assert rows_of_every_table() == before, "a refused request changed the database"
    if request.follow:
        response = client.get(response["Location"])
        # The page it leads back to: a report of an impossible year says so with a 400.
        assert response.status_code in (200, 400), response.status_code
    message = request.message(stage) if callable(request.message) else request.message
    if message is not None:
        assert message in page_text(response), f"{message!r} is not on the page"
        if request.field is not None:
            errors = response.context["form"].errors.get(request.field, [])
            assert any(message in str(error) for error in errors), (
                request.field,
                response.context["form"].errors,
            )


def changed(data: dict, name: str, value) -> dict:
    """A valid form's data with one field set to `value` (left out when empty, as a browser leaves it)."""
    return {k: v for k, v in {**data, name: value}.items() if v != ""}


def params(prefix: str, requests: list) -> list:
    return [pytest.param(request, id=f"{prefix}: {name}") for name, request in requests]


def past(label: str, value: str) -> str:
    return f"{label} {value} is outside the allowed range (1949-10-01 to today"


def planned(label: str, value: str) -> str:
    return f"{label} {value} is outside the allowed range (1949-10-01 to "


def outside(label: str, value: str, allowed: str) -> str:
    return f"{label} {value} is outside the allowed range ({allowed})."


AREA = "0.01 to 10,000,000 m²"
MONEY = "0 to 10,000,000, in 10k yuan"
PLOT_RATIO = "0 to 20"
PERCENT = "0% to 100%"
IMPLAUSIBLE_DATES = ["0001-01-01", "1900-01-01", "1949-09-30", "9999-12-31", "2035-01-01"]


# Forms: parcels ---------------------------------------------------------------------------------


def new_parcel(field_name: str, value, message: str, *, error_field: str | None = "") -> Request:
    return Request(
        path=lambda s: "/parcels/new/",
        data=lambda s: changed(new_parcel_data(s.park_a), field_name, value(s) if callable(value) else value),
        message=message,
        field=field_name if error_field == "" else error_field,
    )


PARCEL_FORM = [
    ("area empty", new_parcel("area_m2", "", REQUIRED)),
    ("area text", new_parcel("area_m2", "abc", NOT_A_NUMBER)),
    ("area formula", new_parcel("area_m2", "=1+1", NOT_A_NUMBER)),
    ("area HTML", new_parcel("area_m2", SCRIPT, NOT_A_NUMBER)),
    ("area infinite", new_parcel("area_m2", "Infinity", NOT_A_NUMBER)),
    ("area negative", new_parcel("area_m2", "-1", outside("Area (m²)", "-1", AREA))),
    ("area zero", new_parcel("area_m2", "0", outside("Area (m²)", "0", AREA))),
    ("area over 10 km²", new_parcel("area_m2", "10000000.01", outside("Area (m²)", "10,000,000.01", AREA))),
    (
        "area of the probe",
        new_parcel("area_m2", "999999999999", outside("Area (m²)", "999,999,999,999", AREA)),
    ),
    ("area of 15 digits", new_parcel("area_m2", "9" * 15, outside("Area (m²)", "999,999,999,999,999", AREA))),
    (
        "area in exponent form",
        new_parcel("area_m2", "1e30", "Area (m²) 1,000,000,000,000,000,000,000,000,000,000"),
    ),
    (
        "area of three decimals",
        new_parcel("area_m2", "12.345", "Area (m²) 12.345 has more than 2 decimal places."),
    ),
    ("code empty", new_parcel("code", "", REQUIRED)),
    (
        "code too long",
        new_parcel("code", "Z" * 41, "Ensure this value has at most 40 characters (it has 41)."),
    ),
    ("location empty", new_parcel("location", "", REQUIRED)),
    ("location too long", new_parcel("location", LONG, "at most 200 characters (it has 201)")),
    (
        "contract number too long",
        new_parcel("contract_number", "号" * 61, "at most 60 characters (it has 61)"),
    ),
    *[
        (f"contract signed {value}", new_parcel("contract_signed_on", value, past("Contract date", value)))
        for value in IMPLAUSIBLE_DATES
    ],
    ("contract signed on 30 February", new_parcel("contract_signed_on", "2022-02-30", NOT_A_DATE)),
    ("contract date formula", new_parcel("contract_signed_on", "=TODAY()", NOT_A_DATE)),
    ("contract date HTML", new_parcel("contract_signed_on", SCRIPT, NOT_A_DATE)),
    *[
        (f"agreed start {value}", new_parcel("agreed_start_on", value, planned("Agreed start date", value)))
        for value in ("0001-01-01", "1900-01-01", "9999-12-31")
    ],
    (
        "agreed completion 2100",
        new_parcel("agreed_completion_on", "2100-01-01", planned("Agreed completion date", "2100-01-01")),
    ),
    *[
        (f"actual start {value}", new_parcel("actual_start_on", value, past("Actual start date", value)))
        for value in ("0001-01-01", "2035-06-01", "9999-12-31")
    ],
    (
        "land price negative",
        new_parcel("land_price_wan", "-1", outside("Land price (10k yuan)", "-1", MONEY)),
    ),
    (
        "land price of 14 digits",
        new_parcel(
            "land_price_wan", "999999999999.99", outside("Land price (10k yuan)", "999,999,999,999.99", MONEY)
        ),
    ),
    (
        "plot ratio 25",
        new_parcel("required_plot_ratio", "25", outside("Required plot ratio", "25", PLOT_RATIO)),
    ),
    (
        "plot ratio negative",
        new_parcel("actual_plot_ratio", "-0.5", outside("Actual plot ratio", "-0.5", PLOT_RATIO)),
    ),
    (
        "plot ratio of the column's limit",
        new_parcel("actual_plot_ratio", "9999.99", outside("Actual plot ratio", "9,999.99", PLOT_RATIO)),
    ),
    ("plot ratio text", new_parcel("actual_plot_ratio", "x", NOT_A_NUMBER)),
    (
        "building area over its bound",
        new_parcel(
            "building_area_m2",
            "200000000.01",
            outside("Building area (m²)", "200,000,000.01", "0 to 200,000,000 m²"),
        ),
    ),
    (
        "investment of 1,000 trillion yuan",
        new_parcel(
            "invested_wan", "100000000000", outside("Investment made (10k yuan)", "100,000,000,000", MONEY)
        ),
    ),
    ("tax negative", new_parcel("annual_tax_wan", "-0.01", outside("Annual tax (10k yuan)", "-0.01", MONEY))),
    (
        "output too large",
        new_parcel("annual_output_wan", "99999999", outside("Annual output (10k yuan)", "99,999,999", MONEY)),
    ),
    ("cadastral code HTML", new_parcel("cadastral_code", SCRIPT, "at most 19 characters (it has 25)")),
    ("cadastral code formula", new_parcel("cadastral_code", "=1+1", "Enter a 19-character parcel code")),
    (
        "unit number formula",
        new_parcel("unit_number", "=HYPERLINK(1)", "Enter a 28-character real-estate unit"),
    ),
    ("land use unknown", new_parcel("land_use", "mine", INVALID_CHOICE)),
    ("land use HTML", new_parcel("land_use", SCRIPT, INVALID_CHOICE)),
    ("supply method empty", new_parcel("supply_method", "", REQUIRED)),
    ("park of another park", new_parcel("park", lambda s: s.park_b.pk, INVALID_CHOICE)),
    ("park not a number", new_parcel("park", "abc", INVALID_CHOICE)),
    ("park id too large", new_parcel("park", HUGE_ID, INVALID_CHOICE)),
    ("land user of another park", new_parcel("enterprise", lambda s: s.enterprise_b.pk, INVALID_CHOICE)),
]


def parcel_edit(message: str, field_name: str | None, **changes) -> Request:
    return Request(
        path=lambda s: f"/parcels/{s.parcel_a.pk}/edit/",
        data=lambda s: form_data(s.parcel_a, list(new_parcel_data(s.park_a)) + list(changes), **changes),
        message=message,
        field=field_name,
    )


PARCEL_EDITS = [
    ("area zero", parcel_edit(outside("Area (m²)", "0", AREA), "area_m2", area_m2="0")),
    (
        "area of 15 digits",
        parcel_edit("Area (m²) 999,999,999,999,999 is outside", "area_m2", area_m2="9" * 15),
    ),
    (
        "area below its case's",
        parcel_edit(
            "A case on this parcel covers 10000",
            "area_m2",
            area_m2="9999.99",
        ),
    ),
    (
        "contract signed 9999-12-31",
        parcel_edit(
            past("Contract date", "9999-12-31"), "contract_signed_on", contract_signed_on="9999-12-31"
        ),
    ),
    (
        "actual start 2035",
        parcel_edit(past("Actual start date", "2035-01-01"), "actual_start_on", actual_start_on="2035-01-01"),
    ),
    (
        "plot ratio 50",
        parcel_edit(
            outside("Required plot ratio", "50", PLOT_RATIO), "required_plot_ratio", required_plot_ratio="50"
        ),
    ),
    (
        "completion before start",
        parcel_edit(
            "The agreed completion date cannot be before the agreed start date.",
            None,
            agreed_start_on="2022-06-01",
            agreed_completion_on="2022-01-01",
        ),
    ),
    ("code emptied", parcel_edit(REQUIRED, "code", code="")),
]


# Forms: enterprises, partners and leads ---------------------------------------------------------


def new_enterprise(field_name: str, value, message: str, *, form_wide: bool = False) -> Request:
    return Request(
        path=lambda s: "/enterprises/new/",
        data=lambda s: changed(
            new_enterprise_data(s.park_a), field_name, value(s) if callable(value) else value
        ),
        message=message,
        field=None if form_wide else field_name,
    )


CREDIT_CODE = "Enter a valid unified social credit code"
ENTERPRISE_FORM = [
    ("name empty", new_enterprise("name", "", REQUIRED)),
    ("name too long", new_enterprise("name", LONG, "at most 200 characters (it has 201)")),
    ("credit code formula", new_enterprise("credit_code", "=1+1", CREDIT_CODE)),
    ("credit code HTML", new_enterprise("credit_code", SCRIPT, "at most 18 characters (it has 25)")),
    ("credit code of 17 characters", new_enterprise("credit_code", "91350100M000100Y4", CREDIT_CODE)),
    (
        "credit code check character",
        new_enterprise("credit_code", "91350100M000100Y44", "expected 3, found 4"),
    ),
    (
        "credit code taken in the park",
        new_enterprise(
            "credit_code", lambda s: s.enterprise_a.credit_code, "already registered", form_wide=True
        ),
    ),
    ("phone too long", new_enterprise("contact_phone", "1" * 31, "at most 30 characters (it has 31)")),
    ("contact too long", new_enterprise("contact_person", "联" * 51, "at most 50 characters (it has 51)")),
    ("park of another park", new_enterprise("park", lambda s: s.park_b.pk, INVALID_CHOICE)),
]


def new_partner(field_name: str, value, message: str, *, form_wide: bool = False) -> Request:
    base = {"name": "甲园投资基金", "kind": "fund"}
    return Request(
        path=lambda s: "/partners/new/",
        data=lambda s: {
            "park": s.park_a.pk,
            **base,
            field_name: value(s) if callable(value) else value,
        },
        message=message,
        field=None if form_wide else field_name,
    )


PARTNER_FORM = [
    ("name empty", new_partner("name", "", REQUIRED)),
    ("name too long", new_partner("name", LONG, "at most 200 characters (it has 201)")),
    (
        "name taken in the park",
        new_partner("name", "珠海农商银行", "This park already has a partner of this name.", form_wide=True),
    ),
    ("kind unknown", new_partner("kind", "bogus", INVALID_CHOICE)),
    ("kind formula", new_partner("kind", "=1+1", INVALID_CHOICE)),
    ("phone too long", new_partner("contact_phone", "1" * 31, "at most 30 characters (it has 31)")),
    ("park of another park", new_partner("park", lambda s: s.park_b.pk, INVALID_CHOICE)),
]


def new_lead(field_name: str, value, message: str) -> Request:
    base = {
        "name": "智能装备项目",
        "investor": "某装备公司",
        "area_needed_m2": "8000",
        "land_use": "industrial",
    }
    return Request(
        path=lambda s: "/leads/new/",
        data=lambda s: {
            k: v
            for k, v in {
                "park": s.park_a.pk,
                **base,
                field_name: value(s) if callable(value) else value,
            }.items()
            if v != ""
        },
        message=message,
        field=field_name,
    )


LEAD_FORM = [
    ("name empty", new_lead("name", "", REQUIRED)),
    ("investor empty", new_lead("investor", "", REQUIRED)),
    ("area zero", new_lead("area_needed_m2", "0", outside("Land area needed (m²)", "0", AREA))),
    ("area negative", new_lead("area_needed_m2", "-5", outside("Land area needed (m²)", "-5", AREA))),
    (
        "area of 20 digits",
        new_lead("area_needed_m2", "1" * 20, "Land area needed (m²) 11,111,111,111,111,111,111"),
    ),
    ("area text", new_lead("area_needed_m2", "abc", NOT_A_NUMBER)),
    ("plot ratio 99", new_lead("min_plot_ratio", "99", outside("Minimum plot ratio", "99", PLOT_RATIO))),
    (
        "investment too large",
        new_lead(
            "planned_investment_wan",
            "1000000000000",
            outside("Planned investment (10k yuan)", "1,000,000,000,000", MONEY),
        ),
    ),
    ("land use unknown", new_lead("land_use", "bogus", INVALID_CHOICE)),
    ("park of another park", new_lead("park", lambda s: s.park_b.pk, INVALID_CHOICE)),
]


# Forms: cases -----------------------------------------------------------------------------------


def new_case(field_name: str, value, message: str, *, error_field: str | None = "") -> Request:
    return Request(
        path=lambda s: "/cases/new/",
        data=lambda s: changed(
            new_case_data(s.free_parcel, s.officer_a), field_name, value(s) if callable(value) else value
        ),
        message=message,
        field=field_name if error_field == "" else error_field,
    )


CASE_FORM = [
    *[
        (f"opened {value}", new_case("opened_on", value, past("Opened on", value)))
        for value in IMPLAUSIBLE_DATES
    ],
    ("opened empty", new_case("opened_on", "", REQUIRED)),
    ("opened on 30 February", new_case("opened_on", "2023-02-30", NOT_A_DATE)),
    ("opened formula", new_case("opened_on", "=NOW()", NOT_A_DATE)),
    ("opened HTML", new_case("opened_on", SCRIPT, NOT_A_DATE)),
    ("area zero", new_case("case_area_m2", "0", outside("Area under disposal (m²)", "0", AREA))),
    ("area negative", new_case("case_area_m2", "-1", outside("Area under disposal (m²)", "-1", AREA))),
    (
        "area of 20 digits",
        new_case("case_area_m2", "1e20", "Area under disposal (m²) 100,000,000,000,000,000,000"),
    ),
    ("area text", new_case("case_area_m2", "abc", NOT_A_NUMBER)),
    (
        "area over the parcel's",
        new_case("case_area_m2", "3000.01", "cannot exceed the parcel's area of 3000.00 m²"),
    ),
    ("area of three decimals", new_case("case_area_m2", "12.345", "has more than 2 decimal places")),
    *[
        (f"target {value}", new_case("target_on", value, planned("Planned completion date", value)))
        for value in ("0001-01-01", "1900-01-01", "9999-12-31", "2100-01-01")
    ],
    ("decision in 2035", new_case("decision_on", "2035-01-01", past("Decision date", "2035-01-01"))),
    ("category empty", new_case("category", "", REQUIRED)),
    ("category unknown", new_case("category", "bogus", INVALID_CHOICE)),
    ("cause of idleness HTML", new_case("idle_cause", SCRIPT, INVALID_CHOICE)),
    ("litigation formula", new_case("litigation", "=1+1", INVALID_CHOICE)),
    ("disposal method unknown", new_case("disposal_method", "sell_it", INVALID_CHOICE)),
    ("officer of another park", new_case("officer", lambda s: s.officer_b.pk, INVALID_CHOICE)),
    ("officer not a number", new_case("officer", "abc", INVALID_CHOICE)),
    ("parcel of another park", new_case("parcel", lambda s: s.parcel_b.pk, INVALID_CHOICE)),
    ("parcel id too large", new_case("parcel", HUGE_ID, INVALID_CHOICE)),
    (
        "parcel with an open case",
        new_case("parcel", lambda s: s.parcel_a.pk, "already has an open case:"),
    ),
]


def case_edit(message: str, field_name: str | None, *, status: int = 422, **changes) -> Request:
    def data(s: Stage) -> dict:
        posted = case_data(s.case_a, **changes)
        return {k: v for k, v in posted.items() if changes.get(k) != ""}

    return Request(
        path=lambda s: f"/cases/{s.case_a.number}/edit/",
        data=data,
        message=message,
        field=field_name,
        status=status,
    )


CASE_EDITS = [
    ("opened 9999-12-31", case_edit(past("Opened on", "9999-12-31"), "opened_on", opened_on="9999-12-31")),
    ("opened 1900-01-01", case_edit(past("Opened on", "1900-01-01"), "opened_on", opened_on="1900-01-01")),
    (
        "target 9999-12-31",
        case_edit(planned("Planned completion date", "9999-12-31"), "target_on", target_on="9999-12-31"),
    ),
    (
        "area of 15 digits",
        case_edit("Area under disposal (m²) 1,000,000,000,000,000 is", "case_area_m2", case_area_m2="1e15"),
    ),
    (
        "area zero",
        case_edit(outside("Area under disposal (m²)", "0", AREA), "case_area_m2", case_area_m2="0"),
    ),
    ("version text", case_edit("Enter a whole number.", "version", version="abc")),
    ("version lost", case_edit("This form lost track of the version", "version", version="")),
    (
        "version below 1",
        case_edit("Ensure this value is greater than or equal to 1.", "version", version="-1"),
    ),
    ("version never had", case_edit("Someone else saved case", None, status=409, version=HUGE_ID[:9])),
    ("officer not a number", case_edit(INVALID_CHOICE, "officer", officer="abc")),
]


# Forms: the timeline, measures, evidence --------------------------------------------------------


def new_event(message: str, field_name: str | None, **changes) -> Request:
    return Request(
        path=lambda s: f"/cases/{s.case_a.number}/events/new/",
        data=lambda s: new_event_data(**{k: v(s) if callable(v) else v for k, v in changes.items()}),
        message=message,
        field=field_name,
    )


EVENT_FORM = [
    *[
        (f"dated {value}", new_event(past("Date", value), "occurred_on", occurred_on=value))
        for value in IMPLAUSIBLE_DATES
    ],
    (
        "dated before the case was opened",
        new_event(
            "The date 2022-01-09 is before the case was opened on 2022-01-10",
            "occurred_on",
            occurred_on="2022-01-09",
        ),
    ),
    ("date empty", new_event(REQUIRED, "occurred_on", occurred_on="")),
    ("date of month 13", new_event(NOT_A_DATE, "occurred_on", occurred_on="2022-13-01")),
    ("date formula", new_event(NOT_A_DATE, "occurred_on", occurred_on="=TODAY()")),
    ("deadline 9999-12-31", new_event(planned("Response due", "9999-12-31"), "due_on", due_on="9999-12-31")),
    ("deadline 2100", new_event(planned("Response due", "2100-01-01"), "due_on", due_on="2100-01-01")),
    (
        "deadline before the event",
        new_event("A deadline cannot fall before the event that opens it.", "due_on", due_on="2022-03-01"),
    ),
    ("title empty", new_event(REQUIRED, "title", title="")),
    ("title too long", new_event("at most 200 characters (it has 201)", "title", title=LONG)),
    ("kind a status change", new_event(INVALID_CHOICE, "kind", kind="status_change")),
    ("kind HTML", new_event(INVALID_CHOICE, "kind", kind=SCRIPT)),
    ("document of another park", new_event(INVALID_CHOICE, "evidence", evidence=lambda s: s.document_b.pk)),
]


def new_measure(message: str, field_name: str | None, **changes) -> Request:
    return Request(
        path=lambda s: f"/cases/{s.case_a.number}/measures/new/",
        data=lambda s: new_measure_data(**{k: v(s) if callable(v) else v for k, v in changes.items()}),
        message=message,
        field=field_name,
    )


def loan(message: str, field_name: str, **changes) -> Request:
    return new_measure(
        message, field_name, **{"method": "loan", "partner": lambda s: s.partner_a.pk, **changes}
    )


INTEREST = "0% to 24% a year; 24% is the highest lending rate the courts have protected"
MEASURE_FORM = [
    ("method empty", new_measure(REQUIRED, "method", method="")),
    ("method unknown", new_measure(INVALID_CHOICE, "method", method="barter")),
    (
        "amount negative",
        new_measure(outside("Amount (10k yuan)", "-1", MONEY), "amount_wan", amount_wan="-1"),
    ),
    (
        "amount over 1,000 yi yuan",
        new_measure(
            outside("Amount (10k yuan)", "10,000,000.01", MONEY), "amount_wan", amount_wan="10000000.01"
        ),
    ),
    (
        "amount of 15 digits",
        new_measure("Amount (10k yuan) 999,999,999,999,999 is", "amount_wan", amount_wan="9" * 15),
    ),
    ("amount formula", new_measure(NOT_A_NUMBER, "amount_wan", amount_wan="=1+1")),
    ("amount text", new_measure(NOT_A_NUMBER, "amount_wan", amount_wan="lots")),
    *[
        (
            f"term of {value} months",
            loan(outside("Term (months)", shown, "1 to 600 months"), "term_months", term_months=value),
        )
        for value, shown in (("0", "0"), ("601", "601"), ("99999", "99,999"), ("-3", "-3"))
    ],
    ("term text", loan("Enter a whole number.", "term_months", term_months="abc")),
    *[
        (
            f"interest of {value}%",
            loan(
                outside("Interest rate (% a year)", value, INTEREST),
                "interest_rate_pct",
                interest_rate_pct=value,
            ),
        )
        for value in ("24.01", "150", "-1")
    ],
    (
        "interest subsidy too large",
        loan(
            outside("Interest subsidy (10k yuan)", "1,000,000,000", MONEY),
            "interest_subsidy_wan",
            interest_subsidy_wan="1e9",
        ),
    ),
    *[
        (f"drawn {value}", loan(past("Drawn on", value), "drawn_on", drawn_on=value))
        for value in ("2035-01-01", "0001-01-01")
    ],
    (
        "collateral of another park",
        loan(INVALID_CHOICE, "collateral_parcel", collateral_parcel=lambda s: s.parcel_b.pk),
    ),
    *[
        (
            f"share acquired {value}%",
            new_measure(
                outside("Share acquired (%)", value, PERCENT),
                "equity_share_pct",
                method="equity_acquisition",
                partner=lambda s: s.partner_a.pk,
                equity_share_pct=value,
            ),
        )
        for value in ("130", "-5")
    ],
    (
        "change registered 9999-12-31",
        new_measure(
            past("Change registered on", "9999-12-31"),
            "registered_on",
            method="equity_acquisition",
            partner=lambda s: s.partner_a.pk,
            registered_on="9999-12-31",
        ),
    ),
    (
        "partner's share 101%",
        new_measure(
            outside("Partner's share (%)", "101", PERCENT),
            "partner_share_pct",
            method="joint_development",
            partner=lambda s: s.partner_a.pk,
            project_name="共建园",
            partner_share_pct="101",
        ),
    ),
    (
        "project name too long",
        new_measure(
            "at most 200 characters (it has 201)",
            "project_name",
            method="joint_development",
            partner=lambda s: s.partner_a.pk,
            project_name=LONG,
        ),
    ),
    *[
        (f"started {value}", new_measure(past("Started on", value), "started_on", started_on=value))
        for value in ("2035-01-01", "1900-01-01")
    ],
    ("started on 30 February", new_measure(NOT_A_DATE, "started_on", started_on="2022-02-30")),
    ("partner of another park", loan(INVALID_CHOICE, "partner", partner=lambda s: s.partner_b.pk)),
]


def pdf(name: str = "现场照片.pdf", content: bytes = b"%PDF-1.4\n%bad input catalogue\n") -> dict:
    return {"files": SimpleUploadedFile(name, content, content_type="application/pdf")}


def upload_evidence(message: str, field_name: str | None, *, files=pdf, **changes) -> Request:
    base = {"doc_type": "site_inspection", "title": "现场勘查照片"}
    return Request(
        path=lambda s: f"/cases/{s.case_a.number}/evidence/new/",
        data=lambda s: {k: v for k, v in {**base, **changes}.items() if v != ""},
        message=message,
        field=field_name,
        files=files,
    )


EVIDENCE_FORM = [
    *[
        (
            f"document dated {value}",
            upload_evidence(past("Document date", value), "document_date", document_date=value),
        )
        for value in ("0001-01-01", "9999-12-31", "2035-01-01")
    ],
    (
        "obtained 1900-01-01",
        upload_evidence(past("Date obtained", "1900-01-01"), "obtained_on", obtained_on="1900-01-01"),
    ),
    ("document date formula", upload_evidence(NOT_A_DATE, "document_date", document_date="=TODAY()")),
    ("title empty", upload_evidence(REQUIRED, "title", title="")),
    ("title too long", upload_evidence("at most 200 characters (it has 201)", "title", title=LONG)),
    ("type unknown", upload_evidence(INVALID_CHOICE, "doc_type", doc_type="bogus")),
    ("no file", upload_evidence("Choose at least one file.", "files", files=lambda: {})),
    ("empty file", upload_evidence("The submitted file is empty.", "files", files=lambda: pdf(content=b""))),
    (
        "a program named .pdf",
        upload_evidence(
            "“现场照片.pdf” is not a file type that evidence may be",
            "files",
            files=lambda: pdf(content=b"MZ\x90\x00\x03\x00\x00\x00"),
        ),
    ),
    (
        "HTML named .exe",
        upload_evidence(
            "is not a file type that evidence may be", "files", files=lambda: pdf("x.exe", SCRIPT.encode())
        ),
    ),
]


# Actions that answer with a redirect and a message ----------------------------------------------


def measure_step(message: str, **data) -> Request:
    return Request(
        path=lambda s: f"/cases/{s.case_a.number}/measures/{s.measure_a.pk}/step/",
        data=lambda s: {"to": "negotiating", **data},
        message=message,
        follow=True,
    )


MEASURE_STEPS = [
    *[
        (f"on {value}", measure_step(past("Date", value), on=value))
        for value in ("2035-01-01", "0001-01-01", "9999-12-31")
    ],
    (
        "before the case was opened",
        measure_step("The date 2021-12-31 is before the case was opened on 2022-01-10", on="2021-12-31"),
    ),
    ("date empty", measure_step(REQUIRED, on="")),
    ("date text", measure_step(NOT_A_DATE, on="abc")),
    ("a step that does not follow", measure_step(INVALID_CHOICE, to="completed", on="2022-05-01")),
    ("a step of HTML", measure_step(INVALID_CHOICE, to=SCRIPT, on="2022-05-01")),
]


def target(message: str | None, *, status: int = 302, **data) -> Request:
    return Request(
        path=lambda s: "/reports/targets/",
        data=lambda s: {"park": "AA", "year": "2022", "rate_pct": "60", **data},
        message=message,
        status=status,
        user="admin_a",
        follow=status == 302,
    )


TARGETS = [
    ("year 1999", target(outside("Year", "1999", "2000 to 2100"), year="1999")),
    ("year 2101", target(outside("Year", "2101", "2000 to 2100"), year="2101")),
    ("year 9999", target(outside("Year", "9999", "2000 to 2100"), year="9999")),
    ("year text", target("Enter a whole number.", year="abc")),
    ("year empty", target(REQUIRED, year="")),
    ("rate over 100", target(outside("Target disposal rate (%)", "101", PERCENT), rate_pct="101")),
    ("rate negative", target(outside("Target disposal rate (%)", "-1", PERCENT), rate_pct="-1")),
    (
        "rate of two decimals",
        target("Target disposal rate (%) 55.55 has more than 1 decimal places.", rate_pct="55.55"),
    ),
    ("rate formula", target(NOT_A_NUMBER, rate_pct="=1+1")),
    ("park of another park", target(None, status=404, park="BB")),
    ("park empty", target(None, status=404, park="")),
    ("park HTML", target(None, status=404, park=SCRIPT)),
]


def close_month(message: str | None, *, status: int = 302, user: str = "supervisor_a", **data) -> Request:
    return Request(
        path=lambda s: "/reports/monthly/close/",
        data=lambda s: {"park": "AA", "year": "2022", "month": "5", **data},
        message=message,
        status=status,
        user=user,
        follow=status == 302,
    )


MONTH_CLOSES = [
    ("month 13", close_month("Choose a month to close.", month="13")),
    ("month 0", close_month("Choose a month to close.", month="0")),
    ("month text", close_month("Choose a month to close.", month="abc")),
    (
        "year 1999",
        close_month("A month from 1 to 12 of a year from 2000 to 2100 can be closed.", year="1999"),
    ),
    (
        "year 9999",
        close_month("A month from 1 to 12 of a year from 2000 to 2100 can be closed.", year="9999"),
    ),
    ("a month not yet over", close_month("has not ended yet", year=str(date.today().year + 1), month="1")),
    ("park of another park", close_month(None, status=404, park="BB")),
    ("by an officer", close_month(None, status=403, user="officer_a")),
]


OTHER_ACTIONS = [
    (
        "lead linked to a case number that cannot be",
        Request(
            lambda s: f"/leads/{s.lead_a.pk}/link/",
            lambda s: {"case": "AA-2022-99999999999", "link": "transfer"},
            404,
        ),
    ),
    (
        "lead linked to another park's case",
        Request(
            lambda s: f"/leads/{s.lead_a.pk}/link/",
            lambda s: {"case": s.case_b.number, "link": "transfer"},
            404,
        ),
    ),
    (
        "lead linked in an unknown way",
        Request(
            lambda s: f"/leads/{s.lead_a.pk}/link/",
            lambda s: {"case": s.case_a.number, "link": SCRIPT},
            message="Choose how the lead is linked",
            follow=True,
        ),
    ),
    (
        "step to a status that does not exist",
        Request(
            lambda s: f"/cases/{s.case_a.number}/transition/",
            lambda s: {"to": "bogus"},
            message="cannot move to “bogus” now, or not by you.",
            follow=True,
        ),
    ),
    *[
        (
            f"identified on {value}",
            Request(
                lambda s: f"/cases/{s.investigating.number}/transition/",
                lambda s, value=value: {
                    "to": "identified",
                    "identified_on": value,
                    "override_reason": "试行",
                },
                status=422,
                message=message,
                user="supervisor_a",
            ),
        )
        for value, message in (
            ("9999-12-31", "The identification date 9999-12-31 is in the future."),
            ("2035-01-01", "The identification date 2035-01-01 is in the future."),
            ("0001-01-01", "The identification date 0001-01-01 is before the case was opened on 2022-03-01."),
            ("abc", NOT_A_DATE),
        )
    ],
    (
        "withdrawal without a reason",
        Request(
            lambda s: f"/evidence/{s.document_a.pk}/withdraw/",
            lambda s: {"reason": ""},
            message="Give the reason for withdrawing the document.",
            follow=True,
        ),
    ),
    (
        "radar case on another park's parcel",
        Request(lambda s: "/radar/open-case/", lambda s: {"parcel": s.parcel_b.pk, "category": "idle"}, 404),
    ),
    (
        "radar case on no parcel",
        Request(lambda s: "/radar/open-case/", lambda s: {"parcel": "abc", "category": "idle"}, 404),
    ),
    (
        "radar case of no category",
        Request(
            lambda s: "/radar/open-case/",
            lambda s: {"parcel": s.free_parcel.pk, "category": "=1+1"},
            message="Choose whether the case is about idle or low-efficiency land.",
            follow=True,
        ),
    ),
    (
        "deadline of another park's event met",
        Request(lambda s: f"/cases/{s.case_a.number}/events/{s.event_b.pk}/met/", lambda s: {}, 404),
    ),
    (
        "month reopened that was never closed",
        Request(lambda s: "/reports/monthly/reopen/99999/", lambda s: {"reason": "x"}, 404),
    ),
]


# Lists, filters, sorting and pages --------------------------------------------------------------


def listing(path: str, *, message: str | None = None, status: int = 200) -> Request:
    return Request(
        path=lambda s: path if "{" not in path else path.format(s=s), message=message, status=status
    )


LISTS = [
    ("case status unknown", listing("/cases/?status=bogus", message=INVALID_CHOICE)),
    ("case status HTML", listing("/cases/?status=%3Cscript%3E", message=INVALID_CHOICE)),
    ("case park text", listing("/cases/?park=abc", message=INVALID_CHOICE)),
    ("case park of another park", listing("/cases/?park={s.park_b.pk}", message=INVALID_CHOICE)),
    ("case park id too large", listing(f"/cases/?park={HUGE_ID}", message=INVALID_CHOICE)),
    ("case officer text", listing("/cases/?officer=abc", message=INVALID_CHOICE)),
    ("case officer of another park", listing("/cases/?officer={s.officer_b.pk}", message=INVALID_CHOICE)),
    ("case category formula", listing("/cases/?category=%3D1%2B1", message=INVALID_CHOICE)),
    ("case method unknown", listing("/cases/?disposal_method=sell", message=INVALID_CHOICE)),
    ("case flag not yes or no", listing("/cases/?low_willingness=maybe")),
    ("opened after 30 February", listing("/cases/?opened_after=2022-02-30", message=NOT_A_DATE)),
    ("opened before a formula", listing("/cases/?opened_before=%3DTODAY()", message=NOT_A_DATE)),
    ("opened after 0001-01-01", listing("/cases/?opened_after=0001-01-01")),
    ("opened before 9999-12-31", listing("/cases/?opened_before=9999-12-31")),
    ("identified after 1900-01-01", listing("/cases/?identified_after=1900-01-01")),
    ("disposed before 2035-01-01", listing("/cases/?disposed_before=2035-01-01")),
    ("register year 1999", listing("/cases/?register_year=1999", message="greater than or equal to 2000")),
    ("register year text", listing("/cases/?register_year=abc", message=NOT_A_NUMBER)),
    (
        "register year too large",
        listing(f"/cases/?register_year={HUGE_ID}", message="less than or equal to 2100"),
    ),
    ("register as of text", listing("/cases/?as_of=abc", message=NOT_A_DATE)),
    ("search of HTML", listing("/cases/?q=%3Cscript%3Ealert(1)%3C/script%3E")),
    ("search of 2,000 characters", listing("/cases/?q=" + "长" * 2000)),
    ("sort by HTML", listing("/cases/?sort=%3Cscript%3E")),
    ("sort by an unknown column", listing("/cases/?sort=-password")),
    ("sort by a quote", listing("/cases/?sort=%27")),
    ("page 0", listing("/cases/?page=0")),
    ("page text", listing("/cases/?page=abc")),
    ("page negative", listing("/cases/?page=-1")),
    ("page past the end", listing("/cases/?page=99999", status=404)),
    ("page too large", listing(f"/cases/?page={HUGE_ID}", status=404)),
    ("export of another kind", listing("/cases/export.exe", status=404)),
    ("case CSV with a bad filter", listing("/cases/export.csv?status=bogus&sort=%27")),
    ("parcel park text", listing("/parcels/?park=abc", message=INVALID_CHOICE)),
    ("parcel sort unknown", listing("/parcels/?sort=area_m2%3B")),
    ("parcel XLSX with a bad park", listing("/parcels/export.xlsx?park={s.park_b.pk}")),
    ("enterprise park of another park", listing("/enterprises/?park={s.park_b.pk}", message=INVALID_CHOICE)),
    ("measure method unknown", listing("/measures/?method=barter", message=INVALID_CHOICE)),
    ("partner kind unknown", listing("/partners/?kind=bogus", message=INVALID_CHOICE)),
    ("lead status unknown", listing("/leads/?status=bogus", message=INVALID_CHOICE)),
    ("deadlines of a park that is text", listing("/deadlines/?park=abc")),
    ("deadlines of an officer id too large", listing(f"/deadlines/?officer={HUGE_ID}")),
    (
        "report year text",
        listing("/reports/monthly/?year=abc", status=400, message="The year must be a number"),
    ),
    ("report year 9999", listing("/reports/monthly/?year=9999", status=400, message="between 2000 and 2100")),
    ("report date of 30 February", listing("/reports/monthly/?year=2022&as_of=2022-02-30", status=400)),
    ("report park of another park", listing("/reports/monthly/?park={s.park_b.pk}", status=404)),
    ("report CSV of year 0", listing("/reports/monthly.csv?year=0", status=400)),
    ("report of another format", listing("/reports/monthly.exe?year=2022", status=404)),
    ("radar park text", listing("/radar/?park=abc")),
]


# URLs -------------------------------------------------------------------------------------------


URLS = [
    ("case number with a huge sequence", listing("/cases/AA-2022-99999999999/", status=404)),
    ("case number of HTML", listing("/cases/%3Cscript%3E/", status=404)),
    ("case number with a space", listing("/cases/AA-2022-001%20/", status=404)),
    ("case number with a right-to-left mark", listing("/cases/%E2%80%AEAA-2022-001/", status=404)),
    ("case of another park", listing("/cases/{s.case_b.number}/", status=404)),
    ("case of another park, edit", listing("/cases/{s.case_b.number}/edit/", status=404)),
    ("case of another park, evidence", listing("/cases/{s.case_b.number}/evidence.zip", status=404)),
    ("parcel id too large", listing(f"/parcels/{HUGE_ID}/", status=404)),
    ("parcel of another park", listing("/parcels/{s.parcel_b.pk}/", status=404)),
    ("enterprise of another park", listing("/enterprises/{s.enterprise_b.pk}/edit/", status=404)),
    ("document of another park", listing("/evidence/{s.document_b.pk}/", status=404)),
    ("download of another park's document", listing("/evidence/{s.document_b.pk}/download/", status=404)),
    ("custody log of a document id too large", listing(f"/evidence/{HUGE_ID}/custody.csv", status=404)),
    ("partner of another park", listing("/partners/{s.partner_b.pk}/", status=404)),
    ("lead that does not exist", listing("/leads/99999/", status=404)),
    ("new case for a parcel of HTML", listing("/cases/new/?parcel=%3Cscript%3E")),
    (
        "upload superseding another park's document",
        listing("/cases/{s.case_a.number}/evidence/new/?supersedes={s.document_b.pk}", status=404),
    ),
]


# Wrong role, wrong park -------------------------------------------------------------------------


VALID_POSTS: list[tuple[str, Callable[[Stage], str], Callable[[Stage], dict]]] = [
    ("new parcel", lambda s: "/parcels/new/", lambda s: new_parcel_data(s.park_a)),
    (
        "parcel edit",
        lambda s: f"/parcels/{s.parcel_a.pk}/edit/",
        lambda s: new_parcel_data(s.park_a, code="A-01"),
    ),
    ("new enterprise", lambda s: "/enterprises/new/", lambda s: new_enterprise_data(s.park_a)),
    ("new case", lambda s: "/cases/new/", lambda s: new_case_data(s.free_parcel, s.officer_a)),
    ("case edit", lambda s: f"/cases/{s.case_a.number}/edit/", lambda s: case_data(s.case_a, summary="改")),
    ("new event", lambda s: f"/cases/{s.case_a.number}/events/new/", lambda s: new_event_data()),
    ("new measure", lambda s: f"/cases/{s.case_a.number}/measures/new/", lambda s: new_measure_data()),
    (
        "measure step",
        lambda s: f"/cases/{s.case_a.number}/measures/{s.measure_a.pk}/step/",
        lambda s: {"to": "negotiating", "on": "2022-05-01"},
    ),
    ("transition", lambda s: f"/cases/{s.case_a.number}/transition/", lambda s: {"to": "investigating"}),
    ("deadline met", lambda s: f"/cases/{s.case_a.number}/events/{s.event_a.pk}/met/", lambda s: {}),
    (
        "lead link",
        lambda s: f"/leads/{s.lead_a.pk}/link/",
        lambda s: {"case": s.case_a.number, "link": "transfer"},
    ),
    ("evidence withdrawal", lambda s: f"/evidence/{s.document_a.pk}/withdraw/", lambda s: {"reason": "重复"}),
    ("radar case", lambda s: "/radar/open-case/", lambda s: {"parcel": s.free_parcel.pk, "category": "idle"}),
    ("target", lambda s: "/reports/targets/", lambda s: {"park": "AA", "year": "2022", "rate_pct": "60"}),
    (
        "month close",
        lambda s: "/reports/monthly/close/",
        lambda s: {"park": "AA", "year": "2022", "month": "5"},
    ),
]
# The creation forms name their park in the data, so another park's officer is refused the choice (422).
NO_OBJECT_OF_THE_PARK = {"new parcel", "new enterprise", "new case"}

WRONG_ROLE = [
    (f"viewer: {name}", Request(path=path, data=data, status=403, user="viewer_a"))
    for name, path, data in VALID_POSTS
]
WRONG_PARK = [
    (
        f"other park's officer: {name}",
        Request(
            path=path,
            data=data,
            status=422 if name in NO_OBJECT_OF_THE_PARK else 404,
            message=INVALID_CHOICE if name in NO_OBJECT_OF_THE_PARK else None,
            user="officer_b",
        ),
    )
    for name, path, data in VALID_POSTS
]


@pytest.mark.parametrize(
    "request_",
    [
        *params("parcel form", PARCEL_FORM),
        *params("parcel edit", PARCEL_EDITS),
        *params("enterprise form", ENTERPRISE_FORM),
        *params("partner form", PARTNER_FORM),
        *params("lead form", LEAD_FORM),
        *params("case form", CASE_FORM),
        *params("case edit", CASE_EDITS),
        *params("event form", EVENT_FORM),
        *params("measure form", MEASURE_FORM),
        *params("evidence upload", EVIDENCE_FORM),
        *params("measure step", MEASURE_STEPS),
        *params("target", TARGETS),
        *params("month close", MONTH_CLOSES),
        *params("action", OTHER_ACTIONS),
        *params("list", LISTS),
        *params("URL", URLS),
        *params("role", WRONG_ROLE),
        *params("park", WRONG_PARK),
    ],
)
def test_a_bad_request_is_refused_with_its_reason_and_changes_nothing(client, stage, request_):
    check(client, stage, request_)


# Control characters (the hostile-input middleware) ----------------------------------------------


HOSTILE = [
    ("NUL in a filter", Request(path=lambda s: "/cases/?park=%00", status=400)),
    ("NUL in a case number", Request(path=lambda s: f"/cases/{s.case_a.number}%00/", status=400)),
    (
        "NUL in the target year",
        Request(
            path=lambda s: "/reports/targets/",
            data=lambda s: {"park": "AA", "year": "2022\x00", "rate_pct": "60"},
            status=400,
            user="admin_a",
        ),
    ),
    (
        "escape character in an event title",
        Request(
            path=lambda s: f"/cases/{s.case_a.number}/events/new/",
            data=lambda s: new_event_data(title="送达\x1b[31m通知"),
            status=400,
        ),
    ),
]


@pytest.mark.parametrize("request_", params("control characters", HOSTILE))
def test_control_characters_are_refused_as_a_bad_request(client, stage, request_):
    if "parkland.middleware.HostileInputMiddleware" not in settings.MIDDLEWARE:
        pytest.skip(
            "control characters are refused by parkland.middleware.HostileInputMiddleware, not installed"
        )
    check(client, stage, request_)


# The ledger page --------------------------------------------------------------------------------


def ledger_row(n: int = 1, **values) -> dict:
    """A valid row for park AA (the view tests' park A), its own parcel and enterprise."""
    row = case_row(
        n,
        park="AA",
        parcel_code=f"AA-L{n:02d}",
        enterprise=f"甲园导入{n}有限公司",
        credit_code=factories.credit_code(7000 + n),
        officer="officer-a",
    )
    row.update(values)
    return row


def latin1_csv() -> bytes:
    """A CSV saved as Latin-1: neither UTF-8 nor GB18030."""
    return "park,parcel_code,location\nAA,A-99,Café Straße\n".encode("latin-1")


WRONG_ENCODING = "This file is neither XLSX nor CSV in UTF-8 or GB18030 (GBK)"


@dataclass(frozen=True)
class Ledger:
    data: Callable[[], bytes]
    message: str
    name: str = "台账.xlsx"


LEDGERS = [
    ("empty file", Ledger(lambda: b"", "The submitted file is empty.", "台账.csv")),
    (
        "old Excel workbook",
        Ledger(lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel 97–2003 workbook (.xls)"),
    ),
    (
        "an image",
        Ledger(lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "This file is not a spreadsheet"),
    ),
    ("Latin-1 CSV", Ledger(latin1_csv, WRONG_ENCODING, "台账.csv")),
    (
        "case number with a huge sequence",
        Ledger(
            lambda: xlsx([ledger_row(case_number="AA-2022-99999999999")]),
            "Case number AA-2022-99999999999 is not of the form",
        ),
    ),
    (
        "case number of a future year",
        Ledger(
            lambda: xlsx([ledger_row(case_number="AA-2030-001")]),
            "Case number AA-2030-001 is not of the form",
        ),
    ),
    (
        "case number of no park",
        Ledger(
            lambda: xlsx([ledger_row(case_number="ZZ-2022-001")]), "does not begin with the park's code AA"
        ),
    ),
    (
        "case number of HTML",
        Ledger(lambda: xlsx([ledger_row(case_number=SCRIPT)]), f"Case number {SCRIPT} is not of the form"),
    ),
    (
        "opened 9999-12-15",
        Ledger(lambda: xlsx([ledger_row(opened_on="9999-12-15")]), past("Opened on", "9999-12-15")),
    ),
    (
        "identified 1900-01-01",
        Ledger(lambda: xlsx([ledger_row(identified_on="1900-01-01")]), past("Identified on", "1900-01-01")),
    ),
    (
        "target 2100",
        Ledger(
            lambda: xlsx([ledger_row(target_on="2100-01-01")]),
            planned("Planned completion date", "2100-01-01"),
        ),
    ),
    (
        "parcel of 999,999,999,999 m²",
        Ledger(
            lambda: xlsx([ledger_row(parcel_area_m2="999,999,999,999", case_area_m2="1000")]),
            outside("Area (m²)", "999,999,999,999", AREA),
        ),
    ),
    ("a formula", Ledger(lambda: xlsx([ledger_row(location="=1+1")]), "A formula, not a value")),
    ("another park", Ledger(lambda: xlsx([ledger_row(park="BB")]), "You may not import into park BB")),
    (
        "GB18030 CSV with a bad date",
        Ledger(
            lambda: csv_bytes([ledger_row(opened_on="2022-02-30")], encoding="gb18030"),
            "There is no such day",
            "台账.csv",
        ),
    ),
]


@pytest.mark.parametrize("ledger", params("ledger page", LEDGERS))
def test_a_bad_ledger_on_the_import_page_is_refused_and_cannot_be_imported(client, stage, ledger):
    before = rows_of_every_table()
    sign_in(client, stage.admin_a)
    response = client.post(
        "/import/", {"file": SimpleUploadedFile(ledger.name, ledger.data()), "park": ""}, follow=True
    )
    assert response.status_code in (200, 422), response.status_code
    assert ledger.message in page_text(response)
    assert not response.context.get("can_confirm")
    confirmed = client.post("/import/confirm/", follow=True)
    assert confirmed.status_code == 200
    assert "There is no checked file waiting to be imported; upload it again." in page_text(confirmed)
    assert rows_of_every_table() == before


# The commands -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str
    arguments: Callable[[Path], list[str]]
    message: Callable[[Path], str]
    file: Callable[[], bytes] | None = None


def run_command(command: Command, tmp_path: Path) -> str:
    if command.file is not None:
        (tmp_path / "ledger.xlsx").write_bytes(command.file())
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command(command.name, *command.arguments(tmp_path), stdout=out, stderr=err)
    return f"{refused.value}\n{out.getvalue()}\n{err.getvalue()}"


def ledger_file(tmp: Path) -> str:
    return str(tmp / "ledger.xlsx")


COMMANDS = [
    (
        "import_ledger of a missing file",
        Command(
            "import_ledger",
            lambda t: [str(t / "missing.xlsx")],
            lambda t: f"Cannot read {t / 'missing.xlsx'}",
        ),
    ),
    (
        "import_ledger --report into a missing folder",
        Command(
            "import_ledger",
            lambda t: [ledger_file(t), "--report", str(t / "no-such-folder" / "report.xlsx")],
            lambda t: (
                f"Cannot write the report to {t / 'no-such-folder' / 'report.xlsx'}: there is no folder"
            ),
            file=lambda: xlsx([ledger_row()]),
        ),
    ),
    (
        "import_ledger of a huge case number",
        Command(
            "import_ledger",
            lambda t: [ledger_file(t)],
            lambda t: "Case number AA-2022-99999999999 is not of the form",
            file=lambda: xlsx([ledger_row(case_number="AA-2022-99999999999")]),
        ),
    ),
    (
        "import_ledger of a date in year 9999",
        Command(
            "import_ledger",
            lambda t: [ledger_file(t)],
            lambda t: past("Opened on", "9999-12-15"),
            file=lambda: xlsx([ledger_row(opened_on="9999-12-15")]),
        ),
    ),
    (
        "import_ledger of a Latin-1 CSV",
        Command("import_ledger", lambda t: [ledger_file(t)], lambda t: WRONG_ENCODING, file=latin1_csv),
    ),
    (
        "import_ledger into an unknown park",
        Command(
            "import_ledger",
            lambda t: [ledger_file(t), "--park", "NOPE"],
            lambda t: "There is no park with the code NOPE.",
            file=lambda: xlsx([ledger_row()]),
        ),
    ),
    (
        "import_ledger as an unknown user",
        Command(
            "import_ledger",
            lambda t: [ledger_file(t), "--user", "<script>"],
            lambda t: "There is no active user <script>.",
            file=lambda: xlsx([ledger_row()]),
        ),
    ),
    (
        "disposal_report of year text",
        Command("disposal_report", lambda t: ["--year", "abc"], lambda t: "--year"),
    ),
    (
        "disposal_report of year 1999",
        Command(
            "disposal_report",
            lambda t: ["--year", "1999"],
            lambda t: zh("The year must lie between %(min)s and %(max)s.", min=2000, max=2100),
        ),
    ),
    (
        "disposal_report of year 99999",
        Command(
            "disposal_report",
            lambda t: ["--year", "99999"],
            lambda t: zh("The year must lie between %(min)s and %(max)s.", min=2000, max=2100),
        ),
    ),
    (
        "disposal_report of an unknown park",
        Command(
            "disposal_report",
            lambda t: ["--year", "2022", "--park", "=1+1"],
            lambda t: zh("There is no park with the code %(code)s.", code="=1+1"),
        ),
    ),
    (
        "disposal_report as of 30 February",
        Command(
            "disposal_report",
            lambda t: ["--year", "2022", "--as-of", "2022-02-30"],
            lambda t: zh("--as-of must be a date such as 2022-12-31, not “%(value)s”.", value="2022-02-30"),
        ),
    ),
    (
        "disposal_report as of another year",
        Command(
            "disposal_report",
            lambda t: ["--year", "2022", "--as-of", "9999-12-31"],
            lambda t: zh("The report date %(date)s is not in %(year)s.", date="9999-12-31", year=2022),
        ),
    ),
    (
        "disposal_report of an unknown format",
        Command("disposal_report", lambda t: ["--year", "2022", "--format", "docx"], lambda t: "docx"),
    ),
    (
        "disposal_report of an unknown category",
        Command("disposal_report", lambda t: ["--year", "2022", "--category", "x"], lambda t: "--category"),
    ),
    (
        "disposal_report into a missing folder",
        Command(
            "disposal_report",
            lambda t: ["--year", "2022", "--output", str(t / "no-such-folder" / "r.json")],
            lambda t: zh(
                "Cannot write %(file)s: %(error)s.",
                file=t / "no-such-folder" / "r.json",
                error="No such file or directory",
            ),
        ),
    ),
    (
        "send_reminders of negative days",
        Command("send_reminders", lambda t: ["--days", "-1"], lambda t: zh("--days cannot be negative.")),
    ),
    (
        "send_reminders of days text",
        Command("send_reminders", lambda t: ["--days", "abc"], lambda t: "--days"),
    ),
]


@pytest.mark.parametrize("command", params("command", COMMANDS))
def test_a_command_given_bad_arguments_fails_in_one_line_and_changes_nothing(stage, tmp_path, command):
    before = rows_of_every_table()
    output = run_command(command, tmp_path)
    assert command.message(tmp_path) in output, output
    assert "Traceback" not in output
    assert rows_of_every_table() == before


# Implausible values already stored --------------------------------------------------------------


def stored_opened(day: date):
    def store(stage: Stage) -> None:
        DisposalCase.objects.filter(pk=stage.case_a.pk).update(opened_on=day)

    return store


def stored_event(occurred: date, due: date | None, kind: str = "other"):
    def store(stage: Stage) -> None:
        CaseEvent.objects.create(
            case=stage.case_a, kind=kind, occurred_on=occurred, due_on=due, title="异常日期"
        )

    return store


def stored_decision(method: str, day: date):
    def store(stage: Stage) -> None:
        DisposalCase.objects.filter(pk=stage.investigating.pk).update(
            status="implementing", identified_on=date(2022, 4, 1), disposal_method=method, decision_on=day
        )

    return store


def stored_parcel(**values):
    def store(stage: Stage) -> None:
        LandParcel.objects.filter(pk=stage.parcel_a.pk).update(**values)

    return store


STORED = [
    ("case opened 9999-12-31", stored_opened(date(9999, 12, 31))),
    ("case opened 0001-01-01", stored_opened(date(1, 1, 1))),
    ("event 9999-12-30 due 9999-12-31", stored_event(date(9999, 12, 30), date(9999, 12, 31))),
    ("notice served 9999-12-31", stored_event(date(9999, 12, 31), None, kind="notice_served")),
    (
        "decision served 9999-12-31",
        stored_event(date(9999, 12, 31), date(9999, 12, 31), kind="decision_issued"),
    ),
    (
        "hearing notice served 9999-12-30",
        stored_event(date(9999, 12, 30), None, kind="hearing_notice_served"),
    ),
    ("hearing notice served 2022-02-01", stored_event(date(2022, 2, 1), None, kind="hearing_notice_served")),
    ("extension decided 9999-12-31", stored_decision("extend_deadline", date(9999, 12, 31))),
    ("parcel agreed start 0001-01-01", stored_parcel(agreed_start_on=date(1, 1, 1), actual_start_on=None)),
]
PAGES = [
    "/",
    "/deadlines/",
    "/cases/{case}/",
    "/cases/?sort=-opened_on",
    "/cases/export.xlsx",
    "/cases/export.ledger.xlsx",
    "/radar/",
    "/reports/monthly/?year=2022",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("name", "store"), STORED, ids=[name for name, _store in STORED])
def test_every_page_answers_whatever_dates_are_stored(client, stage, name, store, page):
    store(stage)
    case = DisposalCase.objects.get(pk=stage.case_a.pk)
    before = rows_of_every_table()
    sign_in(client, stage.supervisor_a)
    response = client.get(page.format(case=case.number))
    assert response.status_code == 200, response.status_code
    assert rows_of_every_table() == before


def test_the_catalogue_holds_at_least_250_cases():
    requests = (
        PARCEL_FORM
        + PARCEL_EDITS
        + ENTERPRISE_FORM
        + PARTNER_FORM
        + LEAD_FORM
        + CASE_FORM
        + CASE_EDITS
        + EVENT_FORM
        + MEASURE_FORM
        + EVIDENCE_FORM
        + MEASURE_STEPS
        + TARGETS
        + MONTH_CLOSES
        + OTHER_ACTIONS
        + LISTS
        + URLS
        + WRONG_ROLE
        + WRONG_PARK
        + HOSTILE
    )
    total = len(requests) + len(LEDGERS) + len(COMMANDS) + len(STORED) * len(PAGES)
    assert total >= 250, total

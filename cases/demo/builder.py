"""Build the demo ledger from `cases.demo.data`: rows are looked up by their natural keys and only what
is missing is created, so a second run writes nothing, not even a history record."""

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.files.base import ContentFile
from django.db import models, transaction

from cases.demo.data import (
    CASES,
    CHANGE_REASON,
    DEVELOPMENT,
    ENTERPRISES,
    EVENT_EVIDENCE,
    EVIDENCE,
    LEADS,
    MEASURES,
    PARCELS,
    PARK_OF_PARCEL,
    PARKS,
    PROJECT_NAMES,
    STAFF,
    THRESHOLDS,
    USERS,
    DemoCase,
    DemoPark,
    DemoUser,
    Measure,
    MeasureStatus,
    d,
)
from cases.demo.files import _ascii_tag, tiny_pdf, tiny_png
from cases.demo.timeline import case_file, timeline
from cases.models import (
    M2_PER_MU,
    CaseEvent,
    CustodyEvent,
    DisposalCase,
    Enterprise,
    EvidenceDocument,
    LandParcel,
    LowEfficiencyThreshold,
    Membership,
    Park,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
)
from cases.validators import credit_code_check_character

M = TypeVar("M", bound=models.Model)


def credit_code(county: str, organisation: str) -> str:
    """A unified social credit code of an enterprise (91 = company) registered in `county`."""
    first17 = f"91{county}{organisation}"
    return first17 + credit_code_check_character(first17)


def per_mu_total(per_mu: int | str, area_m2: Decimal) -> Decimal:
    """An amount per 亩 times the area in 亩, to the 0.01 万元."""
    return (Decimal(str(per_mu)) * area_m2 / M2_PER_MU).quantize(Decimal("0.01"))


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Login:
    spec: DemoUser
    password: str | None  # shown when this run set it
    state: str  # "created", "password set" or "unchanged"


class Loader:
    """Creates what is missing of the demo ledger, counting what it created."""

    def __init__(self) -> None:
        self.created: Counter[type[models.Model]] = Counter()
        self.saved_files: list[str] = []
        self.by: AbstractUser | None = None
        self.generated_password: str | None = None
        self.users: dict[str, AbstractUser] = {}
        self.parks: dict[str, Park] = {}
        self.enterprises: dict[tuple[str, str], Enterprise] = {}
        self.parcels: dict[str, LandParcel] = {}
        self.cases: dict[str, DisposalCase] = {}

    def save(self, obj: models.Model) -> None:
        obj._history_user = self.by
        obj._change_reason = CHANGE_REASON
        obj.save()
        self.created[type(obj)] += 1

    def ensure(self, model: type[M], lookup: dict[str, Any], **values: Any) -> M:
        """The row `lookup` finds, else a new one with `values` besides; an existing row is left as it is."""
        found = model._default_manager.filter(**lookup).first()
        if found is not None:
            return found
        obj = model(**lookup, **values)
        self.save(obj)
        return obj

    # users --------------------------------------------------------------------------------------

    def load_users(self, password: str | None) -> list[Login]:
        user_model = get_user_model()
        logins = []
        for spec in USERS:
            user = user_model._default_manager.filter(username=spec.username).first()
            if user is None:
                if password is None and self.generated_password is None:
                    self.generated_password = secrets.token_urlsafe(9)
                new_password = password or self.generated_password
                user = user_model._default_manager.create_user(
                    username=spec.username,
                    password=new_password,
                    email=f"{spec.username}@example.com",
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    is_staff=True,
                    is_superuser=spec.superuser,
                )
                self.created[user_model] += 1
                logins.append(Login(spec, new_password, "created"))
            elif password is not None and not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
                logins.append(Login(spec, password, "password set"))
            else:
                logins.append(Login(spec, None, "unchanged"))
            self.users[spec.username] = user
        self.by = self.users["demo-admin"]
        return logins

    def load_memberships(self) -> None:
        for spec in USERS:
            if spec.park:
                self.ensure(
                    Membership,
                    {"user": self.users[spec.username], "park": self.parks[spec.park]},
                    role=spec.role,
                )

    # parks, enterprises, parcels ----------------------------------------------------------------

    def load_parks(self) -> None:
        for spec in PARKS:
            park = self.ensure(Park, {"code": spec.code}, name=spec.name, district=spec.district)
            self.parks[spec.code] = park
        for code, (ratio, investment, output, tax) in THRESHOLDS.items():
            self.ensure(
                LowEfficiencyThreshold,
                {"park": self.parks[code]},
                min_plot_ratio=Decimal(ratio),
                min_investment_per_mu_wan=Decimal(investment),
                min_output_per_mu_wan=Decimal(output),
                min_tax_per_mu_wan=Decimal(tax),
            )

    def load_enterprises(self) -> None:
        for spec in PARKS:
            park = self.parks[spec.code]
            for key, name, organisation, person, phone, road in ENTERPRISES[spec.code]:
                self.enterprises[spec.code, key] = self.ensure(
                    Enterprise,
                    {"park": park, "credit_code": credit_code(spec.county, organisation)},
                    name=name,
                    contact_person=person,
                    contact_phone=phone,
                    address=spec.address + road,
                )

    def load_parcels(self) -> None:
        for spec in PARKS:
            for code, sequence, holder, road, area, land_use, unit in PARCELS[spec.code]:
                self.parcels[code] = self.ensure(
                    LandParcel,
                    {"park": self.parks[spec.code], "code": code},
                    **parcel_values(spec, sequence, Decimal(area), unit, DEVELOPMENT[code]),
                    location=spec.address + road,
                    land_use=land_use,
                    enterprise=self.enterprises[spec.code, holder],
                )

    # cases and what hangs off them --------------------------------------------------------------

    def load_cases(self) -> None:
        # In order of opening, so that each park's case numbers run with the calendar.
        for spec in sorted(CASES, key=lambda c: (c.opened, c.parcel)):
            parcel = self.parcels[spec.parcel]
            officer, supervisor = (self.users[name] for name in STAFF[PARK_OF_PARCEL[spec.parcel]])
            case = self.ensure(
                DisposalCase,
                {"parcel": parcel, "opened_on": spec.opened},
                **case_values(spec, parcel),
                officer=self.users[spec.officer],
                created_by=officer,
                updated_by=officer,
            )
            self.cases[spec.parcel] = case
            documents = self.load_evidence(
                case, EVIDENCE.get(spec.parcel) or case_file(spec, parcel), uploaded_by=officer
            )
            for event in timeline(spec):
                self.ensure(
                    CaseEvent,
                    {"case": case, "kind": event.kind, "occurred_on": event.on, "title": event.title},
                    details=event.details,
                    due_on=event.on + timedelta(days=event.due_days) if event.due_days else None,
                    due_met_on=event.met_on,
                    actor=supervisor if event.by_supervisor else officer,
                    evidence=documents.get(EVENT_EVIDENCE.get(event.kind, "")),
                    from_status=event.from_status,
                    to_status=event.to_status,
                )

    def load_evidence(
        self, case: DisposalCase, files: tuple, *, uploaded_by: AbstractUser
    ) -> dict[str, EvidenceDocument]:
        documents = {}
        key = case.parcel.code
        for doc_type, title, original_name, dated, authority in files:
            document = case.documents.filter(doc_type=doc_type, title=title).first()
            if document is None:
                if original_name.endswith(".png"):
                    content, content_type = tiny_png(f"{key} {title}"), "image/png"
                else:
                    content, content_type = (
                        tiny_pdf(f"Parkland demo - {key} - {doc_type} - {_ascii_tag(title)}"),
                        "application/pdf",
                    )
                document = EvidenceDocument(
                    case=case,
                    doc_type=doc_type,
                    title=title,
                    original_name=original_name,
                    size=len(content),
                    content_type=content_type,
                    sha256=hashlib.sha256(content).hexdigest(),
                    issuing_authority=authority,
                    document_date=d(dated),
                    obtained_on=d(dated),
                    uploaded_by=uploaded_by,
                )
                document.file.save("upload", ContentFile(content), save=False)
                self.saved_files.append(document.file.name)
                self.save(document)
                document.record_custody(CustodyEvent.Action.UPLOADED, by=uploaded_by, note="load_demo")
            documents[doc_type] = document
        return documents

    def load_measures(self) -> None:
        for key, method, partner_name, kind, amount, share, status, started, concluded, notes in MEASURES:
            case = self.cases[key]
            partner = self.ensure(Partner, {"park": case.parcel.park, "name": partner_name}, kind=kind)
            agreed = status in (MeasureStatus.AGREED, MeasureStatus.COMPLETED)
            self.ensure(
                RevitalisationMeasure,
                {"case": case, "method": method, "partner": partner},
                amount_wan=Decimal(amount) if amount else None,
                term_months=60 if method == Measure.LOAN and agreed else None,
                interest_rate_pct=Decimal("3.45") if method == Measure.LOAN and agreed else None,
                equity_share_pct=Decimal(share) if share else None,
                project_name=PROJECT_NAMES.get(key, "") if method == Measure.JOINT_DEVELOPMENT else "",
                status=status,
                started_on=d(started),
                agreed_on=d(started) if agreed else None,
                concluded_on=d(concluded) if concluded else None,
                abandon_reason=notes if status == MeasureStatus.ABANDONED else "",
                notes=notes,
            )

    def load_leads(self) -> None:
        park = self.parks["XQ"]
        for name, investor, industry, area, use, ratio, investment in LEADS:
            self.ensure(
                ProjectLead,
                {"park": park, "name": name},
                investor=investor,
                industry=industry,
                area_needed_m2=Decimal(area),
                land_use=use,
                min_plot_ratio=Decimal(ratio) if ratio else None,
                planned_investment_wan=Decimal(investment),
                contact="招商服务中心",
            )

    def discard_files(self) -> None:
        """Remove the files this run stored, when its rows are rolled back."""
        for name in self.saved_files:
            EvidenceDocument.file.field.storage.delete(name)


def parcel_values(
    park: DemoPark, sequence: int, area: Decimal, unit: str, development: tuple
) -> dict[str, Any]:
    signed, start, actual, required, ratio, investment, output, tax, price = development
    cadastral = f"{park.county}{park.cadastral_area}GB{sequence:05d}"
    return {
        "cadastral_code": cadastral,
        "unit_number": {"W": cadastral + "W00000000", "F": cadastral + "F00010001"}.get(unit, ""),
        "area_m2": area,
        "supply_method": LandParcel.SupplyMethod.GRANT,
        "contract_number": f"{park.county}{signed[:4]}B{sequence:05d}",
        "contract_signed_on": d(signed),
        "land_price_wan": per_mu_total(price, area),
        "agreed_start_on": d(start),
        "agreed_completion_on": years_after(d(start), 2),
        "actual_start_on": d(actual) if actual else None,
        "required_plot_ratio": Decimal(required),
        "actual_plot_ratio": Decimal(ratio),
        "building_area_m2": (area * Decimal(ratio)).quantize(Decimal("0.01")),
        "invested_wan": per_mu_total(investment, area),
        "annual_output_wan": per_mu_total(output, area),
        "annual_tax_wan": per_mu_total(tax, area),
    }


def case_values(spec: DemoCase, parcel: LandParcel) -> dict[str, Any]:
    area = Decimal(spec.area) if spec.area else parcel.area_m2
    flags = {}
    for flag, note in spec.flags.items():
        flags[flag] = True
        flags[f"{flag}_note"] = note
    return {
        "category": spec.category,
        "status": spec.status,
        "status_before_close": spec.before_close,
        "idle_cause": spec.cause,
        "case_area_m2": area,
        "identified_on": spec.identified,
        "disposal_method": spec.method,
        "decision_on": spec.decision,
        "target_on": spec.target,
        "disposed_on": spec.disposed,
        "disposed_area_m2": area if spec.disposed else None,
        "litigation": spec.litigation,
        "summary": spec.summary or spec.reason,
        **flags,
    }


def load_demo(password: str | None) -> tuple[Loader, list[Login]]:
    """Create what is missing of the demo ledger in one transaction; its files go if it fails."""
    loader = Loader()
    try:
        with transaction.atomic():
            logins = loader.load_users(password)
            loader.load_parks()
            loader.load_memberships()
            loader.load_enterprises()
            loader.load_parcels()
            loader.load_cases()
            loader.load_measures()
            loader.load_leads()
    except BaseException:
        loader.discard_files()
        raise
    return loader, logins

"""The database holds the rules: each bad row is refused by the database itself, bypassing the models,
and `full_clean()` names the same rule on the field a form would show it on."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import (
    METHODS_BY_CATEGORY,
    CaseEvent,
    CaseNumberSequence,
    DisposalCase,
    DisposalTarget,
    Enterprise,
    EvidenceDocument,
    LandParcel,
    Membership,
    Park,
    Partner,
    RevitalisationMeasure,
)
from tests import factories

pytestmark = pytest.mark.django_db

OPENED_ON = date(2022, 1, 10)
IDENTIFIED_ON = date(2022, 3, 1)
DECISION_ON = date(2022, 5, 1)
DISPOSED_ON = date(2022, 9, 1)


# Helpers --------------------------------------------------------------------------------------


def refused_by_database(obj, **values) -> None:
    """Write `values` to `obj`'s row straight through SQL: the database must refuse and keep the row."""
    model, fields = type(obj), list(values)
    before = model.objects.values(*fields).get(pk=obj.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(**values)
    assert model.objects.values(*fields).get(pk=obj.pk) == before


def accepted_by_database(obj, **values) -> None:
    type(obj).objects.filter(pk=obj.pk).update(**values)


def insert_refused(obj) -> None:
    """Insert `obj` without its model's checks; the database must refuse it and store nothing."""
    model = type(obj)
    count = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.bulk_create([obj])
    assert model.objects.count() == count


def clean_errors(obj, **values) -> dict:
    """Set `values` on `obj` in memory and return what `full_clean()` says; the stored row is untouched."""
    stored = type(obj).objects.filter(pk=obj.pk).values(*values).first() if obj.pk else None
    for field, value in values.items():
        setattr(obj, field, value)
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean(exclude=["number"] if isinstance(obj, DisposalCase) and not obj.number else None)
    if stored is not None:
        assert type(obj).objects.values(*values).get(pk=obj.pk) == stored
    return excinfo.value.message_dict


def constraint_message(model, suffix: str) -> str:
    """The message a model's constraint (named `…_<suffix>`) gives, in the current language."""
    (constraint,) = [c for c in model._meta.constraints if c.name.endswith(suffix)]
    return str(constraint.get_violation_error_message())


def identified_case(**fields) -> DisposalCase:
    fields.setdefault("identified_on", IDENTIFIED_ON)
    return factories.make_case(status="identified", opened_on=OPENED_ON, **fields)


def implementing_case(**fields) -> DisposalCase:
    fields.setdefault("disposal_method", "negotiated_recovery")
    fields.setdefault("decision_on", DECISION_ON)
    fields.setdefault("identified_on", IDENTIFIED_ON)
    fields.setdefault("status", "implementing")
    return factories.make_case(opened_on=OPENED_ON, **fields)


def disposed_case(**fields) -> DisposalCase:
    fields.setdefault("disposed_on", DISPOSED_ON)
    fields.setdefault("disposed_area_m2", "10000.00")
    fields.setdefault("status_before_close", "implementing")
    return implementing_case(status="disposed", **fields)


def withdrawn_case(**fields) -> DisposalCase:
    return factories.make_case(status="withdrawn", status_before_close="investigating", **fields)


def unsaved_case(parcel: LandParcel, **fields) -> DisposalCase:
    fields.setdefault("number", f"{parcel.park.code}-2022-900")
    return DisposalCase(
        parcel=parcel, category="idle", case_area_m2=parcel.area_m2, opened_on=OPENED_ON, **fields
    )


# Parcels --------------------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["0", "-1.00"])
def test_a_parcel_needs_an_area_above_zero(area):
    parcel = factories.make_parcel()
    refused_by_database(parcel, area_m2=Decimal(area))
    assert "area_m2" in clean_errors(parcel, area_m2=Decimal(area))


def test_a_parcel_number_is_unique_within_its_park():
    parcel = factories.make_parcel(code="ZD-001")
    twin = LandParcel(park=parcel.park, code="ZD-001", location="别处", area_m2=Decimal("500.00"))
    insert_refused(twin)
    errors = clean_errors(twin)
    assert constraint_message(LandParcel, "code_unique_in_park") in errors[NON_FIELD_ERRORS]


def test_the_same_parcel_number_is_allowed_in_another_park():
    factories.make_parcel(code="ZD-001")
    other = factories.make_parcel(code="ZD-001")
    other.full_clean()
    assert LandParcel.objects.filter(code="ZD-001").count() == 2


def test_a_parcel_cannot_shrink_below_a_case_on_it():
    parcel = factories.make_parcel(area_m2="10000.00")
    factories.make_case(parcel=parcel, case_area_m2="8000.00")
    errors = clean_errors(parcel, area_m2=Decimal("7999.99"))
    assert "area_m2" in errors
    assert "8000" in errors["area_m2"][0]


def test_a_parcel_may_shrink_down_to_its_largest_case():
    parcel = factories.make_parcel(area_m2="10000.00")
    factories.make_case(parcel=parcel, case_area_m2="8000.00")
    parcel.area_m2 = Decimal("8000.00")
    parcel.full_clean()


def test_a_parcels_land_user_must_be_an_enterprise_of_the_same_park():
    parcel = factories.make_parcel()
    stranger = factories.make_enterprise()  # in a park of its own
    assert "enterprise" in clean_errors(parcel, enterprise=stranger)
    parcel.enterprise = factories.make_enterprise(park=parcel.park)
    parcel.full_clean()


SQUARE = [[113.2, 22.2], [113.3, 22.2], [113.3, 22.3], [113.2, 22.3], [113.2, 22.2]]


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Polygon", "coordinates": [SQUARE]},
        {"type": "MultiPolygon", "coordinates": [[SQUARE]]},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
    ],
    ids=["polygon", "multipolygon", "feature"],
)
def test_a_geojson_polygon_is_a_boundary(boundary):
    parcel = factories.make_parcel()
    parcel.boundary = boundary
    parcel.full_clean()


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Point", "coordinates": [113.2, 22.2]},
        {"type": "LineString", "coordinates": SQUARE},
        {"type": "Polygon", "coordinates": [SQUARE[:3]]},  # a ring needs four positions
        {"type": "Polygon", "coordinates": "113.2 22.2"},
        {"type": "Polygon"},
        [SQUARE],
        "POLYGON((113.2 22.2, 113.3 22.2, 113.3 22.3, 113.2 22.2))",
    ],
    ids=["point", "line", "short ring", "string coordinates", "no coordinates", "bare list", "wkt"],
)
def test_anything_but_a_geojson_polygon_is_refused_as_a_boundary(boundary):
    parcel = factories.make_parcel()
    assert "boundary" in clean_errors(parcel, boundary=boundary)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cadastral_code", "440403001001XB00001"),
        ("cadastral_code", "44040300100"),
        ("unit_number", "440403001001GB00001X00000000"),
        ("unit_number", "440403001001GB00001W0000000"),
    ],
)
def test_parcel_codes_must_be_well_formed(field, value):
    parcel = factories.make_parcel()
    refused_by_database(parcel, **{field: value})
    assert field in clean_errors(parcel, **{field: value})


def test_well_formed_parcel_codes_are_stored():
    parcel = factories.make_parcel()
    accepted_by_database(
        parcel, cadastral_code="440403001001GB00001", unit_number="440403001001GB00001W00000000"
    )
    parcel.refresh_from_db()
    parcel.full_clean()


# Enterprises ----------------------------------------------------------------------------------


def test_a_credit_code_is_unique_within_a_park():
    enterprise = factories.make_enterprise(credit_code=factories.credit_code())
    twin = Enterprise(park=enterprise.park, name="另一家", credit_code=enterprise.credit_code)
    insert_refused(twin)
    errors = clean_errors(twin)
    assert constraint_message(Enterprise, "credit_code_unique_in_park") in errors[NON_FIELD_ERRORS]


def test_the_same_credit_code_may_be_kept_by_another_park():
    code = factories.credit_code()
    factories.make_enterprise(credit_code=code)
    other = factories.make_enterprise(credit_code=code)
    other.full_clean()
    assert Enterprise.objects.filter(credit_code=code).count() == 2


def test_enterprises_without_a_credit_code_do_not_clash():
    park = factories.make_park()
    Enterprise.objects.bulk_create(
        [Enterprise(park=park, name="甲", credit_code=""), Enterprise(park=park, name="乙", credit_code="")]
    )
    for enterprise in Enterprise.objects.filter(park=park):
        enterprise.full_clean()
    assert Enterprise.objects.filter(park=park, credit_code="").count() == 2


@pytest.mark.parametrize(
    "code", ["91350100M000100Y4", "91350100m000100y43", "91350100I000100Y43", "9135010OM000100Y43"]
)
def test_a_malformed_credit_code_is_refused(code):
    enterprise = factories.make_enterprise()
    refused_by_database(enterprise, credit_code=code)
    assert "credit_code" in clean_errors(enterprise, credit_code=code)


def test_a_credit_code_with_a_wrong_check_character_is_refused_by_the_model():
    # A CHECK cannot compute GB 32100's check character; full_clean does.
    enterprise = factories.make_enterprise()
    assert "credit_code" in clean_errors(enterprise, credit_code="91350100M000100Y44")


# Cases: areas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["0", "-5.00"])
def test_a_case_needs_an_area_above_zero(area):
    case = factories.make_case()
    refused_by_database(case, case_area_m2=Decimal(area))
    assert "case_area_m2" in clean_errors(case, case_area_m2=Decimal(area))


@pytest.mark.parametrize("area", ["0", "-1.00", "8000.01"])
def test_the_disposed_area_lies_above_zero_and_within_the_case_area(area):
    case = disposed_case(case_area_m2="8000.00", disposed_area_m2="8000.00")
    refused_by_database(case, disposed_area_m2=Decimal(area))
    assert "disposed_area_m2" in clean_errors(case, disposed_area_m2=Decimal(area))


def test_the_whole_case_area_may_be_disposed_of():
    case = disposed_case(case_area_m2="8000.00", disposed_area_m2="7000.00")
    accepted_by_database(case, disposed_area_m2=Decimal("8000.00"))
    case.refresh_from_db()
    case.full_clean()


def test_a_new_case_larger_than_its_parcel_is_refused_and_uses_no_number():
    parcel = factories.make_parcel(area_m2="10000.00")
    with pytest.raises(ValidationError) as excinfo:
        factories.make_case(parcel=parcel, case_area_m2="10000.01")
    assert "case_area_m2" in excinfo.value.message_dict
    assert not DisposalCase.objects.exists()
    assert not CaseNumberSequence.objects.exists()


def test_a_case_cannot_grow_beyond_its_parcel():
    parcel = factories.make_parcel(area_m2="10000.00")
    case = factories.make_case(parcel=parcel, case_area_m2="6000.00")
    assert "case_area_m2" in clean_errors(case, case_area_m2=Decimal("10000.01"))
    with pytest.raises(ValidationError) as excinfo:
        case.save()
    assert "case_area_m2" in excinfo.value.message_dict
    assert DisposalCase.objects.get(pk=case.pk).case_area_m2 == Decimal("6000.00")


# Cases: one open case per parcel, unique numbers -----------------------------------------------


def test_a_parcel_has_at_most_one_open_case():
    case = factories.make_case()
    second = unsaved_case(case.parcel, status="investigating")
    insert_refused(second)
    assert "parcel" in clean_errors(second)


def test_a_closed_case_cannot_reopen_beside_another_open_case_on_its_parcel():
    first = withdrawn_case()
    factories.make_case(parcel=first.parcel)
    refused_by_database(first, status="investigating", status_before_close="")


@pytest.mark.parametrize("close", [disposed_case, withdrawn_case], ids=["disposed", "withdrawn"])
def test_a_parcel_may_have_a_new_case_once_the_old_one_is_closed(close):
    old = close()
    new = factories.make_case(parcel=old.parcel, opened_on=date(2023, 2, 1))
    new.full_clean()
    assert set(DisposalCase.objects.filter(parcel=old.parcel)) == {old, new}


def test_closed_cases_on_a_parcel_do_not_count_against_each_other():
    old = withdrawn_case()
    DisposalCase.objects.bulk_create(
        [unsaved_case(old.parcel, status="withdrawn", status_before_close="lead", number="OLD-1")]
    )
    factories.make_case(parcel=old.parcel)
    assert DisposalCase.objects.filter(parcel=old.parcel).count() == 3


def test_a_case_number_is_unique():
    case, other = factories.make_case(), factories.make_case()
    refused_by_database(other, number=case.number)
    assert "number" in clean_errors(other, number=case.number)


def test_a_case_has_a_number():
    case = factories.make_case()
    refused_by_database(case, number="")


# Cases: dates in order --------------------------------------------------------------------------


def test_a_case_is_not_identified_before_it_was_opened():
    case = identified_case()
    refused_by_database(case, identified_on=OPENED_ON - timedelta(days=1))
    assert "identified_on" in clean_errors(case, identified_on=OPENED_ON - timedelta(days=1))


def test_a_case_may_be_identified_on_the_day_it_opens():
    case = identified_case()
    accepted_by_database(case, identified_on=OPENED_ON)
    case.refresh_from_db()
    case.full_clean()


@pytest.mark.parametrize("field", ["disposed_on", "decision_on"])
def test_decision_and_disposal_come_on_or_after_identification(field):
    # Only a disposed case may hold a disposal date at all, so that one is tried on a disposed case.
    case = disposed_case() if field == "disposed_on" else identified_case()
    refused_by_database(case, **{field: IDENTIFIED_ON - timedelta(days=1)})
    assert field in clean_errors(case, **{field: IDENTIFIED_ON - timedelta(days=1)})
    accepted_by_database(case, **{field: IDENTIFIED_ON})


@pytest.mark.parametrize("field", ["disposed_on", "decision_on"])
def test_decision_and_disposal_need_an_identification_date(field):
    case = factories.make_case(status="investigating")
    refused_by_database(case, **{field: DISPOSED_ON})
    assert field in clean_errors(case, **{field: DISPOSED_ON})


# Cases: what each status needs ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["identified", "planning"])
def test_an_identified_status_needs_the_identification_date(status):
    case = factories.make_case(status="investigating")
    refused_by_database(case, status=status)
    assert "identified_on" in clean_errors(case, status=status)


@pytest.mark.parametrize(
    "given",
    [{}, {"disposal_method": "negotiated_recovery"}, {"decision_on": DECISION_ON}],
    ids=["neither", "method only", "decision only"],
)
def test_implementation_needs_the_method_and_the_decision_date(given):
    case = identified_case()
    refused_by_database(case, status="implementing", **given)
    errors = clean_errors(case, status="implementing", **given)
    assert {"disposal_method", "decision_on"} - set(given) <= set(errors)


def test_a_disposed_case_keeps_its_method_and_decision_date():
    case = disposed_case()
    refused_by_database(case, disposal_method="")
    refused_by_database(case, decision_on=None)
    assert "disposal_method" in clean_errors(case, disposal_method="")


@pytest.mark.parametrize(
    "given",
    [
        {"disposed_area_m2": Decimal("10000.00")},
        {"disposed_on": DISPOSED_ON},
    ],
    ids=["no date", "no area"],
)
def test_a_disposed_case_needs_its_date_and_area(given):
    case = implementing_case()
    values = {"status": "disposed", "status_before_close": "implementing", **given}
    refused_by_database(case, **values)
    errors = clean_errors(case, **values)
    assert {"disposed_on", "disposed_area_m2"} - set(given) <= set(errors)


@pytest.mark.parametrize(
    ("category", "method"),
    [
        *(("idle", m) for m in METHODS_BY_CATEGORY["inefficient"]),
        *(("inefficient", m) for m in METHODS_BY_CATEGORY["idle"]),
    ],
)
def test_a_disposal_method_must_fit_the_category(category, method):
    case = identified_case(category=category)
    refused_by_database(case, disposal_method=method)
    assert "disposal_method" in clean_errors(case, disposal_method=method)


@pytest.mark.parametrize("category", ["idle", "inefficient"])
def test_every_method_of_a_category_is_accepted(category):
    case = identified_case(category=category)
    for method in METHODS_BY_CATEGORY[category]:
        accepted_by_database(case, disposal_method=method)
        case.refresh_from_db()
        case.full_clean()


def test_a_case_only_remembers_a_status_before_closing_while_closed():
    case = factories.make_case(status="investigating")
    refused_by_database(case, status_before_close="lead")


# Choice fields --------------------------------------------------------------------------------


def _case():
    return factories.make_case()


def _parcel():
    return factories.make_parcel()


def _event():
    return factories.make_event(case=factories.make_case())


def _document():
    return factories.make_document(case=factories.make_case(), doc_type="site_inspection")


def _measure():
    return measure_of()


def _partner():
    return Partner.objects.create(park=factories.make_park(), name="工商银行斗门支行", kind="bank")


def _membership():
    park = factories.make_park()
    return Membership.objects.get(user=factories.make_user(park=park), park=park)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (_case, "status"),
        (_case, "category"),
        (_case, "idle_cause"),
        (_case, "litigation"),
        (_case, "disposal_method"),
        (_parcel, "land_use"),
        (_parcel, "supply_method"),
        (_event, "kind"),
        (_document, "doc_type"),
        (_measure, "method"),
        (_measure, "status"),
        (_partner, "kind"),
        (_membership, "role"),
    ],
    ids=lambda v: v if isinstance(v, str) else v.__name__.strip("_"),
)
def test_a_choice_field_refuses_an_unknown_code(make, field):
    obj = make()
    refused_by_database(obj, **{field: "bogus"})
    assert field in clean_errors(obj, **{field: "bogus"})


def test_an_event_refuses_an_unknown_status():
    event = factories.make_event(
        case=factories.make_case(), kind="status_change", from_status="lead", to_status="investigating"
    )
    refused_by_database(event, to_status="bogus")
    refused_by_database(event, from_status="bogus")


# Events ---------------------------------------------------------------------------------------


def test_a_deadline_does_not_fall_before_its_event():
    event = factories.make_event(case=factories.make_case(), occurred_on=date(2022, 2, 1))
    refused_by_database(event, due_on=date(2022, 1, 31))
    assert "due_on" in clean_errors(event, due_on=date(2022, 1, 31))
    accepted_by_database(event, due_on=date(2022, 2, 1))


@pytest.mark.parametrize(
    "values",
    [{"from_status": "lead"}, {"to_status": "investigating"}, {"override_reason": "急需推进"}],
    ids=["from status", "to status", "override"],
)
def test_only_a_status_change_carries_status_fields(values):
    event = factories.make_event(case=factories.make_case(), kind="site_inspection")
    refused_by_database(event, **values)
    assert clean_errors(event, **values)[NON_FIELD_ERRORS]


def test_a_status_change_names_the_status_it_moves_to():
    case = factories.make_case()
    change = CaseEvent(case=case, kind="status_change", occurred_on=date(2022, 2, 1), title="线索 →")
    insert_refused(change)
    message = constraint_message(CaseEvent, "status_fields_only_on_status_change")
    assert message in clean_errors(change)[NON_FIELD_ERRORS]


# Evidence -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "digest",
    ["abc", "A" * 64, "g" * 64, "0" * 63],
    ids=["short", "uppercase", "not hex", "63 digits"],
)
def test_a_document_checksum_is_64_lowercase_hex_digits(digest):
    document = factories.make_document(case=factories.make_case(), doc_type="site_inspection")
    refused_by_database(document, sha256=digest)
    message = constraint_message(EvidenceDocument, "sha256_format")
    assert message in clean_errors(document, sha256=digest)[NON_FIELD_ERRORS]


def test_an_evidence_file_is_not_empty():
    document = factories.make_document(case=factories.make_case(), doc_type="site_inspection")
    refused_by_database(document, size=0)
    message = constraint_message(EvidenceDocument, "not_empty")
    assert message in clean_errors(document, size=0)[NON_FIELD_ERRORS]


@pytest.mark.parametrize(
    "missing", ["withdrawn_at", "withdrawn_by", "withdrawal_reason"], ids=lambda f: f"no {f}"
)
def test_a_withdrawal_records_who_when_and_why(missing):
    document = factories.make_document(case=factories.make_case(), doc_type="site_inspection")
    complete = {
        "withdrawn_at": timezone.now(),
        "withdrawn_by": factories.make_user(),
        "withdrawal_reason": "扫描件不清晰",
    }
    partial = {**complete, missing: "" if missing == "withdrawal_reason" else None}
    refused_by_database(document, **partial)
    message = constraint_message(EvidenceDocument, "withdrawal_complete")
    assert message in clean_errors(document, **partial)[NON_FIELD_ERRORS]
    accepted_by_database(document, **complete)


def _copy_of(document: EvidenceDocument, **fields) -> EvidenceDocument:
    values = {
        "case": document.case,
        "doc_type": "other",
        "title": "副本",
        "file": document.file.name,
        "original_name": "copy.pdf",
        "size": document.size,
        "content_type": document.content_type,
        "sha256": document.sha256,
        "uploaded_by": document.uploaded_by,
        **fields,
    }
    return EvidenceDocument(**values)


def test_a_case_file_holds_each_file_once():
    document = factories.make_document(case=factories.make_case(), doc_type="site_inspection")
    copy = _copy_of(document)
    insert_refused(copy)
    message = constraint_message(EvidenceDocument, "one_copy_per_case")
    assert message in clean_errors(copy)[NON_FIELD_ERRORS]


def test_a_withdrawn_file_may_be_filed_again_and_another_case_may_hold_it_too():
    document = factories.make_document(case=factories.make_case(), doc_type="site_inspection")
    EvidenceDocument.objects.bulk_create([_copy_of(document, case=factories.make_case())])
    document.withdraw(by=document.uploaded_by, reason="上传错误")
    EvidenceDocument.objects.bulk_create([_copy_of(document)])
    assert EvidenceDocument.objects.filter(sha256=document.sha256).count() == 3


def test_a_document_does_not_supersede_itself():
    document = factories.make_document(case=factories.make_case(), doc_type="site_inspection")
    refused_by_database(document, supersedes=document.pk)


# Revitalisation measures ----------------------------------------------------------------------


def measure_of(method: str = "loan", **fields) -> RevitalisationMeasure:
    """A measure that passes full_clean: a partner of the case's park, or notes for "other"."""
    case = factories.make_case()
    if method == "other":
        fields.setdefault("notes", "园区协调引入新项目")
    else:
        fields.setdefault(
            "partner", Partner.objects.create(park=case.parcel.park, name=f"合作方{case.pk}", kind="bank")
        )
    if method == "joint_development":
        fields.setdefault("project_name", "新能源电池扩产项目")
    if method == "loan":
        # Agreed and completed loans state their amount and term.
        fields.setdefault("amount_wan", Decimal("1200.00"))
        fields.setdefault("term_months", 36)
    measure = factories.make_measure(case=case, method=method, **fields)
    measure.full_clean()
    return measure


@pytest.mark.parametrize("method", ["loan", "joint_development", "other"])
def test_only_an_equity_acquisition_has_an_equity_share(method):
    measure = measure_of(method)
    refused_by_database(measure, equity_share_pct=Decimal("30"))
    assert "equity_share_pct" in clean_errors(measure, equity_share_pct=Decimal("30"))


@pytest.mark.parametrize("share", ["0", "-1", "100.01"])
def test_an_equity_share_lies_above_0_and_at_most_100(share):
    measure = measure_of("equity_acquisition")
    refused_by_database(measure, equity_share_pct=Decimal(share))
    assert "equity_share_pct" in clean_errors(measure, equity_share_pct=Decimal(share))


@pytest.mark.parametrize("share", ["0.01", "51", "100"])
def test_an_equity_share_up_to_the_whole_company_is_accepted(share):
    measure = measure_of("equity_acquisition")
    accepted_by_database(measure, equity_share_pct=Decimal(share))
    measure.refresh_from_db()
    measure.full_clean()


@pytest.mark.parametrize(
    ("status", "extra"),
    [("completed", {}), ("abandoned", {"abandon_reason": "银行收紧授信"})],
    ids=["completed", "abandoned"],
)
def test_a_concluded_measure_needs_its_conclusion_date(status, extra):
    measure = measure_of()
    refused_by_database(measure, status=status, **extra)
    assert "concluded_on" in clean_errors(measure, status=status, **extra)
    accepted_by_database(measure, status=status, concluded_on=date(2022, 6, 30), **extra)


def test_a_measure_does_not_conclude_before_it_started():
    measure = measure_of(started_on=date(2022, 6, 1))
    refused_by_database(measure, concluded_on=date(2022, 5, 31))
    assert "concluded_on" in clean_errors(measure, concluded_on=date(2022, 5, 31))


# Targets and memberships ----------------------------------------------------------------------


def test_a_park_has_one_target_per_year():
    park = factories.make_park()
    DisposalTarget.objects.create(park=park, year=2023, rate_pct=Decimal("55.4"))
    twin = DisposalTarget(park=park, year=2023, rate_pct=Decimal("60.0"))
    insert_refused(twin)
    message = constraint_message(DisposalTarget, "one_per_park_year")
    assert message in clean_errors(twin)[NON_FIELD_ERRORS]
    DisposalTarget.objects.create(park=park, year=2024, rate_pct=Decimal("60.0"))


def test_there_is_one_all_parks_target_per_year():
    DisposalTarget.objects.create(park=None, year=2023, rate_pct=Decimal("55.4"))
    twin = DisposalTarget(park=None, year=2023, rate_pct=Decimal("60.0"))
    insert_refused(twin)
    message = constraint_message(DisposalTarget, "one_overall_per_year")
    assert message in clean_errors(twin)[NON_FIELD_ERRORS]
    DisposalTarget.objects.create(park=None, year=2024, rate_pct=Decimal("60.0"))
    DisposalTarget.objects.create(park=factories.make_park(), year=2023, rate_pct=Decimal("60.0"))


@pytest.mark.parametrize("rate", ["-0.1", "100.1", "999.9"])
def test_a_target_rate_lies_between_0_and_100(rate):
    target = DisposalTarget.objects.create(park=factories.make_park(), year=2023, rate_pct=Decimal("50"))
    refused_by_database(target, rate_pct=Decimal(rate))
    assert "rate_pct" in clean_errors(target, rate_pct=Decimal(rate))


@pytest.mark.parametrize("rate", ["0", "100"])
def test_a_target_rate_may_be_0_or_100(rate):
    target = DisposalTarget.objects.create(park=factories.make_park(), year=2023, rate_pct=Decimal(rate))
    target.full_clean()


def test_a_user_has_one_role_per_park():
    park = factories.make_park()
    user = factories.make_user(park=park, role="officer")
    twin = Membership(user=user, park=park, role="supervisor")
    insert_refused(twin)
    message = constraint_message(Membership, "one_role_per_park")
    assert message in clean_errors(twin)[NON_FIELD_ERRORS]
    Membership.objects.create(user=user, park=factories.make_park(), role="supervisor")
    assert Membership.objects.filter(user=user).count() == 2


def test_a_park_code_is_short_and_capital():
    park = factories.make_park(code="XQ")
    refused_by_database(park, code="xq")
    assert "code" in clean_errors(park, code="xq")
    assert Park.objects.get(pk=park.pk).code == "XQ"


# Every constraint can explain itself ------------------------------------------------------------


def _all_constraints():
    for model in apps.get_app_config("cases").get_models():
        if not model.__name__.startswith("Historical"):
            for constraint in model._meta.constraints:
                name = constraint.name % {"app_label": "cases", "class": model.__name__.lower()}
                yield pytest.param(constraint, id=name)


@pytest.mark.parametrize("constraint", list(_all_constraints()))
def test_every_constraint_message_can_be_shown(constraint):
    # Django fills "%(name)s" into the message, so a bare "%" in it turns a refusal into a crash.
    assert str(constraint.get_violation_error_message())

"""`manage.py generate_city` at a tiny scale: every row passes the models' own checks, the counts and
shares hold, the workflow's history is consistent, and the same seed gives the same data."""

import hashlib
import io
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from cases import citydata
from cases.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    CaseDeadline,
    CaseEvent,
    CaseNumberSequence,
    CustodyEvent,
    DisposalCase,
    DisposalTarget,
    Enterprise,
    EvidenceDocument,
    LandParcel,
    LowEfficiencyThreshold,
    Membership,
    Park,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
    Status,
    parse_case_number,
)
from tests.factories import make_case

pytestmark = pytest.mark.django_db

SCALE = 0.003  # 45 enterprises, 60 parcels, 300 cases, 3,000 events
PASSWORD = "City-bench-password-1"


def generate(seed: int = 11, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "generate_city",
        "--seed",
        str(seed),
        "--scale",
        str(SCALE),
        "--password",
        PASSWORD,
        *extra,
        stdout=out,
    )
    return out.getvalue()


def every_nth(queryset, limit: int):
    rows = list(queryset.order_by("pk"))
    step = max(1, len(rows) // limit)
    return rows[::step]


def fingerprint() -> str:
    """A digest of the generated content by natural keys (primary keys left out)."""
    digest = hashlib.sha256()
    for row in Enterprise.objects.order_by("park__code", "credit_code", "name").values_list(
        "park__code", "name", "credit_code", "contact_person", "address"
    ):
        digest.update(repr(row).encode())
    for row in LandParcel.objects.order_by("park__code", "code").values_list(
        "park__code", "code", "area_m2", "location", "enterprise__name", "agreed_start_on", "invested_wan"
    ):
        digest.update(repr(row).encode())
    for row in DisposalCase.objects.order_by("number").values_list(
        "number",
        "parcel__code",
        "category",
        "status",
        "status_before_close",
        "case_area_m2",
        "opened_on",
        "identified_on",
        "decision_on",
        "disposed_on",
        "disposed_area_m2",
        "disposal_method",
        "officer__username",
        "created_at",
    ):
        digest.update(repr(row).encode())
    for row in CaseEvent.objects.order_by(
        "case__number", "occurred_on", "created_at", "kind", "title"
    ).values_list(
        "case__number", "kind", "occurred_on", "title", "details", "due_on", "due_met_on", "to_status"
    ):
        digest.update(repr(row).encode())
    for row in EvidenceDocument.objects.order_by("case__number", "doc_type").values_list(
        "case__number", "doc_type", "sha256", "document_date", "title"
    ):
        digest.update(repr(row).encode())
    for row in RevitalisationMeasure.objects.order_by("case__number", "method").values_list(
        "case__number", "method", "status", "amount_wan", "started_on", "concluded_on"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_generated_rows_pass_every_check_and_hold_the_counts():
    output = generate()
    assert "City generated" in output

    codes = [p.code for p in citydata.PARKS]
    assert sorted(Park.objects.values_list("code", flat=True)) == sorted(codes)
    assert Enterprise.objects.count() == 45
    assert LandParcel.objects.count() == 60
    assert DisposalCase.objects.count() == 300
    assert CaseEvent.objects.count() == 3000
    assert get_user_model().objects.filter(username="city-admin", is_superuser=True).exists()
    assert get_user_model().objects.get(username="fsg-officer1").check_password(PASSWORD)

    # Every status occurs; the closed cases are mostly disposed; at most one open case per parcel.
    statuses = Counter(DisposalCase.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert statuses[Status.DISPOSED] > statuses[Status.WITHDRAWN]
    open_parcels = Counter(DisposalCase.objects.open().values_list("parcel_id", flat=True))
    assert open_parcels and max(open_parcels.values()) == 1
    years = {d.year for d in DisposalCase.objects.values_list("opened_on", flat=True)}
    assert min(years) >= 2015 and max(years) <= 2024 and len(years) >= 8

    # Names follow the weighted lists: the most frequent trade-name character leads the table.
    names = Enterprise.objects.values_list("name", flat=True)
    assert all(name.endswith("公司") for name in names)
    characters = Counter(c for name in names for c in name if c in citydata.STEM_CHARACTERS)
    assert characters.most_common(1)[0][1] >= characters.get("奥", 0)

    # Numbers: {park}-{year}-{seq:03d} of the year opened; sequences at the highest number given.
    highest = defaultdict(int)
    for number, park, opened_on in DisposalCase.objects.values_list(
        "number", "parcel__park__code", "opened_on"
    ):
        code, year, seq = parse_case_number(number)
        assert (code, year) == (park, opened_on.year)
        highest[(code, year)] = max(highest[(code, year)], seq)
    sequences = {
        (s.park.code, s.year): s.last_number for s in CaseNumberSequence.objects.select_related("park")
    }
    assert sequences == dict(highest)

    # The timeline's steps lead from lead to the case's status through allowed transitions.
    allowed = {(t.source, t.target) for t in TRANSITIONS}
    steps = defaultdict(list)
    for case_id, source, target in (
        CaseEvent.objects.filter(kind=CaseEvent.Kind.STATUS_CHANGE)
        .order_by("case_id", "occurred_on", "created_at", "pk")
        .values_list("case_id", "from_status", "to_status")
    ):
        steps[case_id].append((source, target))
    for case in DisposalCase.objects.all():
        chain = steps.get(case.pk, [])
        current = Status.LEAD
        for source, target in chain:
            assert source == current and (source, target) in allowed, case.number
            current = target
        assert current == case.status, case.number
        if case.status in OPEN_STATUSES:
            assert case.status_before_close == ""
        else:
            assert case.status_before_close == chain[-1][0]

    # Every model's own checks, on a sample of its rows.
    samples = {
        Park: 9,
        get_user_model(): 20,
        Membership: 20,
        LowEfficiencyThreshold: 9,
        DisposalTarget: 10,
        Enterprise: 30,
        LandParcel: 30,
        DisposalCase: 60,
        CaseNumberSequence: 20,
        CaseEvent: 80,
        EvidenceDocument: 60,
        CustodyEvent: 50,
        Partner: 20,
        RevitalisationMeasure: 10,
        ProjectLead: 20,
    }
    for model, limit in samples.items():
        rows = every_nth(model.objects.all(), limit)
        assert rows or model is RevitalisationMeasure, model
        for row in rows:
            row.full_clean()

    # The evidence files the documents point to are there, with the recorded checksums and sizes.
    call_command("verify_evidence", stdout=io.StringIO())

    # The stored deadlines of every open case, as the rules compute them (a rebuild changes nothing).
    stored = list(
        CaseDeadline.objects.order_by("pk").values_list("case_id", "rule", "source_id", "due", "reason")
    )
    assert {row[0] for row in stored} == set(DisposalCase.objects.open().values_list("pk", flat=True))
    call_command("rebuild_deadlines", stdout=io.StringIO())
    again = CaseDeadline.objects.order_by("pk").values_list("case_id", "rule", "source_id", "due", "reason")
    assert list(again) == stored


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    prints = []
    for seed in (5, 5, 6):
        with transaction.atomic():
            generate(seed)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_it_refuses_a_database_with_cases_unless_forced_and_never_twice():
    make_case()
    with pytest.raises(CommandError, match="already holds 1 cases"):
        generate()
    assert not Park.objects.filter(code=citydata.PARKS[0].code).exists()

    generate(11, "--force")
    assert DisposalCase.objects.count() == 301
    with pytest.raises(CommandError, match="exist already"):
        generate(11, "--force")

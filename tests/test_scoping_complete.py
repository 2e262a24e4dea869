"""Every park-owned model has its scoping function, and no view filters by park by hand."""

import re
from pathlib import Path

from django.apps import apps

from cases import scoping

ROOT = Path(__file__).resolve().parent.parent
# Each model whose rows belong to a park, by the path from the model to its park.
PARK_PATHS = {
    "Park": "pk",
    "Membership": "park",
    "LowEfficiencyThreshold": "park",
    "DisposalTarget": "park",
    "Enterprise": "park",
    "LandParcel": "park",
    "DisposalCase": "parcel__park",
    "CaseEvent": "case__parcel__park",
    "CaseDeadline": "park",
    "EvidenceDocument": "case__parcel__park",
    "CustodyEvent": "document__case__parcel__park",
    "RevitalisationMeasure": "case__parcel__park",
    "Partner": "park",
    "ProjectLead": "park",
    "MonthClose": "park",
    "LedgerImport": "parks",
}
SCOPING = {
    "Park": scoping.parks_for,
    "Membership": scoping.memberships_for,
    "LowEfficiencyThreshold": scoping.thresholds_for,
    "DisposalTarget": scoping.targets_for,
    "Enterprise": scoping.enterprises_for,
    "LandParcel": scoping.parcels_for,
    "DisposalCase": scoping.cases_for,
    "CaseEvent": scoping.events_for,
    "CaseDeadline": scoping.deadlines_for,
    "EvidenceDocument": scoping.documents_for,
    "CustodyEvent": scoping.custody_events_for,
    "RevitalisationMeasure": scoping.measures_for,
    "Partner": scoping.partners_for,
    "ProjectLead": scoping.leads_for,
    "MonthClose": scoping.month_closes_for,
    "LedgerImport": scoping.ledger_imports_for,
}


def _reaches_a_park(model) -> bool:
    """Whether a model points at a park, directly or through a case, parcel or document."""
    seen, todo = set(), [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for field in current._meta.get_fields():
            related = getattr(field, "related_model", None)
            if not (field.is_relation and not field.auto_created and related):
                continue
            if related.__name__ == "Park":
                return True
            if related._meta.app_label == "cases":
                todo.append(related)
    return False


def test_every_model_with_a_park_path_has_a_scoping_function():
    owned = {
        m.__name__
        for m in apps.get_app_config("cases").get_models()
        if not m.__name__.startswith("Historical") and (m.__name__ == "Park" or _reaches_a_park(m))
    }
    # The case number sequence and the evidence requirements are the system's, never a user's list.
    owned -= {"CaseNumberSequence", "EvidenceRequirement"}
    assert owned == set(PARK_PATHS), owned ^ set(PARK_PATHS)
    for name in owned:
        function = SCOPING[name]
        assert function.__module__ == "cases.scoping"
        assert function(None).model.__name__ == name


def test_no_view_form_or_admin_filters_by_park_by_hand():
    hand = re.compile(r"\.filter\([^)]*park(__|_id)?(__in)?=\s*scoping\.parks_for")
    offenders = []
    for folder in ("views", "admin", "forms"):
        for path in (ROOT / "cases" / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if hand.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    for path in (ROOT / "cases").glob("*.py"):
        if path.name == "scoping.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if hand.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_the_hand_filter_check_would_catch_one():
    hand = re.compile(r"\.filter\([^)]*park(__|_id)?(__in)?=\s*scoping\.parks_for")
    assert hand.search("Partner.objects.filter(park__in=scoping.parks_for(user))")
    assert not hand.search("scoping.partners_for(user)")

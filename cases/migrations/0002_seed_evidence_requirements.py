"""The default evidence requirements (docs/data-model.md#evidencerequirement-证据材料要求), for both
categories; editable in the admin."""

from django.db import migrations

RIGHT = ["grant_contract", "allocation_decision"]
COMPLETION = ["payment_voucher", "deregistration", "handover_record", "agreement"]

DEFAULTS = [
    # (into status, only for method, accepted document types)
    ("identified", "", RIGHT),
    ("identified", "", ["investigation_notice"]),
    ("identified", "", ["service_receipt"]),
    ("identified", "", ["site_inspection"]),
    ("implementing", "", ["identification"]),
    ("implementing", "", ["decision"]),
    ("implementing", "idle_fee", ["hearing_notice"]),
    ("implementing", "free_recovery", ["hearing_notice"]),
    ("implementing", "free_recovery", ["government_approval"]),
    ("disposed", "", COMPLETION),
]
CATEGORIES = ["idle", "inefficient"]


def seed(apps, schema_editor):
    EvidenceRequirement = apps.get_model("cases", "EvidenceRequirement")
    for category in CATEGORIES:
        for to_status, method, doc_types in DEFAULTS:
            if method and category != "idle":
                continue  # fee and take-back are idle-land methods
            EvidenceRequirement.objects.get_or_create(
                to_status=to_status,
                category=category,
                disposal_method=method,
                doc_types=doc_types,
            )


def unseed(apps, schema_editor):
    EvidenceRequirement = apps.get_model("cases", "EvidenceRequirement")
    for category in CATEGORIES:
        for to_status, method, doc_types in DEFAULTS:
            EvidenceRequirement.objects.filter(
                to_status=to_status, category=category, disposal_method=method, doc_types=doc_types
            ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

"""The demo is loaded once: each test starts from it as loaded, whatever the test before it wrote."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from cases.models import EvidenceDocument, LandParcel, Park
from tests.factories import make_parcel

pytestmark = pytest.mark.django_db(transaction=True)

PROBE = "XQ-PROBE"
# What each test found or made, to be the same in every test whichever runs first.
seen: dict[str, set] = {"password": set(), "new parcel id": set()}


@pytest.mark.parametrize("turn", ["one", "another"])
def test_each_test_starts_from_the_demo_as_loaded(demo, turn):
    documents = list(EvidenceDocument.objects.all())
    folder = Path(settings.EVIDENCE_ROOT)
    assert len(documents) > 1
    for document in documents:
        assert hashlib.sha256((folder / document.file.name).read_bytes()).hexdigest() == document.sha256
    assert not LandParcel.objects.filter(code=PROBE).exists()
    officer = get_user_model().objects.get(username="demo-officer")
    seen["password"].add(officer.password)

    # What this test writes, the next one must not see.
    (folder / documents[0].file.name).write_bytes(b"changed")
    (folder / documents[1].file.name).unlink()
    officer.set_password("another password")
    officer.save()
    # A new row is numbered as right after the load, in whichever test it is made.
    seen["new parcel id"].add(make_parcel(park=Park.objects.get(code="XQ"), code=PROBE).pk)
    assert all(len(values) == 1 for values in seen.values()), seen

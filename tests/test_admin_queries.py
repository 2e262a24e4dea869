"""Every admin changelist makes as many queries for 20 rows as for 2, and at most 8 with the session
and the user: its list columns read their related rows in the page's one query, the user's parks and
roles are read once per request, and a filtered page counts only its own rows."""

import pytest
from django.contrib import admin
from django.utils import timezone

from cases.models import (
    ApiToken,
    CaseDeadline,
    CaseEvent,
    CaseNumberSequence,
    CustodyEvent,
    DataVersion,
    DisposalCase,
    DisposalTarget,
    Enterprise,
    EvidenceDocument,
    EvidenceRequirement,
    LandParcel,
    LedgerImport,
    LowEfficiencyThreshold,
    Membership,
    MonthClose,
    Park,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
)
from tests import factories
from tests.worlds.admin import add_parks, changelist_queries

pytestmark = pytest.mark.django_db

R = Membership.Role
MOST = 8
CHANGELISTS = [
    (DisposalCase, ""),
    (DisposalCase, "?status__exact=lead&category__exact=idle"),
    (LandParcel, ""),
    (Enterprise, ""),
    (CaseEvent, ""),
    (CaseDeadline, ""),
    (EvidenceDocument, ""),
    (CustodyEvent, ""),
    (RevitalisationMeasure, ""),
    (Partner, ""),
    (ProjectLead, ""),
    (Park, ""),
    (Membership, ""),
    (LowEfficiencyThreshold, ""),
    (DisposalTarget, ""),
    (MonthClose, ""),
    (CaseNumberSequence, ""),
    (LedgerImport, ""),
    (EvidenceRequirement, ""),
    (ApiToken, ""),
    (DataVersion, ""),
]
IDS = [f"{model.__name__}{query}" for model, query in CHANGELISTS]
# The case number sequences are the system's: shown to those Django's permissions let in; the data
# version is the operator's (superusers).
SCOPED = [
    (c, i) for c, i in zip(CHANGELISTS, IDS, strict=True) if c[0] not in (CaseNumberSequence, DataVersion)
]


def test_every_changelist_of_the_app_is_counted_here():
    registered = {model for model in admin.site._registry if model._meta.app_label == "cases"}
    assert registered - {model for model, _query in CHANGELISTS} == set()


@pytest.mark.parametrize(("model", "query"), CHANGELISTS, ids=IDS)
def test_a_superusers_changelist_makes_the_same_few_queries_for_2_and_20_rows(client, model, query):
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    add_parks(2)
    changelist_queries(client, model, query)  # content types, translations: loaded once per process
    two = changelist_queries(client, model, query)
    add_parks(18)
    twenty = changelist_queries(client, model, query)
    assert twenty == two
    assert twenty <= MOST, twenty


@pytest.mark.parametrize(("model", "query"), [c for c, _i in SCOPED], ids=[i for _c, i in SCOPED])
def test_a_park_administrators_changelist_makes_as_many_queries_for_20_rows_as_for_2(client, model, query):
    parks = add_parks(2)
    user = factories.make_user(is_staff=True, park=parks[0], role=R.PARK_ADMIN)
    client.force_login(user)
    changelist_queries(client, model, query)
    two = changelist_queries(client, model, query)
    for park in add_parks(18):
        Membership.objects.create(user=user, park=park, role=R.PARK_ADMIN)
    assert changelist_queries(client, model, query) == two


def test_the_year_filter_offers_recent_years_and_filters_by_any_year(client):
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    park = add_parks(1)[0]
    last_year, long_ago = timezone.localdate().year - 1, timezone.localdate().year - 15
    for year in (last_year, long_ago):
        DisposalTarget.objects.create(park=park, year=year, rate_pct="50.0")
    cl = client.get("/admin/cases/disposaltarget/").context["cl"]
    offered = [choice["display"] for spec in cl.filter_specs for choice in spec.choices(cl)]
    assert str(last_year) in offered
    assert str(long_ago) not in offered
    rows = client.get(f"/admin/cases/disposaltarget/?year={long_ago}").context["cl"].result_list
    assert [target.year for target in rows] == [long_ago]


def test_a_changelist_shows_the_rows_it_counts(client):
    """The page's rows are those of the user's parks, with their related rows' names."""
    parks = add_parks(3)
    user = factories.make_user(is_staff=True, park=parks[0], role=R.VIEWER)
    client.force_login(user)
    page = client.get("/admin/cases/revitalisationmeasure/").text
    assert "伙伴0" in page
    assert "伙伴1" not in page and "伙伴2" not in page

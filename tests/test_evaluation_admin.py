"""The evaluation in the admin: every page opens, rows are scoped to the user's parks, a scheme is
copied to the next year and its indicator edits count in its version."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from cases.models import Membership
from evaluation.defaults import create_default_scheme
from evaluation.models import EvaluationRun, EvaluationScheme, GrantCommitment, YearFigures
from evaluation.scoring import evaluate
from tests import factories

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture
def world():
    park = factories.make_park(code="AD")
    other = factories.make_park(code="OT")
    for p in (park, other):
        enterprise = factories.make_enterprise(park=p, name=f"{p.code}园区的企业")
        parcel = factories.make_parcel(park=p, enterprise=enterprise)
        YearFigures.objects.create(enterprise=enterprise, parcel=parcel, year=2024, tax_wan=Decimal(50))
        GrantCommitment.objects.create(parcel=parcel, tax_per_mu_wan=Decimal(10))
        EvaluationRun.objects.record(evaluate(p, 2024, create_default_scheme(p, 2024)))
    return park, other


def test_every_evaluation_admin_page_opens_for_a_superuser(world):
    client = Client()
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        if model._meta.app_label != "evaluation":
            continue
        name = model._meta.model_name
        assert client.get(reverse(f"admin:evaluation_{name}_changelist")).status_code == 200, name
        first = model.objects.first()
        if first is not None:
            assert client.get(reverse(f"admin:evaluation_{name}_change", args=[first.pk])).status_code == 200


def test_a_park_administrator_sees_only_their_parks_rows(world):
    park, other = world
    client = Client()
    client.force_login(factories.make_user(is_staff=True, park=park, role=R.PARK_ADMIN))
    page = client.get(reverse("admin:evaluation_yearfigures_changelist")).content.decode()
    mine = YearFigures.objects.select_related("enterprise").get(parcel__park=park)
    theirs = YearFigures.objects.select_related("enterprise").get(parcel__park=other)
    assert mine.enterprise.name in page and theirs.enterprise.name not in page
    assert client.get(reverse("admin:evaluation_yearfigures_change", args=[theirs.pk])).status_code in (
        302,
        404,
    )
    scheme = EvaluationScheme.objects.get(park=other)
    assert client.get(reverse("admin:evaluation_evaluationscheme_change", args=[scheme.pk])).status_code in (
        302,
        404,
    )


def test_a_scheme_is_copied_to_the_next_year_from_the_admin(world):
    park, _other = world
    client = Client()
    client.force_login(factories.make_user(is_staff=True, park=park, role=R.PARK_ADMIN))
    scheme = EvaluationScheme.objects.get(park=park)
    client.post(
        reverse("admin:evaluation_evaluationscheme_changelist"),
        {"action": "copy_to_next_year", "_selected_action": [scheme.pk]},
    )
    copy = EvaluationScheme.objects.get(park=park, year=2025)
    assert copy.indicators.count() == scheme.indicators.count()

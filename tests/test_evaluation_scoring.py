"""The evaluation's arithmetic: indicators, park averages, points, classes, the 规下 rule, shared land."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from evaluation.defaults import create_default_scheme, scheme_for
from evaluation.models import EvaluationRun, Group, RunError, RunState, YearFigures
from evaluation.scoring import evaluate
from tests.factories import make_enterprise, make_parcel, make_park, make_user

pytestmark = pytest.mark.django_db
MU = Decimal(10000) / 15


def figures(enterprise, parcel, year=2024, **values):
    defaults = {
        "tax_wan": Decimal(100),
        "value_added_wan": Decimal(1000),
        "output_wan": Decimal(4000),
        "energy_tce": Decimal(500),
        "emissions_t": Decimal(2),
        "rd_wan": Decimal(120),
        "revenue_wan": Decimal(4000),
        "employees": 100,
    }
    return YearFigures.objects.create(
        enterprise=enterprise, parcel=parcel, year=year, **{**defaults, **values}
    )


@pytest.fixture
def park():
    return make_park(code="EV")


def firm(park, *, area_mu=10, **values):
    enterprise = make_enterprise(park=park)
    parcel = make_parcel(
        park=park, area_m2=str((MU * area_mu).quantize(Decimal("0.01"))), enterprise=enterprise
    )
    figures(enterprise, parcel, **values)
    return enterprise


def result(evaluation, enterprise):
    return next(s for s in evaluation.subjects if s.enterprise_id == enterprise.pk)


def test_an_enterprise_at_the_parks_average_scores_100_and_the_weights_follow_huangyan(park):
    first = firm(park)
    second = firm(park)
    evaluation = evaluate(park, 2024, create_default_scheme(park, 2024))
    for enterprise in (first, second):
        subject = result(evaluation, enterprise)
        assert subject.score == Decimal("100.00")
        assert subject.grade == "B"
        weights = {code: entry["weight"] for code, entry in subject.indicators.items()}
        assert weights == {
            "tax_per_mu": "30.00",
            "value_added_per_mu": "20.00",
            "value_added_per_energy": "20.00",
            "value_added_per_emission": "10.00",
            "labour_productivity": "10.00",
            "rd_share": "10.00",
            "tax_growth": "0.00",
        }


def test_each_indicator_is_its_ratio_and_scores_weight_times_value_over_the_average(park):
    strong = firm(park, tax_wan=Decimal(300))
    weak = firm(park, tax_wan=Decimal(100))
    evaluation = evaluate(park, 2024, create_default_scheme(park, 2024))
    entry = result(evaluation, strong).indicators["tax_per_mu"]
    assert entry["value"] == "30.00"  # 300 万元 on 10 亩
    assert entry["benchmark"] == "20.00"  # (300 + 100) / 20 亩
    assert entry["points"] == "45.00"  # 30 × 30 / 20
    assert result(evaluation, weak).indicators["tax_per_mu"]["points"] == "15.00"
    assert result(evaluation, strong).score == Decimal("115.00")
    assert result(evaluation, weak).score == Decimal("85.00")
    rd = result(evaluation, strong).indicators["rd_share"]
    assert rd["value"] == "3.00"  # 120 / 4000 × 100 %


def test_the_class_follows_the_cut_offs_and_a_low_scorer_is_d(park):
    firm(park, tax_wan=Decimal(900), value_added_wan=Decimal(9000))
    low = firm(park, tax_wan=Decimal(5), value_added_wan=Decimal(50))
    evaluation = evaluate(park, 2024, create_default_scheme(park, 2024))
    assert result(evaluation, low).grade == "D"
    assert result(evaluation, low).score < Decimal(50)


def test_below_designated_size_is_graded_on_tax_per_mu_alone_and_published_by_land(park):
    firm(park)
    big = firm(park, above_scale=False, tax_wan=Decimal(40), area_mu=4)
    small = firm(park, above_scale=False, tax_wan=Decimal(5), area_mu=2)
    evaluation = evaluate(park, 2024, create_default_scheme(park, 2024))
    assert result(evaluation, big).group == Group.SMALL_LARGE_LAND
    assert result(evaluation, small).group == Group.SMALL_SMALL_LAND
    # 规下 average: 45 万元 / 6 亩 = 7.5; 10 / 7.5 × 100 = 133.33
    assert result(evaluation, big).score == Decimal("133.33")
    assert {k for k, e in result(evaluation, big).indicators.items() if Decimal(e["points"])} == {
        "tax_per_mu"
    }


def test_a_parcel_shared_by_two_enterprises_gives_each_its_part_and_a_tenant_is_published_apart(park):
    owner = make_enterprise(park=park)
    tenant = make_enterprise(park=park)
    parcel = make_parcel(park=park, area_m2=str((MU * 10).quantize(Decimal("0.01"))), enterprise=owner)
    figures(owner, parcel)
    figures(tenant, parcel, is_tenant=True, above_scale=False)
    evaluation = evaluate(park, 2024, create_default_scheme(park, 2024))
    assert result(evaluation, owner).land_m2 == result(evaluation, tenant).land_m2
    assert result(evaluation, owner).indicators["tax_per_mu"]["value"] == "20.00"  # 100 on 5 亩
    assert result(evaluation, tenant).group == Group.TENANT


def test_an_enterprise_without_an_emission_figure_gets_the_average_points_of_those_with_one(park):
    firm(park, emissions_t=Decimal(1))
    firm(park, emissions_t=Decimal(4))
    missing = firm(park, emissions_t=None)
    evaluation = evaluate(park, 2024, create_default_scheme(park, 2024))
    given = [
        Decimal(s.indicators["value_added_per_emission"]["points"])
        for s in evaluation.subjects
        if s.indicators["value_added_per_emission"]["band"] != "missing"
    ]
    entry = result(evaluation, missing).indicators["value_added_per_emission"]
    assert entry["band"] == "missing"
    assert Decimal(entry["points"]) == ((given[0] + given[1]) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_tax_growth_carries_its_alert_and_excellent_bands(park):
    falling = make_enterprise(park=park)
    rising = make_enterprise(park=park)
    for enterprise, before, now in ((falling, 100, 90), (rising, 100, 120)):
        parcel = make_parcel(park=park, area_m2=str((MU * 10).quantize(Decimal("0.01"))))
        figures(enterprise, parcel, year=2023, tax_wan=Decimal(before))
        figures(enterprise, parcel, year=2024, tax_wan=Decimal(now))
    evaluation = evaluate(park, 2024, create_default_scheme(park, 2024))
    assert result(evaluation, falling).indicators["tax_growth"] == {
        "value": "-10.00",
        "benchmark": "5.00",
        "weight": "0.00",
        "points": "0.00",
        "band": "alert",
    }
    assert result(evaluation, rising).indicators["tax_growth"]["band"] == "excellent"


def test_a_three_year_average_sums_the_figures_of_the_three_years(park):
    scheme = create_default_scheme(park, 2024)
    scheme.average_years = 3
    scheme.save()
    enterprise = make_enterprise(park=park)
    parcel = make_parcel(park=park, area_m2=str((MU * 10).quantize(Decimal("0.01"))))
    for year, tax in ((2021, 1000), (2022, 30), (2023, 60), (2024, 90)):
        figures(enterprise, parcel, year=year, tax_wan=Decimal(tax))
    evaluation = evaluate(park, 2024, scheme)
    assert result(evaluation, enterprise).indicators["tax_per_mu"]["value"] == "6.00"  # 180 / 30 亩


def test_a_run_is_kept_confirmed_by_a_supervisor_published_and_restated(park):
    firm(park)
    scheme, how = scheme_for(park, 2024)
    assert how == "default"
    user = make_user(park=park)
    first = EvaluationRun.objects.record(evaluate(park, 2024, scheme), by=user)
    with pytest.raises(RunError):
        first.publish(by=user)
    first.confirm(by=user)
    first.publish(by=user)
    second = EvaluationRun.objects.record(evaluate(park, 2024, scheme), by=user)
    second.confirm(by=user)
    second.publish(by=user)
    first.refresh_from_db()
    assert first.state == RunState.SUPERSEDED
    assert second.supersedes == first
    assert first.results.count() == 1
    assert EvaluationRun.objects.shown_for(park, 2024) == second


def test_the_next_years_scheme_is_copied_from_the_last_with_its_version_counted(park):
    scheme = create_default_scheme(park, 2024)
    scheme.a_min = Decimal(130)
    scheme.save()
    assert scheme.version == 2
    copy, how = scheme_for(park, 2025)
    assert how == "copied"
    assert copy.a_min == Decimal(130)
    assert copy.indicators.count() == 7


def test_evaluating_reads_the_figures_in_a_number_of_queries_that_does_not_grow(
    park, django_assert_max_num_queries
):
    scheme = create_default_scheme(park, 2024)
    for _ in range(3):
        firm(park)
    with django_assert_max_num_queries(8) as small:
        EvaluationRun.objects.record(evaluate(park, 2024, scheme))
    for _ in range(30):
        firm(park)
    with django_assert_max_num_queries(len(small)):
        EvaluationRun.objects.record(evaluate(park, 2024, scheme))


def test_an_enterprise_left_no_land_by_the_stated_shares_is_listed_not_graded(park):
    owner = make_enterprise(park=park)
    squeezed = make_enterprise(park=park)
    parcel = make_parcel(park=park, area_m2="1000.00", enterprise=owner)
    figures(owner, parcel, land_m2=Decimal("1000.00"))
    figures(squeezed, parcel)
    evaluation = evaluate(park, 2024, create_default_scheme(park, 2024))
    assert evaluation.landless == [squeezed.pk]
    assert [s.enterprise_id for s in evaluation.subjects] == [owner.pk]
    EvaluationRun.objects.record(evaluation)  # the database takes every result: none without land

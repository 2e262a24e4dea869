"""The radar (issue 6, item 5; docs/workflow.md#the-radar): suspected idle land one and two full years on,
suspected low-efficiency land below its park's thresholds, stalled cases, and the one-click case."""

import html
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.deadlines import add_months
from cases.models import DisposalCase, LandParcel, LowEfficiencyThreshold, Membership, Park
from cases.models.land import years_before
from cases.models.radar import failing_indicators, stalled_cases
from tests import factories
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@dataclass
class Parks:
    park: Park
    other_park: Park
    officer: object
    viewer: object
    other_officer: object


@pytest.fixture
def parks() -> Parks:
    """Park A (WA) with thresholds of plot ratio 1.0, investment 250, output 400 and tax 20 万元/亩."""
    park = factories.make_park(code="WA", name="甲园")
    other_park = factories.make_park(code="WB", name="乙园")
    LowEfficiencyThreshold.objects.create(
        park=park,
        min_plot_ratio=Decimal("1.00"),
        min_investment_per_mu_wan=Decimal("250.00"),
        min_output_per_mu_wan=Decimal("400.00"),
        min_tax_per_mu_wan=Decimal("20.00"),
    )
    return Parks(
        park=park,
        other_park=other_park,
        officer=factories.make_user(username="officer-wa", park=park, role=R.OFFICER),
        viewer=factories.make_user(username="viewer-wa", park=park, role=R.VIEWER),
        other_officer=factories.make_user(username="officer-wb", park=other_park, role=R.OFFICER),
    )


def today_is(monkeypatch, day: date) -> None:
    """The radar reads today from `timezone.localdate()`; pin it for the length of a test."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def radar(client, user):
    sign_in(client, user)
    response = client.get("/radar/")
    assert response.status_code == 200
    return response


def codes(parcels) -> list[str]:
    return [parcel.code for parcel in parcels]


def disposed(parcel: LandParcel) -> DisposalCase:
    return factories.make_case(
        parcel=parcel,
        status="disposed",
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 4, 1),
        disposed_on=date(2022, 9, 1),
        disposed_area_m2=parcel.area_m2,
    )


# Suspected idle land ----------------------------------------------------------------------------


def test_years_before_falls_back_to_28_february():
    assert years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)
    assert years_before(date(2024, 2, 29), 4) == date(2020, 2, 29)
    assert years_before(date(2026, 11, 26), 2) == date(2024, 11, 26)


# (today, agreed start, the list it is on: one to two years, two years or more, or none). A parcel
# is idle once a full year from its agreed start has run to the day; 29 February's year ends on
# 28 February, as every other clock in Parkland counts it (cases/deadlines.py add_months,
# 民法典 art. 203: without a corresponding day, the month's last day ends the period).
IDLE = [
    (date(2026, 11, 26), date(2025, 11, 26), "one"),
    (date(2026, 11, 26), date(2025, 11, 27), None),
    (date(2026, 11, 26), date(2024, 11, 26), "two"),
    (date(2026, 11, 26), date(2024, 11, 27), "one"),
    (date(2026, 1, 1), date(2025, 1, 1), "one"),
    (date(2026, 1, 1), date(2025, 1, 2), None),
    (date(2024, 2, 29), date(2023, 2, 28), "one"),
    (date(2024, 2, 29), date(2023, 3, 1), None),
    (date(2024, 2, 29), date(2022, 2, 28), "two"),
    (date(2024, 2, 29), date(2022, 3, 1), "one"),
    (date(2028, 2, 28), date(2027, 2, 28), "one"),
    (date(2028, 2, 27), date(2027, 2, 28), None),
    # agreed to start on 29 February
    (date(2025, 2, 27), date(2024, 2, 29), None),
    (date(2025, 2, 28), date(2024, 2, 29), "one"),
    (date(2025, 3, 1), date(2024, 2, 29), "one"),
    (date(2026, 2, 27), date(2024, 2, 29), "one"),
    (date(2026, 2, 28), date(2024, 2, 29), "two"),
    (date(2026, 3, 1), date(2024, 2, 29), "two"),
    (date(2029, 2, 28), date(2028, 2, 29), "one"),
]


@pytest.mark.parametrize(("today", "agreed", "shown"), IDLE, ids=[f"{t}-agreed-{a}" for t, a, _s in IDLE])
def test_suspected_idle_land_one_and_two_full_years_on(client, parks, monkeypatch, today, agreed, shown):
    # The table follows the deadlines' calendar: a year on is add_months(agreed, 12).
    assert (add_months(agreed, 12) <= today) is (shown is not None)
    assert (add_months(agreed, 24) <= today) is (shown == "two")
    factories.make_parcel(park=parks.park, code="IDLE", agreed_start_on=agreed)
    assert ("IDLE" in codes(LandParcel.objects.suspected_idle(today))) is (shown is not None)
    today_is(monkeypatch, today)
    context = radar(client, parks.officer).context
    assert ("IDLE" in codes(context["idle_one_year"])) is (shown == "one")
    assert ("IDLE" in codes(context["idle_two_years"])) is (shown == "two")


def test_the_idle_lists_leave_out_started_land_handled_land_and_other_parks(client, parks, monkeypatch):
    long_ago = date(2020, 1, 1)
    factories.make_parcel(park=parks.park, code="IDLE", agreed_start_on=long_ago)
    factories.make_parcel(
        park=parks.park, code="STARTED", agreed_start_on=long_ago, actual_start_on=date(2021, 5, 1)
    )
    factories.make_parcel(park=parks.park, code="NO-DATE")
    factories.make_case(parcel=factories.make_parcel(park=parks.park, code="OPEN", agreed_start_on=long_ago))
    disposed(factories.make_parcel(park=parks.park, code="DISPOSED", agreed_start_on=long_ago))
    factories.make_parcel(park=parks.other_park, code="ELSEWHERE", agreed_start_on=long_ago)
    today_is(monkeypatch, date(2026, 11, 26))
    response = radar(client, parks.officer)
    assert codes(response.context["idle_two_years"]) == ["IDLE"]
    assert codes(response.context["idle_one_year"]) == []
    assert "ELSEWHERE" not in response.content.decode()
    sign_in(client, parks.other_officer)
    assert codes(client.get("/radar/").context["idle_two_years"]) == ["ELSEWHERE"]


# Suspected low-efficiency land ------------------------------------------------------------------

INDICATORS = {
    "investment": ("invested_wan", "250.00"),
    "output": ("annual_output_wan", "400.00"),
    "tax": ("annual_tax_wan", "20.00"),
}


def for_area(per_mu: str, area_m2: str) -> Decimal:
    """The amount on `area_m2` that is exactly `per_mu` 万元 a 亩: per 亩 = amount ÷ (area ÷ 10000/15)."""
    amount = Decimal(per_mu) * Decimal(area_m2) * 15 / 10000
    assert amount == amount.quantize(Decimal("0.01")), "pick an area where the amount is exact"
    return amount.quantize(Decimal("0.01"))


def in_use(park, area_m2: str = "20000.00", *, code: str = "LOW", land_use: str = "industrial", **fields):
    """A started industrial parcel comfortably above every threshold, unless `fields` say otherwise."""
    values = {
        "actual_start_on": date(2020, 5, 1),
        "agreed_start_on": date(2019, 5, 1),
        "actual_plot_ratio": Decimal("1.20"),
        "invested_wan": for_area("300", area_m2),
        "annual_output_wan": for_area("500", area_m2),
        "annual_tax_wan": for_area("30", area_m2),
        **fields,
    }
    return factories.make_parcel(park=park, area_m2=area_m2, code=code, land_use=land_use, **values)


def low(parcels=None) -> dict[str, list[str]]:
    """The suspected low-efficiency parcels by code, each with the indicators it fails."""
    found = (parcels if parcels is not None else LandParcel.objects.all()).suspected_low_efficiency()
    return {parcel.code: failing_indicators(parcel) for parcel in found}


def test_a_parcel_above_every_threshold_is_not_suspected(parks):
    in_use(parks.park)
    assert low() == {}


@pytest.mark.parametrize("area", ["20000.00", "13000.00", "33000.00"])
@pytest.mark.parametrize("indicator", list(INDICATORS))
def test_a_parcel_exactly_at_a_threshold_is_not_suspected(parks, indicator, area):
    field, limit = INDICATORS[indicator]
    in_use(parks.park, area, **{field: for_area(limit, area)})
    assert low() == {}


@pytest.mark.parametrize("area", ["20000.00", "13000.00", "33000.00"])
@pytest.mark.parametrize("indicator", list(INDICATORS))
def test_a_parcel_just_below_a_threshold_is_suspected_with_that_indicator_named(parks, indicator, area):
    field, limit = INDICATORS[indicator]
    in_use(parks.park, area, **{field: for_area(limit, area) - Decimal("0.01")})
    failing = low()["LOW"]
    assert len(failing) == 1, failing
    assert failing[0].startswith(f"{indicator} ")
    assert failing[0].endswith(f"< {limit} 10k yuan/mu")


def test_the_plot_ratio_just_below_and_exactly_at_its_threshold(parks):
    in_use(parks.park, code="AT", actual_plot_ratio=Decimal("1.00"))
    in_use(parks.park, code="BELOW", actual_plot_ratio=Decimal("0.99"))
    assert low() == {"BELOW": ["plot ratio 0.99 < 1.00"]}


def test_a_parcel_failing_every_indicator_names_them_all(parks):
    in_use(
        parks.park,
        actual_plot_ratio=Decimal("0.50"),
        invested_wan=for_area("100", "20000.00"),
        annual_output_wan=for_area("200", "20000.00"),
        annual_tax_wan=for_area("5", "20000.00"),
    )
    assert low() == {
        "LOW": [
            "plot ratio 0.50 < 1.00",
            "investment 100.00 < 250.00 10k yuan/mu",
            "output 200.00 < 400.00 10k yuan/mu",
            "tax 5.00 < 20.00 10k yuan/mu",
        ]
    }


@pytest.mark.parametrize(
    ("land_use", "suspected"),
    [
        ("industrial", True),
        ("warehouse", True),
        ("new_industrial", True),
        ("commercial", False),
        ("other", False),
    ],
)
def test_only_industrial_land_is_judged_on_the_thresholds(parks, land_use, suspected):
    in_use(parks.park, land_use=land_use, annual_tax_wan=Decimal("1.00"))
    assert ("LOW" in low()) is suspected


def test_land_not_started_handled_unknown_or_without_thresholds_is_not_suspected(parks):
    poor = {"actual_plot_ratio": Decimal("0.30"), "annual_tax_wan": Decimal("1.00")}
    in_use(parks.park, code="NOT-STARTED", actual_start_on=None, **poor)
    factories.make_case(parcel=in_use(parks.park, code="OPEN", **poor), category="inefficient")
    disposed(in_use(parks.park, code="DISPOSED", **poor))
    in_use(
        parks.park,
        code="UNKNOWN",
        actual_plot_ratio=None,
        invested_wan=None,
        annual_output_wan=None,
        annual_tax_wan=None,
    )
    in_use(parks.other_park, code="NO-THRESHOLDS", **poor)
    in_use(parks.park, code="POOR", **poor)
    assert list(low()) == ["POOR"]


def test_the_radar_page_lists_low_efficiency_land_with_the_failing_indicator(client, parks):
    in_use(parks.park, code="POOR", annual_output_wan=for_area("399.99", "20000.00"))
    LowEfficiencyThreshold.objects.create(park=parks.other_park, min_tax_per_mu_wan=Decimal("20.00"))
    in_use(parks.other_park, code="ELSEWHERE", annual_tax_wan=Decimal("1.00"))
    response = radar(client, parks.officer)
    assert codes(response.context["low_efficiency"]) == ["POOR"]
    page = html.unescape(response.content.decode())
    assert "output 399.99 < 400.00 10k yuan/mu" in page
    assert "ELSEWHERE" not in page


# Stalled cases ----------------------------------------------------------------------------------


def test_a_case_is_stalled_after_the_set_number_of_days_without_an_event(client, parks, settings):
    settings.PARKLAND_STALLED_AFTER_DAYS = 30
    today = timezone.localdate()

    def case_with_last_event(days_ago: int | None, *, opened_days_ago: int = 400, **fields):
        case = factories.make_case(
            parcel=factories.make_parcel(park=fields.pop("park", parks.park)),
            opened_on=today - timedelta(days=opened_days_ago),
            **fields,
        )
        factories.make_event(case=case, occurred_on=today - timedelta(days=300))
        if days_ago is not None:
            factories.make_event(case=case, occurred_on=today - timedelta(days=days_ago))
        return case

    stalled = case_with_last_event(31)
    quiet = case_with_last_event(30)
    busy = case_with_last_event(0)
    fresh = factories.make_case(
        parcel=factories.make_parcel(park=parks.park), opened_on=today - timedelta(days=30)
    )
    forgotten = factories.make_case(
        parcel=factories.make_parcel(park=parks.park), opened_on=today - timedelta(days=31)
    )
    closed = disposed(factories.make_parcel(park=parks.park))
    elsewhere = case_with_last_event(100, park=parks.other_park)

    found = [case.number for case in stalled_cases(DisposalCase.objects.all(), today, 30)]
    # quietest first
    assert found[0] == elsewhere.number
    assert set(found) == {elsewhere.number, stalled.number, forgotten.number}
    response = radar(client, parks.officer)
    shown = {case.number for case in response.context["stalled"]}
    assert shown == {stalled.number, forgotten.number}
    for number in (quiet.number, busy.number, fresh.number, closed.number, elsewhere.number):
        assert number not in shown
    assert response.context["stalled_days"] == 30

    settings.PARKLAND_STALLED_AFTER_DAYS = 60
    assert {case.number for case in radar(client, parks.officer).context["stalled"]} == set()


# Opening a case from the radar ------------------------------------------------------------------


def open_from_radar(client, parcel, category: str = "idle", follow=False):
    pk = parcel if isinstance(parcel, str) else str(parcel.pk)
    return client.post("/radar/open-case/", {"parcel": pk, "category": category}, follow=follow)


@pytest.mark.parametrize("category", ["idle", "inefficient"])
def test_an_officer_opens_a_lead_case_from_the_radar_in_one_click(client, parks, category):
    parcel = factories.make_parcel(
        park=parks.park, code="IDLE", area_m2="23456.78", agreed_start_on=date(2020, 1, 1)
    )
    sign_in(client, parks.officer)
    response = open_from_radar(client, parcel, category)
    case = DisposalCase.objects.get(parcel=parcel)
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert (case.status, case.category, case.case_area_m2) == ("lead", category, Decimal("23456.78"))
    assert (case.officer, case.created_by, case.opened_on) == (
        parks.officer,
        parks.officer,
        timezone.localdate(),
    )
    assert case.history.get().history_user == parks.officer
    assert codes(radar(client, parks.officer).context["idle_two_years"]) == []


def test_a_viewer_cannot_open_a_case_from_the_radar(client, parks):
    parcel = factories.make_parcel(park=parks.park, agreed_start_on=date(2020, 1, 1))
    response = radar(client, parks.viewer)
    assert "/radar/open-case/" not in response.content.decode()
    assert open_from_radar(client, parcel).status_code == 403
    assert not DisposalCase.objects.exists()


def test_another_parks_parcel_is_404_from_the_radar(client, parks):
    parcel = factories.make_parcel(park=parks.other_park, agreed_start_on=date(2020, 1, 1))
    sign_in(client, parks.officer)
    assert open_from_radar(client, parcel).status_code == 404
    assert not DisposalCase.objects.exists()


def test_a_parcel_with_an_open_case_gets_no_second_one(client, parks):
    parcel = factories.make_parcel(park=parks.park, code="TAKEN", agreed_start_on=date(2020, 1, 1))
    factories.make_case(parcel=parcel)
    sign_in(client, parks.officer)
    response = open_from_radar(client, parcel, follow=True)
    assert response.redirect_chain[-1][0] == "/radar/"
    shown = [str(message) for message in response.context["messages"]]
    assert any("already has an open case" in message for message in shown), shown
    assert DisposalCase.objects.filter(parcel=parcel).count() == 1


def test_a_radar_case_needs_a_known_category(client, parks):
    parcel = factories.make_parcel(park=parks.park, agreed_start_on=date(2020, 1, 1))
    sign_in(client, parks.officer)
    response = open_from_radar(client, parcel, "abandoned", follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["Choose whether the case is about idle or low-efficiency land."]
    assert not DisposalCase.objects.exists()


@pytest.mark.parametrize(
    "raw", ["", "abc", "1.5", "-1", " 1", "²", "١", "0x1", "99999999999999999999999", "1; DROP TABLE"]
)
def test_a_malformed_parcel_id_is_404_not_500(client, parks, raw):
    factories.make_parcel(park=parks.park, agreed_start_on=date(2020, 1, 1))
    sign_in(client, parks.officer)
    assert open_from_radar(client, raw).status_code == 404
    assert not DisposalCase.objects.exists()


def test_opening_a_case_from_the_radar_is_post_only(client, parks):
    sign_in(client, parks.officer)
    assert client.get("/radar/open-case/").status_code == 405


# Query counts: the same with 1 row in each list as with 50 -------------------------------------


def add_radar_rows(parks: Parks, count: int) -> None:
    today = timezone.localdate()
    for _index in range(count):
        enterprise = factories.make_enterprise(park=parks.park)
        factories.make_parcel(
            park=parks.park, enterprise=enterprise, agreed_start_on=today - timedelta(days=400)
        )
        factories.make_parcel(
            park=parks.park, enterprise=enterprise, agreed_start_on=today - timedelta(days=800)
        )
        in_use(parks.park, code=f"LOW-{LandParcel.objects.count()}", enterprise=enterprise, annual_tax_wan=1)
        case = factories.make_case(
            parcel=factories.make_parcel(park=parks.park, enterprise=enterprise),
            officer=parks.officer,
            opened_on=today - timedelta(days=500),
        )
        factories.make_event(case=case, occurred_on=today - timedelta(days=200))


def radar_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get("/radar/")
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_radar_makes_the_same_queries_for_1_and_50_rows_in_each_list(client, parks):
    sign_in(client, parks.officer)
    add_radar_rows(parks, 1)
    one = radar_queries(client)
    add_radar_rows(parks, 49)
    context = client.get("/radar/").context
    for name in ("idle_one_year", "idle_two_years", "low_efficiency", "stalled"):
        assert len(context[name]) == 50, name
    assert radar_queries(client) == one


def test_each_list_of_suspects_is_paged_50_at_a_time_with_its_count_and_its_own_page(client, parks):
    sign_in(client, parks.officer)
    add_radar_rows(parks, 51)
    first = client.get("/radar/")
    for name, key in (("idle_one_year", "idle1"), ("idle_two_years", "idle2"), ("low_efficiency", "low")):
        assert len(first.context[name]) == 50, name
        assert first.context["sections"][key].page.paginator.count == 51, key
        assert f"{key}_page=2#{key}" in first.text, key
    second = client.get("/radar/?low_page=2")
    assert len(second.context["low_efficiency"]) == 1
    assert second.context["low_efficiency"][0].failing, "the page's parcels say which thresholds they miss"
    assert len(second.context["idle_two_years"]) == 50, "the other lists stay on their first page"
    shown = codes(first.context["low_efficiency"]) + codes(second.context["low_efficiency"])
    assert len(set(shown)) == 51

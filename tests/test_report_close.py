"""Month-end close, restatement, reopening and the benchmark (issue 5,
docs/disposal-rate.md#month-end-close-月末关账-and-restatements): the report's recorded acts, who may
do them, and what the page and the files show afterwards."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from cases import reporting
from cases.models import DisposalTarget, Membership, MonthClose
from tests.factories import make_user
from tests.worlds.reporting import (
    XQ_MID_MAY,
    build_ledger,
    get_report,
    month_names,
    page_cells,
    page_months,
    row,
    text_of,
    zh,
)

pytestmark = pytest.mark.django_db

R = Membership.Role
MARCH = XQ_MID_MAY[2]  # month-end figures of March, as worked by hand in test_report_page
MARCH_IDLE = row(3, 1, "2500.00", 1, "3000.00", 1, "3000.00", 3, "7200.00", "41.7", "-13.7", "988.80")
MARCH_INEFFICIENT = row(3, 0, "0.00", 0, "0.00", 0, "0.00", 2, "3000.00", "0.0", "-55.4", "1662.00")


@pytest.fixture
def ledger():
    return build_ledger()


def post(client, user, url: str, data: dict):
    """POST as `user`; the response and the messages it left, as (level, text)."""
    client.force_login(user)
    response = client.post(url, data)
    notes = (
        [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
        if response.status_code < 500
        else []
    )
    return response, notes


def close(client, user, **data):
    return post(client, user, "/reports/monthly/close/", {"park": "XQ", "year": "2022", "month": "3"} | data)


def reopen(client, user, month_close: MonthClose, reason: str = "上报后发现处置面积录入有误"):
    return post(client, user, f"/reports/monthly/reopen/{month_close.pk}/", {"reason": reason})


def set_target(client, user, **data):
    return post(client, user, "/reports/targets/", {"park": "XQ", "year": "2022", "rate_pct": "60"} | data)


def numbers(ledger, keys: str) -> list[str]:
    return sorted(ledger.cases[key].number for key in keys)


def close_cell(html: str, month: int) -> str:
    """The month-end close column of a month's row on the page, as text."""
    cells = page_cells(html)[month - 1]
    assert text_of(cells[0]) in month_names(month)
    return text_of(cells[8])


# Closing a month ----------------------------------------------------------------------------------


def test_a_supervisor_closes_a_past_month_with_its_figures_and_the_cases_behind_them(client, ledger):
    response, notes = close(client, ledger.supervisor)
    assert response.status_code == 302
    assert response["Location"] == "/reports/monthly/?park=XQ&year=2022"
    assert (
        "success",
        zh(
            "%(year)s-%(month)s closed for %(park)s: its figures are frozen as reported.",
            year="2022",
            month="03",
            park="新青科技工业园",
        ),
    ) in notes
    month_close = MonthClose.objects.get()
    assert (month_close.park, month_close.year, month_close.month) == (ledger.xq, 2022, 3)
    assert month_close.closed_by == ledger.supervisor
    assert timezone.now() - month_close.closed_at < timedelta(minutes=5)
    assert month_close.reopened_at is None
    assert month_close.figures == {"all": MARCH, "idle": MARCH_IDLE, "inefficient": MARCH_INEFFICIENT}
    # The register at 31 March: A B E I K; disposed by then: A. C (withdrawn), D (2021) and BB's are not.
    assert month_close.cases == {"register": numbers(ledger, "ABEIK"), "disposed": numbers(ledger, "A")}


def test_the_closed_figures_are_those_the_files_gave_for_the_month(client, ledger):
    query = "year=2022&park=XQ&as_of=2022-03-31"
    before = json.loads(get_report(client, ledger.supervisor, query, path="/reports/monthly.json").content)
    close(client, ledger.supervisor)
    assert MonthClose.objects.get().figures["all"] == before["months"][-1]


def test_closing_the_current_month_is_refused(client, ledger):
    today = timezone.localdate()
    _response, notes = close(client, ledger.supervisor, year=str(today.year), month=str(today.month))
    assert (
        "error",
        zh(
            "%(year)s-%(month)02d has not ended yet; it can be closed from the first day after.",
            year=today.year,
            month=today.month,
        ),
    ) in notes
    assert not MonthClose.objects.exists()


def test_closing_a_future_month_is_refused(client, ledger):
    later = timezone.localdate().replace(day=1) + timedelta(days=40)
    _response, notes = close(client, ledger.supervisor, year=str(later.year), month=str(later.month))
    assert [level for level, _text in notes] == ["error"]
    assert not MonthClose.objects.exists()


def test_a_month_can_be_closed_from_the_first_day_after_it(ledger):
    with pytest.raises(reporting.ReportError):
        reporting.close_month(
            park=ledger.xq, year=2022, month=3, by=ledger.supervisor, today=date(2022, 3, 31)
        )
    reporting.close_month(park=ledger.xq, year=2022, month=3, by=ledger.supervisor, today=date(2022, 4, 1))
    assert MonthClose.objects.count() == 1


def test_closing_a_month_twice_is_refused(client, ledger):
    close(client, ledger.supervisor)
    _response, notes = close(client, ledger.supervisor)
    assert (
        "error",
        zh("%(year)s-%(month)02d is already closed for %(park)s.", year=2022, month=3, park="新青科技工业园"),
    ) in notes
    assert MonthClose.objects.count() == 1


@pytest.mark.parametrize("who", ["officer", "viewer"])
def test_only_a_supervisor_may_close_a_month(client, ledger, who):
    response, _notes = close(client, getattr(ledger, who))
    assert response.status_code == 403
    assert not MonthClose.objects.exists()


def test_a_park_admin_may_close_a_month_too(client, ledger):
    response, _notes = close(client, ledger.admin)
    assert response.status_code == 302
    assert MonthClose.objects.get().closed_by == ledger.admin


@pytest.mark.parametrize(("who", "park"), [("supervisor", "BB"), ("outsider", "XQ"), ("supervisor", "NOPE")])
def test_closing_a_month_of_a_park_one_may_not_see_is_404(client, ledger, who, park):
    response, _notes = close(client, getattr(ledger, who), park=park)
    assert response.status_code == 404
    assert not MonthClose.objects.exists()


def test_closing_needs_a_post(client, ledger):
    client.force_login(ledger.supervisor)
    assert client.get("/reports/monthly/close/?park=XQ&year=2022&month=3").status_code == 405
    assert not MonthClose.objects.exists()


@pytest.mark.parametrize(
    ("year", "month"),
    [("2022", "13"), ("2022", "0"), ("2022", ""), ("2022", "abc"), ("2022", "²"), ("abc", "3"), ("", "3")],
)
def test_a_month_that_is_not_a_month_is_refused_with_a_message(client, ledger, year, month):
    client.raise_request_exception = False
    response, notes = close(client, ledger.supervisor, year=year, month=month)
    assert response.status_code == 302
    assert ("error", zh("Choose a month to close.")) in notes
    assert not MonthClose.objects.exists()


@pytest.mark.parametrize("year", ["1899", "1999", "0", "99999"])
def test_closing_a_month_of_a_year_out_of_range_is_refused_with_a_message_that_says_so(client, ledger, year):
    client.raise_request_exception = False
    response, notes = close(client, ledger.supervisor, year=year, month="1")
    assert response.status_code == 302, "a year out of range must not be a server error"
    assert not MonthClose.objects.exists()
    assert [level for level, _text in notes] == ["error"]
    # Nothing was closed before: "already closed" would be untrue.
    assert (
        "error",
        zh(
            "%(year)s-%(month)02d is already closed for %(park)s.",
            year=int(year),
            month=1,
            park="新青科技工业园",
        ),
    ) not in notes


# Restatement ----------------------------------------------------------------------------------------


def correct_partial_disposal(ledger):
    case = ledger.cases["A"]
    case.disposed_area_m2 = Decimal("2000.00")
    case.save_versioned(by=ledger.supervisor)


def withdraw_case(ledger):
    ledger.cases["E"].transition_to("withdrawn", by=ledger.supervisor, reason="与另一案件重复立案")


def reduce_case_area(ledger):
    case = ledger.cases["E"]
    case.case_area_m2 = Decimal("1600.00")
    case.save_versioned(by=ledger.supervisor)


EDITS = [
    pytest.param(
        correct_partial_disposal,
        # A disposed of 2,000 m², not 3,000: 2,000 / 10,200 = 19.6 %. January is untouched.
        {"cum_disposed_area_m2": Decimal("-1000.00"), "rate_pct": Decimal("-9.8")},
        {"cum_disposed_area_m2": "2000.00", "register_area_m2": "10200.00", "rate_pct": "19.6"},
        {},
        id="disposed-area-corrected",
    ),
    pytest.param(
        withdraw_case,
        # E (2,000 m², identified in January) leaves the register: 3,000 / 8,200 = 36.6 % in March;
        # January's register falls from 6,700 to 4,700 at a rate of 0.0 % still.
        {
            "register_area_m2": Decimal("-2000.00"),
            "rate_pct": Decimal("7.2"),
            "register_count": Decimal("-1"),
        },
        {"cum_disposed_area_m2": "3000.00", "register_area_m2": "8200.00", "rate_pct": "36.6"},
        {"register_area_m2": Decimal("-2000.00"), "register_count": Decimal("-1")},
        id="case-withdrawn",
    ),
    pytest.param(
        reduce_case_area,
        # E under disposal 1,600 m², not 2,000: 3,000 / 9,800 = 30.6 % in March.
        {"register_area_m2": Decimal("-400.00"), "rate_pct": Decimal("1.2")},
        {"cum_disposed_area_m2": "3000.00", "register_area_m2": "9800.00", "rate_pct": "30.6"},
        {"register_area_m2": Decimal("-400.00")},
        id="case-area-reduced",
    ),
]


@pytest.mark.parametrize(("edit", "differences", "current", "january"), EDITS)
def test_editing_a_case_behind_a_closed_month_shows_a_restatement(
    client, ledger, edit, differences, current, january
):
    close(client, ledger.supervisor)
    close(client, ledger.supervisor, month="1")
    edit(ledger)
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ")
    assert response.status_code == 200
    # The closed figures stand as reported.
    month_close = MonthClose.objects.get(month=3)
    assert month_close.figures["all"] == MARCH
    restatement = response.context["restatements"][3]
    assert restatement.reported == MARCH
    assert restatement.differences == differences
    # The row gives the figures the data gives now ...
    march_now = page_months(response.content.decode())[2]
    assert {key: march_now[key] for key in current} == current
    # ... and the close column the closed figure and the difference.
    html = response.content.decode()
    cell = close_cell(html, 3)
    assert zh("reported") in cell and f"{MARCH['rate_pct']}%" in cell
    assert zh("restated") in cell
    for change in differences.values():
        assert (f"+{change}" if change > 0 else str(change)) in cell
    # Every closed month the edit reaches is restated; one it does not reach is not.
    assert response.context["restatements"][1].differences == january
    assert (zh("restated") in close_cell(html, 1)) == bool(january)


def test_files_give_the_current_figures_of_a_closed_month(client, ledger):
    """What the files do after a restatement: they carry the data as it is now, with no trace of the
    close (the JSON shape of docs/disposal-rate.md#json has no place for it); the page alone shows both."""
    close(client, ledger.supervisor)
    correct_partial_disposal(ledger)
    query = "year=2022&park=XQ"
    march = json.loads(get_report(client, ledger.supervisor, query, path="/reports/monthly.json").content)[
        "months"
    ][2]
    assert march["cum_disposed_area_m2"] == "2000.00"
    assert march["rate_pct"] == "19.6"
    csv_text = get_report(client, ledger.supervisor, query, path="/reports/monthly.csv").content.decode(
        "utf-8-sig"
    )
    march_csv = csv_text.splitlines()[3].split(",")
    assert march_csv[0] == "3" and march_csv[6] == "2000.00" and march_csv[9] == "19.6"


def test_a_report_dated_inside_a_closed_month_shows_no_restatement_when_nothing_changed(client, ledger):
    close(client, ledger.supervisor)
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-03-15")
    assert response.status_code == 200
    # The row runs to 15 March, the close to 31 March: A (20 March) is not a correction.
    moved = {month: r.differences for month, r in response.context["restatements"].items() if r.differences}
    assert moved == {}
    assert zh("restated") not in close_cell(response.content.decode(), 3)


def test_closes_do_not_show_on_the_all_parks_report(client, ledger):
    close(client, ledger.supervisor)
    response = get_report(client, ledger.both, "year=2022")
    assert response.status_code == 200
    assert response.context["restatements"] == {}


def test_category_report_compares_with_the_closed_figures_of_that_category(client, ledger):
    close(client, ledger.supervisor)
    correct_partial_disposal(ledger)  # A is idle
    idle = get_report(client, ledger.supervisor, "year=2022&park=XQ&category=idle").context["restatements"][3]
    assert idle.reported == MARCH_IDLE
    # 2,000 / 7,200 = 27.8 % against 41.7 % reported.
    assert idle.differences == {"cum_disposed_area_m2": Decimal("-1000.00"), "rate_pct": Decimal("-13.9")}
    inefficient = get_report(client, ledger.supervisor, "year=2022&park=XQ&category=inefficient")
    assert inefficient.context["restatements"][3].differences == {}


# Reopening -------------------------------------------------------------------------------------------


@pytest.fixture
def closed_march(client, ledger):
    close(client, ledger.supervisor)
    return MonthClose.objects.get()


@pytest.mark.parametrize("who", ["supervisor", "officer", "viewer"])
def test_only_a_park_admin_may_reopen_a_month(client, ledger, closed_march, who):
    response, _notes = reopen(client, getattr(ledger, who), closed_march)
    assert response.status_code == 403
    closed_march.refresh_from_db()
    assert closed_march.reopened_at is None


def test_a_park_admin_of_another_park_gets_404(client, ledger, closed_march):
    other_admin = make_user(park=ledger.bb, role=R.PARK_ADMIN)
    response, _notes = reopen(client, other_admin, closed_march)
    assert response.status_code == 404
    client.force_login(ledger.admin)
    assert client.post("/reports/monthly/reopen/999999/", {"reason": "x"}).status_code == 404


def test_reopening_needs_a_post(client, ledger, closed_march):
    client.force_login(ledger.admin)
    assert client.get(f"/reports/monthly/reopen/{closed_march.pk}/").status_code == 405


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_reopening_without_a_reason_is_refused(client, ledger, closed_march, reason):
    response, notes = reopen(client, ledger.admin, closed_march, reason=reason)
    assert response.status_code == 302
    assert ("error", zh("Give the reason for reopening the month.")) in notes
    closed_march.refresh_from_db()
    assert closed_march.reopened_at is None and closed_march.reopen_reason == ""


def test_reopening_is_recorded_and_the_month_can_be_closed_again(client, ledger, closed_march):
    response, notes = reopen(client, ledger.admin, closed_march)
    assert response.status_code == 302
    assert response["Location"] == "/reports/monthly/?park=XQ&year=2022"
    assert notes[-1] == (
        "success",
        zh("%(close)s reopened; the closed figures stay on record.", close=closed_march),
    )
    closed_march.refresh_from_db()
    assert closed_march.reopened_by == ledger.admin
    assert closed_march.reopen_reason == "上报后发现处置面积录入有误"
    assert timezone.now() - closed_march.reopened_at < timedelta(minutes=5)
    # The close stays on record, with its figures, and its history says who reopened it.
    assert closed_march.figures["all"] == MARCH
    latest = closed_march.history.order_by("-history_date", "-history_id").first()
    assert closed_march.history.count() == 2
    assert latest.history_user == ledger.admin
    assert latest.reopen_reason == "上报后发现处置面积录入有误"
    # No longer in force: no restatement on the page, and the month may be closed again.
    correct_partial_disposal(ledger)
    page = get_report(client, ledger.supervisor, "year=2022&park=XQ")
    assert 3 not in page.context["restatements"]
    assert 3 in page.context["closable"]
    _response, notes = close(client, ledger.supervisor)
    assert [level for level, _text in notes][-1] == "success"
    assert MonthClose.objects.count() == 2
    again = MonthClose.objects.in_force().get()
    assert again.figures["all"]["cum_disposed_area_m2"] == "2000.00"
    assert again.figures["all"]["rate_pct"] == "19.6"


def test_a_month_is_reopened_only_once(client, ledger, closed_march):
    reopen(client, ledger.admin, closed_march)
    reopened_at = MonthClose.objects.get().reopened_at
    _response, notes = reopen(client, ledger.admin, closed_march, reason="再次撤销")
    assert ("error", zh("This month was already reopened.")) in notes
    closed_march.refresh_from_db()
    assert closed_march.reopened_at == reopened_at
    assert closed_march.reopen_reason == "上报后发现处置面积录入有误"


def test_the_page_offers_close_and_reopen_by_role(client, ledger, closed_march):
    supervisor_page = get_report(client, ledger.supervisor, "year=2022&park=XQ").content.decode()
    assert 'action="/reports/monthly/close/"' in supervisor_page
    assert f'action="/reports/monthly/reopen/{closed_march.pk}/"' not in supervisor_page
    admin_page = get_report(client, ledger.admin, "year=2022&park=XQ").content.decode()
    assert f'action="/reports/monthly/reopen/{closed_march.pk}/"' in admin_page
    viewer_page = get_report(client, ledger.viewer, "year=2022&park=XQ").content.decode()
    assert "/reports/monthly/close/" not in viewer_page and "/reports/monthly/reopen/" not in viewer_page
    # The closed month says so on every role's page, with who closed it.
    assert zh("reported") in close_cell(viewer_page, 3)


# The benchmark per park and year -------------------------------------------------------------------


def test_a_park_admin_sets_the_benchmark_and_the_files_use_it(client, ledger):
    response, notes = set_target(client, ledger.admin, rate_pct="60")
    assert response.status_code == 302
    assert response["Location"] == "/reports/monthly/?park=XQ&year=2022"
    assert [level for level, _text in notes] == ["success"]
    target = DisposalTarget.objects.get()
    assert (target.park, target.year, target.rate_pct) == (ledger.xq, 2022, Decimal("60.0"))
    query = "year=2022&park=XQ&as_of=2022-05-15"
    data = json.loads(get_report(client, ledger.supervisor, query, path="/reports/monthly.json").content)
    assert data["benchmark_pct"] == "60.0"
    assert data["months"][-1]["gap_pp"] == "-22.6"  # 37.4 − 60.0
    assert data["months"][-1]["area_to_benchmark_m2"] == "2780.00"  # 0.6 × 12,300 − 4,600
    csv_text = get_report(client, ledger.supervisor, query, path="/reports/monthly.csv").content.decode(
        "utf-8-sig"
    )
    assert csv_text.strip().splitlines()[-1].endswith(",37.4,-22.6,2780.00")
    # Another year and the all-parks report keep the default.
    other = json.loads(
        get_report(client, ledger.supervisor, "year=2023&park=XQ", path="/reports/monthly.json").content
    )
    assert other["benchmark_pct"] == "55.4"


def test_the_page_uses_the_benchmark_a_park_admin_set(client, ledger):
    set_target(client, ledger.admin, rate_pct="60")
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15")
    assert response.status_code == 200
    assert response.context["report"].benchmark_pct == Decimal("60.0")
    html = unescape(response.content.decode())
    assert "60.0%" in html
    assert page_months(response.content.decode())[-1]["gap_pp"] == "-22.6"


def test_setting_the_benchmark_again_updates_the_one_target_with_history(client, ledger):
    set_target(client, ledger.admin, rate_pct="60")
    set_target(client, ledger.admin, rate_pct="45.5")
    target = DisposalTarget.objects.get()
    assert target.rate_pct == Decimal("45.5")
    assert target.history.count() == 2
    assert target.history.first().history_user == ledger.admin


@pytest.mark.parametrize("rate", ["0", "100"])
def test_the_benchmark_may_be_anything_from_0_to_100(client, ledger, rate):
    set_target(client, ledger.admin, rate_pct=rate)
    assert DisposalTarget.objects.get().rate_pct == Decimal(rate)


@pytest.mark.parametrize(
    "data",
    [
        {"rate_pct": "101"},
        {"rate_pct": "100.1"},
        {"rate_pct": "-1"},
        {"rate_pct": "abc"},
        {"rate_pct": ""},
        {"rate_pct": "55.45"},
        {"rate_pct": "NaN"},
        {"rate_pct": "Infinity"},
        {"year": "1999"},
        {"year": "2101"},
        {"year": "abc"},
        {"year": ""},
    ],
    ids=lambda data: "-".join(f"{k}={v}" for k, v in data.items()),
)
def test_a_bad_benchmark_is_refused_with_a_message(client, ledger, data):
    client.raise_request_exception = False
    response, notes = set_target(client, ledger.admin, **data)
    assert response.status_code == 302
    assert notes and all(level == "error" for level, _text in notes)
    assert not DisposalTarget.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "officer", "viewer"])
def test_only_a_park_admin_may_set_the_benchmark(client, ledger, who):
    response, _notes = set_target(client, getattr(ledger, who))
    assert response.status_code == 403
    assert not DisposalTarget.objects.exists()


@pytest.mark.parametrize("park", ["BB", "NOPE", ""])
def test_setting_the_benchmark_of_a_park_one_may_not_see_is_404(client, ledger, park):
    response, _notes = set_target(client, ledger.admin, park=park)
    assert response.status_code == 404
    assert not DisposalTarget.objects.exists()


def test_the_benchmark_form_is_only_for_a_park_admin(client, ledger):
    admin_page = get_report(client, ledger.admin, "year=2022&park=XQ").content.decode()
    assert 'action="/reports/targets/"' in admin_page
    supervisor_page = get_report(client, ledger.supervisor, "year=2022&park=XQ").content.decode()
    assert 'action="/reports/targets/"' not in supervisor_page


def test_month_figures_untouched_by_the_benchmark_are_not_restated_when_it_changes(client, ledger):
    close(client, ledger.supervisor)
    set_target(client, ledger.admin, rate_pct="40")
    restatement = get_report(client, ledger.supervisor, "year=2022&park=XQ").context["restatements"][3]
    # Gap and area to benchmark follow the benchmark; the reported register and disposals did not move.
    assert restatement.differences == {}
    assert re.fullmatch(r"-?\d+\.\d", restatement.current["gap_pp"])

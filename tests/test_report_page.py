"""The monthly report page (issue 5, docs/disposal-rate.md#the-monthly-report): hand-computed month
table, breakdowns, forecast, benchmark, chart, printable version and bad input. The engine itself is
covered in test_rates.py.

The helpers at the top (the hand-computed ledger, page parsing) are shared with test_report_exports.py
and test_report_close.py.
"""

import re
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

from cases.models import DisposalCase, DisposalTarget
from cases.reporting import NARROW_CHART, chart
from cases.templatetags.parkland import month_abbreviation, month_name
from tests.factories import make_park, make_user
from tests.worlds.reporting import (
    ALL_PARKS_MID_MAY,
    XQ_MID_MAY,
    R,
    _count_and_area,
    _rate,
    add_case,
    build_ledger,
    get_report,
    load_demo,
    page_months,
    row,
    text_of,
    zh,
)

pytestmark = pytest.mark.django_db

MID_MAY = date(2022, 5, 15)


# Shared helpers --------------------------------------------------------------------------------


def breakdown_tables(html: str) -> tuple[dict, dict, dict]:
    """The three breakdown tables (category, method, park) as {key: (register, disposed, rate)};
    the key is the code each row links to: its category, its disposal method, its park's id."""
    tables: dict[str, dict] = {"category": {}, "disposal_method": {}, "park": {}}
    for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        link = re.search(r'as_of=[\d-]+&amp;(\w+)=([^&"]*)', cells[0]) if len(cells) == 4 else None
        if link is None:
            continue
        tables[link.group(1)][link.group(2)] = (
            _count_and_area(text_of(cells[1])),
            _count_and_area(text_of(cells[2])),
            _rate(text_of(cells[3])),
        )
    return tables["category"], tables["disposal_method"], tables["park"]


def svg_of(html: str) -> str:
    match = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert match, "no inline <svg> on the page"
    return match.group(0)


# The demo: 2022 at 55.4 % ---------------------------------------------------------------------


def test_demo_page_shows_2022_at_55_4_percent(client):
    response = get_report(client, load_demo(), "year=2022&park=XQ")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    totals = response.context["report"].totals
    assert (totals.disposed_count, totals.disposed_area_m2) == (7, Decimal("303200.00"))
    assert totals.register_area_m2 == Decimal("547300.00")
    assert re.search(r'data-testid="report-rate">\s*55\.4%', html)
    # Areas in m² with 亩 beside: 303,200 m² = 454.80 亩.
    assert "303,200.00 m²" in html and "454.80" in html
    assert "547,300.00 m²" in html
    december = page_months(response.content.decode())[-1]
    assert december["cum_disposed_count"] == 7
    assert december["cum_disposed_area_m2"] == "303200.00"
    assert december["register_area_m2"] == "547300.00"
    assert december["rate_pct"] == "55.4"


def test_demo_page_lists_the_seven_cases_disposed_in_2022_as_links(client):
    response = get_report(client, load_demo(), "year=2022&park=XQ")
    numbers = DisposalCase.objects.filter(
        parcel__park__code="XQ", status="disposed", disposed_on__year=2022
    ).values_list("number", flat=True)
    assert len(numbers) == 7
    for number in numbers:
        assert f'<a href="/cases/{number}/">{number}</a>' in response.content.decode()


def test_page_shows_the_definition_of_every_figure(client):
    from cases.reporting import DEFINITIONS

    html = unescape(get_report(client, load_demo(), "year=2022&park=XQ").content.decode())
    with translation.override("zh-hans"):
        for term, text in DEFINITIONS:
            assert str(term) in html
            assert str(text) in html


# The month table by hand ------------------------------------------------------------------------


def test_month_table_of_one_park_as_of_mid_may_by_hand(client):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15")
    assert response.status_code == 200
    assert page_months(response.content.decode()) == XQ_MID_MAY
    report = response.context["report"]
    assert report.as_of == MID_MAY
    assert report.totals.count_rate_pct == Decimal("42.9")  # 3 of 7 cases


def test_month_table_of_all_parks_adds_the_second_park(client):
    ledger = build_ledger()
    response = get_report(client, ledger.both, "year=2022&as_of=2022-05-15")
    assert response.status_code == 200
    assert response.context["report"].park is None
    assert page_months(response.content.decode()) == ALL_PARKS_MID_MAY


def test_a_supervisor_of_one_park_sees_only_that_park_in_the_all_parks_report(client):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, "year=2022&as_of=2022-05-15")
    assert page_months(response.content.decode()) == XQ_MID_MAY


def test_moving_as_of_within_may_counts_what_happened_up_to_it(client):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-20")
    may = page_months(response.content.decode())[-1]
    # G (800, identified 20 May) joins the register; I (700, disposed 18 May) is now disposed.
    assert may == row(5, 3, "2900.00", 2, "1300.00", 4, "5300.00", 8, "13100.00", "40.5", "-14.9", "1957.40")


def test_without_as_of_a_past_year_runs_to_31_december(client):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ")
    months = page_months(response.content.decode())
    assert [m["month"] for m in months] == list(range(1, 13))
    # Year end: A B E F G H I K N in the register (14,300); A B H I disposed of (5,300).
    assert months[-1] == row(
        12, 0, "0.00", 0, "0.00", 4, "5300.00", 9, "14300.00", "37.1", "-18.3", "2622.20"
    )
    assert response.context["report"].as_of == date(2022, 12, 31)


def test_disposed_cases_list_stops_at_as_of(client):
    ledger = build_ledger()
    html = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15").content.decode()
    listed = set(re.findall(r'<a href="/cases/([^/]+)/">\1</a>', html))
    assert listed == {ledger.cases[key].number for key in "ABH"}


# Breakdowns ---------------------------------------------------------------------------------------


def test_breakdowns_by_category_method_and_park_by_hand(client):
    ledger = build_ledger()
    html = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15").content.decode()
    by_category, by_method, by_park = breakdown_tables(html)
    # idle: A 4,000 + F 1,500 + H 600 + I 700 + K 2,500; disposed A 3,000 + H 600.
    assert by_category == {
        "idle": ((5, "9300.00"), (2, "3600.00"), "38.7"),
        "inefficient": ((2, "3000.00"), (1, "1000.00"), "33.3"),
    }
    for method, expected in {
        "idle_fee": ((1, "4000.00"), (1, "3000.00"), "75.0"),
        "transfer": ((1, "1000.00"), (1, "1000.00"), "100.0"),
        "government_purchase": ((1, "2000.00"), (0, "0.00"), "0.0"),
        "extend_deadline": ((1, "1500.00"), (0, "0.00"), "0.0"),
        "adjust_use": ((1, "600.00"), (1, "600.00"), "100.0"),
        "temporary_use": ((1, "700.00"), (0, "0.00"), "0.0"),
        "free_recovery": ((1, "2500.00"), (0, "0.00"), "0.0"),
    }.items():
        assert by_method[method] == expected, method
    # Whatever else is listed has nothing in the register: the rows add up to the totals.
    assert sum(register[0] for register, _d, _r in by_method.values()) == 7
    assert sum(Decimal(register[1]) for register, _d, _r in by_method.values()) == Decimal("12300.00")
    assert by_park == {str(ledger.xq.pk): ((7, "12300.00"), (3, "4600.00"), "37.4")}


def test_breakdowns_of_all_parks_by_hand(client):
    ledger = build_ledger()
    response = get_report(client, ledger.both, "year=2022&as_of=2022-05-15")
    by_category, by_method, by_park = breakdown_tables(response.content.decode())
    assert by_category == {
        "idle": ((6, "12300.00"), (3, "6600.00"), "53.7"),
        "inefficient": ((3, "10000.00"), (1, "1000.00"), "10.0"),
    }
    assert by_method["negotiated_recovery"] == ((1, "3000.00"), (1, "3000.00"), "100.0")
    assert by_method["none"] == ((1, "7000.00"), (0, "0.00"), "0.0")  # M, not yet decided
    assert by_park == {
        str(ledger.xq.pk): ((7, "12300.00"), (3, "4600.00"), "37.4"),
        str(ledger.bb.pk): ((2, "10000.00"), (1, "3000.00"), "30.0"),
    }


def test_category_narrows_the_month_table(client):
    ledger = build_ledger()
    response = get_report(
        client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15&category=inefficient"
    )
    # B (1,000, identified Feb, disposed 2 Apr) and E (2,000, identified Jan).
    assert page_months(response.content.decode()) == [
        row(1, 1, "2000.00", 0, "0.00", 0, "0.00", 1, "2000.00", "0.0", "-55.4", "1108.00"),
        row(2, 1, "1000.00", 0, "0.00", 0, "0.00", 2, "3000.00", "0.0", "-55.4", "1662.00"),
        row(3, 0, "0.00", 0, "0.00", 0, "0.00", 2, "3000.00", "0.0", "-55.4", "1662.00"),
        row(4, 0, "0.00", 1, "1000.00", 1, "1000.00", 2, "3000.00", "33.3", "-22.1", "662.00"),
        row(5, 0, "0.00", 0, "0.00", 1, "1000.00", 2, "3000.00", "33.3", "-22.1", "662.00"),
    ]


# Forecast -----------------------------------------------------------------------------------------


def test_forecast_counts_cases_being_implemented_that_are_due_within_the_year(client):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15")
    report = response.context["report"]
    # 4,600 disposed + E 2,000 (due 30 Nov). Not F (due 2023), not N (not in the May register).
    assert report.forecast_area_m2 == Decimal("6600.00")
    assert report.forecast_rate_pct == Decimal("53.7")
    # 0.554 × 12,300 − 6,600 = 214.20 still to find after the forecast.
    assert report.area_to_benchmark_after_forecast_m2 == Decimal("214.20")
    assert report.area_to_benchmark_m2 == Decimal("2214.20")
    html = unescape(response.content.decode())
    assert "53.7%" in html
    assert "214.20 m²" in html and "2,214.20 m²" in html


def test_forecast_at_year_end_includes_a_case_identified_later(client):
    ledger = build_ledger()
    report = get_report(client, ledger.supervisor, "year=2022&park=XQ").context["report"]
    # 5,300 disposed + E 2,000 + N 1,200 = 8,500 of 14,300.
    assert report.forecast_area_m2 == Decimal("8500.00")
    assert report.forecast_rate_pct == Decimal("59.4")
    assert report.area_to_benchmark_after_forecast_m2 == Decimal("0.00")


def test_forecast_moves_when_a_target_date_moves_into_the_year(client):
    ledger = build_ledger()
    DisposalCase.objects.filter(pk=ledger.cases["F"].pk).update(target_on=date(2022, 12, 31))
    report = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15").context["report"]
    assert report.forecast_area_m2 == Decimal("8100.00")  # 6,600 + F 1,500
    assert report.forecast_rate_pct == Decimal("65.9")


def test_forecast_leaves_out_cases_not_in_the_register(client):
    ledger = build_ledger()
    # N is being implemented and due in September, but identified on 1 June.
    may = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-31").context["report"]
    assert may.forecast_area_m2 == Decimal("7300.00")  # 5,300 disposed + E 2,000
    june = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-06-01").context["report"]
    assert june.forecast_area_m2 == Decimal("8500.00")  # + N 1,200
    # A withdrawn case is never in the forecast, whatever its dates.
    withdrawn = add_case(
        ledger.xq, "900.00", identified=date(2022, 1, 3), status="withdrawn", before_close="implementing"
    )
    DisposalCase.objects.filter(pk=withdrawn.pk).update(target_on=date(2022, 7, 1))
    june = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-06-01").context["report"]
    assert june.forecast_area_m2 == Decimal("8500.00")


# Benchmark ----------------------------------------------------------------------------------------


def test_a_park_target_changes_the_benchmark_gap_and_area_to_benchmark(client):
    ledger = build_ledger()
    DisposalTarget.objects.create(park=ledger.xq, year=2022, rate_pct=Decimal("40.0"))
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15")
    months = page_months(response.content.decode())
    assert [m["gap_pp"] for m in months] == ["-40.0", "-40.0", "-10.6", "-0.8", "-2.6"]
    # 0.4 × register − disposed.
    assert [m["area_to_benchmark_m2"] for m in months] == ["2680.00", "3080.00", "1080.00", "80.00", "320.00"]
    report = response.context["report"]
    assert report.benchmark_pct == Decimal("40.0")
    assert report.area_to_benchmark_after_forecast_m2 == Decimal("0.00")  # 4,920 < 6,600
    assert "40.0%" in unescape(response.content.decode())
    # The park's target is not the all-parks benchmark.
    everything = get_report(client, ledger.both, "year=2022&as_of=2022-05-15")
    assert everything.context["report"].benchmark_pct == Decimal("55.4")
    # Nor another year's.
    other_year = get_report(client, ledger.supervisor, "year=2021&park=XQ")
    assert other_year.context["report"].benchmark_pct == Decimal("55.4")


def test_an_all_parks_target_applies_to_the_all_parks_report_and_to_a_park_without_its_own(client):
    ledger = build_ledger()
    DisposalTarget.objects.create(park=None, year=2022, rate_pct=Decimal("30.0"))
    everything = get_report(client, ledger.both, "year=2022&as_of=2022-05-15")
    months = page_months(everything.content.decode())
    assert months[-1]["gap_pp"] == "4.1"  # 34.1 − 30.0
    assert months[-1]["area_to_benchmark_m2"] == "0.00"  # 0.3 × 22,300 = 6,690 < 7,600
    one_park = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15")
    assert one_park.context["report"].benchmark_pct == Decimal("30.0")


# The chart ----------------------------------------------------------------------------------------


def zh_month(month: int) -> str:
    with translation.override("zh-hans"):
        return month_name(month)


def test_months_are_named_not_numbered():
    with translation.override("en"):
        assert [month_name(m) for m in (1, 12)] == ["January", "December"]
        assert [month_abbreviation(m) for m in (1, 9)] == ["Jan", "Sep"]
    with translation.override("zh-hans"):
        assert [month_name(m) for m in (1, 12)] == ["1月", "12月"]
        assert month_abbreviation(10) == "10月"


def test_the_report_names_its_months_in_english(client):
    client.force_login(load_demo())
    client.cookies["django_language"] = "en"
    response = client.get("/reports/monthly/?year=2022&park=XQ")
    page = response.content.decode()
    assert '<th scope="row">January</th>' in page
    assert ">Jan</text>" in page and ">Dec</text>" in page  # the wide chart's axis
    assert "M1<" not in page and "M12<" not in page
    narrow = re.findall(r"<svg\b.*?</svg>", page, re.S)[1]
    assert ">Jan</text>" in narrow and ">Feb</text>" not in narrow  # every other month on a phone
    assert 'id="chart-narrow-title"' in narrow


def test_the_phone_chart_is_narrower_with_larger_type():
    report = type("Report", (), {"months": [], "benchmark_pct": Decimal("55.4")})()
    wide, narrow = chart(report), chart(report, **NARROW_CHART)
    assert (wide.width, wide.height, wide.bottom) == (760, 300, 260)  # the page's chart as it was
    assert narrow.width < 400 and narrow.font_size > wide.font_size
    assert len({entry["y"] for entry in narrow.legend}) == 3  # the legend stacked under the plot
    assert all(entry["y"] < narrow.height for entry in narrow.legend)


def test_chart_is_inline_svg_with_a_text_alternative_for_every_month(client):
    response = get_report(client, load_demo(), "year=2022&park=XQ")
    svg = svg_of(response.content.decode())
    assert 'role="img"' in svg
    title = re.search(r"<title[^>]*>(.*?)</title>", svg, re.S)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    assert title and "2022" in title.group(1)
    assert desc
    description = unescape(desc.group(1))
    for month in response.context["report"].months:
        rate = month.figures.cumulative.rate_pct
        area = f"{month.figures.disposed_area_m2:,.2f}"
        expected = zh(
            "%(month)s: rate %(rate)s%%, disposed %(area)s m².",
            month=zh_month(month.figures.month),
            rate=rate,
            area=area,
        )
        assert expected in description
    assert zh("Benchmark %(benchmark)s%%.", benchmark="55.4") in description
    # The svg is labelled by its title and description.
    assert re.search(r'aria-labelledby="[^"]*"', svg)


def test_chart_draws_the_benchmark_line_where_the_benchmark_is(client):
    ledger = build_ledger()
    # The plot runs from y = 20 (100 %) to y = 260 (0 %): 55.4 % at 127.0, 40 % at 164.0.
    svg = svg_of(get_report(client, ledger.supervisor, "year=2022&park=XQ").content.decode())
    assert re.search(r'<line [^>]*y1="127\.0" y2="127\.0"[^>]*stroke-dasharray', svg)
    assert f"{zh('benchmark')} 55.4%" in unescape(svg)
    DisposalTarget.objects.create(park=ledger.xq, year=2022, rate_pct=Decimal("40.0"))
    svg = svg_of(get_report(client, ledger.supervisor, "year=2022&park=XQ").content.decode())
    assert re.search(r'<line [^>]*y1="164\.0" y2="164\.0"[^>]*stroke-dasharray', svg)
    assert f"{zh('benchmark')} 40.0%" in unescape(svg)


def test_chart_has_a_bar_for_each_month_and_a_dot_for_each_rate(client):
    ledger = build_ledger()
    svg = svg_of(get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-05-15").content.decode())
    bars = re.findall(r"<rect [^>]*><title>([^<]+): ([\d,.]+) m²</title></rect>", svg)
    months = [zh_month(m) for m in range(1, 6)]
    assert bars == list(zip(months, ["0.00", "0.00", "3,000.00", "1,000.00", "600.00"], strict=True))
    dots = re.findall(r"<circle [^>]*><title>([^<]+): ([\d.]+)%</title></circle>", svg)
    assert dots == list(zip(months, ["0.0", "0.0", "29.4", "39.2", "37.4"], strict=True))


def test_chart_renders_without_any_data(client):
    park = make_park(code="EM", name="空园")
    user = make_user(park=park, role=R.VIEWER)
    response = get_report(client, user, "year=2022&park=EM")
    assert response.status_code == 200
    svg = svg_of(response.content.decode())
    assert "<polyline" not in svg  # no rate to draw
    assert "<circle" not in svg
    december = zh(
        "%(month)s: rate %(rate)s%%, disposed %(area)s m².", month=zh_month(12), rate="—", area="0.00"
    )
    assert december in unescape(svg)


# Empty register -----------------------------------------------------------------------------------


def test_empty_register_shows_no_rate_rather_than_zero(client):
    park = make_park(code="EM", name="空园")
    user = make_user(park=park, role=R.VIEWER)
    # A lead and a withdrawn case: nothing in the register.
    add_case(park, "100.00", identified=None, status="lead")
    add_case(park, "100.00", identified=date(2022, 3, 1), status="withdrawn")
    response = get_report(client, user, "year=2022&park=EM")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert re.search(r'data-testid="report-rate">\s*<span[^>]*>' + re.escape(zh("no rate")), html)
    months = page_months(response.content.decode())
    assert {m["rate_pct"] for m in months} == {None}
    assert {m["gap_pp"] for m in months} == {None}
    assert {m["area_to_benchmark_m2"] for m in months} == {"0.00"}
    assert response.context["report"].forecast_rate_pct is None


# Who sees what --------------------------------------------------------------------------------------


def test_a_viewer_may_read_the_report(client):
    ledger = build_ledger()
    assert get_report(client, ledger.viewer, "year=2022&park=XQ").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/reports/monthly/?year=2022")
    assert response.status_code == 302
    assert "login" in response["Location"]


# Printable version ------------------------------------------------------------------------------------


def test_printable_version_names_park_period_and_who_produced_it_when(client):
    response = get_report(client, load_demo(), "year=2022&park=XQ", path="/reports/monthly/print/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "新青科技工业园" in html
    assert "2022" in html and "2022-12-31" in html
    assert "孙海涛" in html  # demo-supervisor, family name first
    assert timezone.localdate().isoformat() in html
    # Its print layout comes from a static stylesheet (no inline style under the Content-Security-Policy).
    assert "/static/parkland/report-print.css" in html and "<style" not in html
    css = (Path(settings.BASE_DIR) / "cases/static/parkland/report-print.css").read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    assert "@media print" in css
    assert "55.4%" in html


def test_printable_version_of_all_parks_says_so(client):
    ledger = build_ledger()
    response = get_report(client, ledger.both, "year=2022", path="/reports/monthly/print/")
    assert response.status_code == 200
    assert zh("all parks") in unescape(response.content.decode())


# Bad input: a clear message or a 4xx, never a 500 ------------------------------------------------


BAD_QUERIES = [
    pytest.param("year=1899&park=XQ", 400, id="year-1899"),
    pytest.param("year=3000&park=XQ", 400, id="year-3000"),
    pytest.param("year=abc&park=XQ", 400, id="year-abc"),
    pytest.param("year=-2022&park=XQ", 400, id="year-negative"),
    pytest.param("year=²&park=XQ", 400, id="year-superscript-digit"),
    pytest.param("year=99999999999999999999&park=XQ", 400, id="year-huge"),
    pytest.param("year=2022&park=XQ&as_of=2023-01-01", 400, id="as_of-next-year"),
    pytest.param("year=2022&park=XQ&as_of=2021-12-31", 400, id="as_of-year-before"),
    pytest.param("year=2022&park=XQ&as_of=2022-02-30", 400, id="as_of-no-such-day"),
    pytest.param("year=2022&park=XQ&as_of=yesterday", 400, id="as_of-word"),
    pytest.param("year=2022&park=XQ&as_of=15/05/2022", 400, id="as_of-other-format"),
    pytest.param("year=2022&park=XQ&category=fallow", 400, id="unknown-category"),
    pytest.param("year=2022&park=NOPE", 404, id="unknown-park"),
    pytest.param("year=2022&park=BB", 404, id="park-not-mine"),
]
REPORT_PATHS = [
    "/reports/monthly/",
    "/reports/monthly/print/",
    "/reports/monthly.csv",
    "/reports/monthly.xlsx",
    "/reports/monthly.json",
    "/reports/monthly.pdf",
]


@pytest.mark.parametrize(("query", "status"), BAD_QUERIES)
@pytest.mark.parametrize("path", REPORT_PATHS)
def test_bad_parameters_give_a_4xx_never_a_500(client, path, query, status):
    make_park(code="BB", name="乙园")
    supervisor = make_user(park=make_park(code="XQ", name="新青科技工业园"), role=R.SUPERVISOR)
    client.raise_request_exception = False
    response = get_report(client, supervisor, query, path=path)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=1899&park=XQ", ("The year must lie between %(min)s and %(max)s.", {"min": 2000, "max": 2100})),
        ("year=3000&park=XQ", ("The year must lie between %(min)s and %(max)s.", {"min": 2000, "max": 2100})),
        (
            "year=2022&park=XQ&as_of=2023-01-01",
            ("The report date %(date)s is not in %(year)s.", {"date": "2023-01-01", "year": 2022}),
        ),
        ("year=2022&park=XQ&category=fallow", ("Unknown category: %(category)s.", {"category": "fallow"})),
    ],
)
def test_bad_parameters_are_explained_on_the_page(client, query, message):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, query)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert 'role="alert"' in html
    text, values = message
    assert zh(text, **values) in html


def test_year_that_is_not_a_number_is_explained_on_the_page(client):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, "year=abc&park=XQ")
    assert response.status_code == 400
    assert zh("The year must be a number such as %(year)s.", year=timezone.localdate().year) in unescape(
        response.content.decode()
    )


def test_malformed_as_of_is_explained_on_the_page(client):
    ledger = build_ledger()
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ&as_of=2022-02-30")
    assert response.status_code == 400
    assert zh("The report date must be a date such as 2022-12-31.") in unescape(response.content.decode())


@pytest.mark.parametrize("suffix", ["doc", "html", "CSV", "xls", "pdf.exe"])
def test_a_format_that_does_not_exist_is_404(client, suffix):
    ledger = build_ledger()
    client.raise_request_exception = False
    response = get_report(client, ledger.supervisor, "year=2022&park=XQ", path=f"/reports/monthly.{suffix}")
    assert response.status_code == 404

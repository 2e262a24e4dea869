"""Shared builders of the reporting tests (moved from tests/test_report_page.py)."""

import re
from dataclasses import dataclass
from datetime import date
from html import unescape
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext

from cases.models import DisposalCase, Membership, Park
from cases.templatetags.parkland import MONTH_NAMES
from tests.factories import make_case, make_parcel, make_park, make_user

R = Membership.Role


MONTH_KEYS = (
    "month",
    "identified_count",
    "identified_area_m2",
    "disposed_count",
    "disposed_area_m2",
    "cum_disposed_count",
    "cum_disposed_area_m2",
    "register_count",
    "register_area_m2",
    "rate_pct",
    "gap_pp",
    "area_to_benchmark_m2",
)


def zh(message: str, **values) -> str:
    """`message` as the Chinese pages show it (the park's language), with its placeholders filled."""
    with translation.override("zh-hans"):
        text = gettext(message)
    return text % values if values else text


def load_demo():
    """The demo ledger; returns demo-supervisor, the XQ supervisor the issue names."""
    call_command("load_demo", password="x", stdout=StringIO())
    return get_user_model().objects.get(username="demo-supervisor")


def add_case(
    park: Park,
    area: str,
    *,
    identified: date | None,
    status: str = "identified",
    category: str = "idle",
    method: str = "",
    disposed: date | None = None,
    disposed_area: str | None = None,
    target: date | None = None,
    before_close: str = "",
) -> DisposalCase:
    """A case on its own parcel of exactly its area; a decided case was decided on its identification day."""
    if status in ("implementing", "disposed") and not method:
        method = "idle_fee" if category == "idle" else "transfer"
    return make_case(
        parcel=make_parcel(park=park, area_m2=area),
        category=category,
        status=status,
        opened_on=min(identified or date(2021, 1, 4), date(2021, 1, 4)),
        identified_on=identified,
        disposal_method=method,
        decision_on=identified if method else None,
        target_on=target,
        disposed_on=disposed,
        disposed_area_m2=disposed_area if disposed_area is not None else (area if disposed else None),
        status_before_close=before_close,
    )


@dataclass
class Ledger:
    """Two parks: XQ with eleven cases covering every rule of §6, BB with two; a member of each role."""

    xq: Park
    bb: Park
    supervisor: object
    admin: object
    officer: object
    viewer: object
    both: object  # a viewer of XQ and BB: the all-parks report
    outsider: object  # a supervisor of BB only
    cases: dict


def build_ledger() -> Ledger:
    xq, bb = make_park(code="XQ", name="新青科技工业园"), make_park(code="BB", name="乙园")
    both = make_user(username="both", park=xq, role=R.VIEWER)
    Membership.objects.create(user=both, park=bb, role=R.VIEWER)
    d = date
    cases = {
        # Identified in 2021, partly disposed of on 20 March: 3,000 of 4,000 m².
        "A": add_case(
            xq, "4000.00", identified=d(2021, 6, 1), status="disposed", disposed=d(2022, 3, 20),
            disposed_area="3000.00", method="idle_fee",
        ),
        # Identified in February, disposed of in full on 2 April.
        "B": add_case(
            xq, "1000.00", identified=d(2022, 2, 10), category="inefficient", status="disposed",
            disposed=d(2022, 4, 2), method="transfer",
        ),
        # Identified in February, then withdrawn: never counted.
        "C": add_case(
            xq, "9999.00", identified=d(2022, 2, 11), status="withdrawn", before_close="identified",
        ),
        # Disposed of the year before: not in the 2022 register.
        "D": add_case(
            xq, "5000.00", identified=d(2021, 3, 1), status="disposed", disposed=d(2021, 12, 31),
            method="land_swap",
        ),
        # Being implemented, due on 30 November 2022: in the forecast.
        "E": add_case(
            xq, "2000.00", identified=d(2022, 1, 15), category="inefficient", status="implementing",
            method="government_purchase", target=d(2022, 11, 30),
        ),
        # Being implemented, due in 2023: not in the forecast.
        "F": add_case(
            xq, "1500.00", identified=d(2022, 5, 10), status="implementing", method="extend_deadline",
            target=d(2023, 2, 28),
        ),
        # Identified on 20 May, after the mid-May report date.
        "G": add_case(xq, "800.00", identified=d(2022, 5, 20)),
        # Identified and disposed of before the mid-May report date.
        "H": add_case(
            xq, "600.00", identified=d(2022, 5, 5), status="disposed", disposed=d(2022, 5, 14),
            method="adjust_use",
        ),
        # Disposed of on 18 May, after the mid-May report date.
        "I": add_case(
            xq, "700.00", identified=d(2022, 1, 20), status="disposed", disposed=d(2022, 5, 18),
            method="temporary_use",
        ),
        # A lead, never identified.
        "J": add_case(xq, "3000.00", identified=None, status="lead"),
        # Identified in March, disposed of in 2023: in the 2022 register, undisposed.
        "K": add_case(
            xq, "2500.00", identified=d(2022, 3, 3), status="disposed", disposed=d(2023, 2, 1),
            method="free_recovery",
        ),
        # Being implemented and due in September, but identified in June: after the mid-May register.
        "N": add_case(
            xq, "1200.00", identified=d(2022, 6, 1), category="inefficient", status="implementing",
            method="self_redevelopment", target=d(2022, 9, 30),
        ),
        # Park BB: disposed of in February; and one in planning since 2021.
        "L": add_case(
            bb, "3000.00", identified=d(2022, 1, 5), status="disposed", disposed=d(2022, 2, 15),
            method="negotiated_recovery",
        ),
        "M": add_case(bb, "7000.00", identified=d(2021, 11, 1), category="inefficient", status="planning"),
    }  # fmt: skip
    return Ledger(
        xq=xq,
        bb=bb,
        supervisor=make_user(username="supervisor", park=xq, role=R.SUPERVISOR),
        admin=make_user(username="parkadmin", park=xq, role=R.PARK_ADMIN),
        officer=make_user(username="officer", park=xq, role=R.OFFICER),
        viewer=make_user(username="viewer", park=xq, role=R.VIEWER),
        both=both,
        outsider=make_user(username="outsider", park=bb, role=R.SUPERVISOR),
        cases=cases,
    )


def row(*values) -> dict:
    return dict(zip(MONTH_KEYS, values, strict=True))


# XQ as of 15 May 2022 against 55.4 %, worked by hand (month end E = 31 Jan, 28 Feb, 31 Mar, 30 Apr,
# then 15 May). Register: A+E+I = 6,700; +B = 7,700; +K = 10,200; +F+H = 12,300. Disposed: A 3,000
# (20 Mar), B 1,000 (2 Apr), H 600 (14 May); I (18 May) is after the date. Area to benchmark =
# 0.554 × register − disposed, e.g. 0.554 × 12,300 − 4,600 = 2,214.20.
XQ_MID_MAY = [
    row(1, 2, "2700.00", 0, "0.00", 0, "0.00", 3, "6700.00", "0.0", "-55.4", "3711.80"),
    row(2, 1, "1000.00", 0, "0.00", 0, "0.00", 4, "7700.00", "0.0", "-55.4", "4265.80"),
    row(3, 1, "2500.00", 1, "3000.00", 1, "3000.00", 5, "10200.00", "29.4", "-26.0", "2650.80"),
    row(4, 0, "0.00", 1, "1000.00", 2, "4000.00", 5, "10200.00", "39.2", "-16.2", "1650.80"),
    row(5, 2, "2100.00", 1, "600.00", 3, "4600.00", 7, "12300.00", "37.4", "-18.0", "2214.20"),
]


# The same with park BB: L (3,000, identified 5 Jan, disposed 15 Feb) and M (7,000, since 2021).
ALL_PARKS_MID_MAY = [
    row(1, 3, "5700.00", 0, "0.00", 0, "0.00", 5, "16700.00", "0.0", "-55.4", "9251.80"),
    row(2, 1, "1000.00", 1, "3000.00", 1, "3000.00", 6, "17700.00", "16.9", "-38.5", "6805.80"),
    row(3, 1, "2500.00", 1, "3000.00", 2, "6000.00", 7, "20200.00", "29.7", "-25.7", "5190.80"),
    row(4, 0, "0.00", 1, "1000.00", 3, "7000.00", 7, "20200.00", "34.7", "-20.7", "4190.80"),
    row(5, 2, "2100.00", 1, "600.00", 4, "7600.00", 9, "22300.00", "34.1", "-21.3", "4754.20"),
]


def text_of(cell_html: str) -> str:
    return " ".join(unescape(strip_tags(cell_html)).split())


def _count_and_area(cell: str) -> tuple[int, str]:
    count, area = (part.strip() for part in cell.split("·"))
    return int(count), area.replace(",", "")


def _rate(cell: str) -> str | None:
    return None if cell in ("—", "") else cell.removesuffix("%").removeprefix("+")


def page_cells(html: str) -> list[list[str]]:
    """The cells of the month table (table.report-months), each as its text; the month's name first."""
    table = html.split("report-months", 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S) for tr in rows]


def month_names(month: int) -> set[str]:
    """Month 1…12 by name, as the Chinese and the English pages write it."""
    names = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.add(str(MONTH_NAMES[month - 1]))
    return names


def page_months(html: str) -> list[dict]:
    """The month table of the page in the JSON shape of docs/disposal-rate.md#json (cells: cases · m²)."""
    months = []
    for number, cells in enumerate(page_cells(html), start=1):
        texts = [text_of(cell) for cell in cells]
        assert texts[0] in month_names(number), texts[0]
        identified, disposed, cumulative, register = (_count_and_area(t) for t in texts[1:5])
        months.append(
            row(
                number,
                *identified,
                *disposed,
                *cumulative,
                *register,
                _rate(texts[5]),
                _rate(texts[6]),
                texts[7].replace(",", ""),
            )
        )
    return months


def get_report(client, user, query: str, path: str = "/reports/monthly/"):
    client.force_login(user)
    return client.get(f"{path}?{query}")

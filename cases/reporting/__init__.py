"""The monthly disposal-rate report (docs/disposal-rate.md#the-monthly-report): filtered querysets
in, rows and files out.

`monthly` builds the report, `closing` freezes and reopens a month and restates it, `chart` lays out
the SVG chart, `writers` makes the JSON, CSV, XLSX and PDF files. Knows nothing of requests: callers
pass the cases a user may see (scoping.cases_for) or all cases.
"""

from .chart import NARROW as NARROW_CHART
from .chart import Chart, chart
from .closing import Restatement, close_month, restatements
from .monthly import (
    MAX_YEAR,
    MIN_YEAR,
    MONTH_COLUMNS,
    MonthlyReport,
    MonthRow,
    ReportError,
    category_label,
    check_period,
    default_as_of,
    method_label,
    month_end,
    monthly_report,
)
from .writers import DEFINITIONS, WRITERS, print_context, to_csv, to_json, to_pdf, to_xlsx

__all__ = [
    "DEFINITIONS",
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTH_COLUMNS",
    "NARROW_CHART",
    "WRITERS",
    "Chart",
    "MonthRow",
    "MonthlyReport",
    "ReportError",
    "Restatement",
    "category_label",
    "chart",
    "check_period",
    "close_month",
    "default_as_of",
    "method_label",
    "month_end",
    "monthly_report",
    "print_context",
    "restatements",
    "to_csv",
    "to_json",
    "to_pdf",
    "to_xlsx",
]

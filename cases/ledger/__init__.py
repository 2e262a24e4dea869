"""The ledger (台账, docs/data-model.md#ledger-columns-台账): a park's spreadsheet of cases, read,
checked and imported all or nothing, and the same columns written back out by the case list's
ledger export.

The format is defined once, in columns.py (`LEDGER_COLUMNS`, with the description of the format);
reading.py reads a file into a table, values.py parses its cells, planning/ checks the rows and
writes them, report.py says what happened to each row, writing.py writes the export and the
template, staging.py keeps an uploaded file waiting between its check and its import, and
importing.py ties them together in `import_ledger`.
"""

from .columns import (
    BOOL,
    CHOICE,
    DATE,
    DECIMAL,
    LEDGER_COLUMNS,
    TEXT,
    USER,
    LedgerColumn,
    map_headers,
    normalise_header,
)
from .importing import history_reason, import_ledger, over_limit_message, too_large_message
from .reading import LedgerFileError, Table, read_table
from .report import LedgerReport, Outcome, Problem, RowResult, report_xlsx
from .values import CellProblem, parse_bool, parse_choice, parse_date, parse_decimal, parse_text
from .writing import EXAMPLE_ROW, RULES, XLSX_CONTENT_TYPE, ledger_xlsx, template_xlsx

__all__ = [
    "BOOL",
    "CHOICE",
    "DATE",
    "DECIMAL",
    "EXAMPLE_ROW",
    "LEDGER_COLUMNS",
    "RULES",
    "TEXT",
    "USER",
    "XLSX_CONTENT_TYPE",
    "CellProblem",
    "LedgerColumn",
    "LedgerFileError",
    "LedgerReport",
    "Outcome",
    "Problem",
    "RowResult",
    "Table",
    "history_reason",
    "import_ledger",
    "ledger_xlsx",
    "map_headers",
    "normalise_header",
    "over_limit_message",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_text",
    "read_table",
    "report_xlsx",
    "template_xlsx",
    "too_large_message",
]

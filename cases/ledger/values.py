"""The cells of a ledger row as values: text, dates, decimals, choices and flags, or a `CellProblem`
saying why not."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .reading import ErrorValue, Formula


class CellProblem(Exception):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


def shown(cell) -> str:
    """A cell as the report shows it."""
    if cell is None:
        return ""
    if isinstance(cell, Formula | ErrorValue):
        return cell.text
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    return str(cell)


def parse_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        if abs(cell) >= 1e15:
            raise CellProblem(
                _(
                    "Excel has stored this long number imprecisely; format the column as text and type it "
                    "again."
                )
            )
        return shown(cell)
    if isinstance(cell, bool):
        return "是" if cell else "否"
    return shown(cell).strip()


_THOUSANDS = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def parse_decimal(cell) -> Decimal | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise CellProblem(_("This is not a number."))
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        value = Decimal(repr(cell))
        # A float computed in Excel (0.1 + 0.2) is put back on the cent it means.
        cents = value.quantize(Decimal("0.01"))
        return cents if abs(value - cents) < Decimal("0.000001") else value
    if not isinstance(cell, str):
        raise CellProblem(_("This is not a number."))
    text = unicodedata.normalize("NFKC", cell).strip().replace(" ", "")
    if not _THOUSANDS.fullmatch(text):
        raise CellProblem(_("This is not a number (thousands separators are allowed: 12,345.67)."))
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise CellProblem(_("This is not a number.")) from error


_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?: 0?0:00(?::00)?)?"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)


def parse_date(cell) -> date | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        # An Excel serial date in a cell without a date format.
        from openpyxl.utils.datetime import from_excel

        if 1 <= cell < 2958466:
            return from_excel(cell).date()
        raise CellProblem(_("This number is not an Excel date."))
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    for form in _DATE_FORMS:
        if match := form.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError as error:
                raise CellProblem(_("There is no such day in the calendar.")) from error
    raise CellProblem(_("This is not a date: write it as 2022-03-05, 2022/3/5 or 2022年3月5日."))


_TRUE = {"是", "yes", "y", "true", "1", "√", "✓"}
_FALSE = {"否", "no", "n", "false", "0", "×", "✗"}


def parse_bool(cell) -> bool:
    if cell is None:
        return False
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    text = unicodedata.normalize("NFKC", str(cell)).strip().lower()
    if not text or text in _FALSE:
        return False
    if text in _TRUE:
        return True
    raise CellProblem(_("Write 是 or 否 (yes or no, 1 or 0)."))


def _choice_key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text)).strip().lower())


def choice_names(choices: type[models.Choices]) -> dict[str, str]:
    """Every name a choice may be written by: its code, its label in each language, the parts of a label."""
    names: dict[str, set[str]] = defaultdict(set)
    for choice in choices:
        names[_choice_key(choice.value)].add(choice.value)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                label = _choice_key(choice.label)
            names[label].add(choice.value)
            # "不予认定/撤销", "新型产业用地(M0)": each part, and the label without its bracket, too.
            for part in (*label.split("/"), re.sub(r"\(.*?\)", "", label)):
                if part.strip():
                    names[part.strip()].add(choice.value)
    return {name: next(iter(codes)) for name, codes in names.items() if len(codes) == 1}


def parse_choice(cell, names: dict[str, str], choices: type[models.Choices]) -> str:
    text = parse_text(cell)
    if not text:
        return ""
    code = names.get(_choice_key(text))
    if code is None:
        raise CellProblem(
            _("Not one of: %(choices)s.") % {"choices": "、".join(str(c.label) for c in choices)}
        )
    return code

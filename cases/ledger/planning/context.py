"""The one object each per-kind planner reads and adds to while a row is planned."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from ...models import Park
from ..columns import COLUMN_OF_FIELD, COLUMNS_BY_KEY
from ..report import Problem, RowResult
from ..values import shown

MISSING = object()  # no value, as distinct from an empty one


@dataclass
class Touch:
    """What one row does to one object: create it, or change these fields."""

    kind: str  # "enterprise", "parcel" or "case"
    obj: models.Model
    created: bool
    fields: set[str]


def column_key(kind: str, field_name: str) -> str:
    """The ledger column that fills `field_name` of a `kind`; empty for the row as a whole."""
    if kind == "case" and field_name == "parcel":
        return "parcel_code"
    column = COLUMN_OF_FIELD.get((kind, field_name))
    return column.key if column else ""


@dataclass
class RowContext:
    """One row of the file as it is planned: its cells and values, what failed, what it would do."""

    number: int  # the row number as the spreadsheet shows it
    header_of_key: dict[str, str]  # each column's header as the file writes it
    result: RowResult
    raw: dict[str, Any] = field(default_factory=dict)  # the cells by column key
    values: dict[str, Any] = field(default_factory=dict)  # the parsed values by column key
    failed: set[str] = field(default_factory=set)  # column keys already reported
    touches: list[Touch] = field(default_factory=list)
    park: Park | None = None

    def problem(self, key: str, message, cell=MISSING) -> None:
        """Report `message` against column `key` (its cell unless another is given)."""
        if cell is MISSING:
            cell = self.raw.get(key)
        header = self.header_of_key.get(key) or (str(COLUMNS_BY_KEY[key]) if key else "")
        entry = Problem(header, shown(cell), str(message))
        if entry not in self.result.problems:
            self.result.problems.append(entry)
        self.failed.add(key)

    def add_model_errors(self, kind: str, errors: dict) -> None:
        """The models' own errors, each against the column of its field."""
        for field_name, messages in errors.items():
            key = column_key(kind, field_name)
            if key in self.failed and key:
                continue  # the cell is already reported; its empty stand-in would only repeat it
            for message in messages:
                self.problem(key, message)

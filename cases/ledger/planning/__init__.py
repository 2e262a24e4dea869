"""Checking a ledger's rows and planning what they do, then writing it.

`Planner` (planner.py) reads each row into one `RowContext` (context.py) that the per-kind planners
share: `plan_enterprise` (enterprise.py), `plan_parcel` (parcel.py), `plan_case` (case.py). What the
import has loaded and what the rows leave behind is `LedgerState` (state.py); the checks across rows
are in across.py, and the bulk writer with its history records in writer.py.
"""

from .context import RowContext, Touch
from .planner import Planner
from .state import LedgerState

__all__ = ["LedgerState", "Planner", "RowContext", "Touch"]

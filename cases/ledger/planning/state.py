"""What an import knows: the objects of the file's parks, loaded once, and what the rows planned so far
leave behind (each object's state, the row that first named it, what is to be written)."""

from __future__ import annotations

import copy
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ... import scoping
from ...models import DisposalCase, Enterprise, LandParcel, Membership, Park
from ..columns import LedgerColumn
from ..values import CellProblem, parse_text
from .checks import chunks, field_names, kind_label, same_value
from .context import RowContext, Touch, column_key


class LedgerState:
    """The file's columns and user, the loaded objects with their indexes, and the rows' effects."""

    def __init__(self, *, columns: dict[int, LedgerColumn], headers: list[str], user, default_park) -> None:
        self.columns = columns
        self.headers = headers
        self.present = {column.key for column in columns.values()}
        self.header_of_key = {column.key: headers[index] for index, column in columns.items()}
        self.user = user
        self.default_park = default_park
        self.touches: dict[int, list[Touch]] = defaultdict(list)
        self.claimed: dict[tuple, int] = {}  # object key -> the first row that named it
        # (kind, object key) -> {"obj", "created", "fields"}: what the file creates or changes.
        self.written: dict[tuple, dict] = {}
        self.enterprise_state: dict[tuple, Enterprise] = {}
        self.parks_named: list[Park] = []

    # Loading -------------------------------------------------------------------------------------

    def load(self, rows: list[tuple[int, list]], *, lock: bool) -> None:
        park_ids = self.load_parks(rows, lock=lock)
        self.load_land(park_ids)
        self.load_cases(rows, park_ids)
        self.load_users(rows, park_ids)

    def load_parks(self, rows: list[tuple[int, list]], *, lock: bool) -> list[int]:
        """The parks the file names, and of those the ones the user may import into."""
        codes = self.texts_of("park", rows)
        if self.default_park is not None:
            codes.add(self.default_park.code)
        parks = Park.objects.filter(code__in=codes - {""})
        if lock:
            # Two imports into one park wait for each other instead of racing.
            parks = parks.select_for_update()
        self.parks = {park.code: park for park in parks}
        allowed = scoping.parks_for(self.user, role=Membership.Role.PARK_ADMIN) if self.user else Park.objects
        self.allowed_park_ids = set(
            allowed.filter(pk__in=[p.pk for p in self.parks.values()]).values_list("pk", flat=True)
        )
        self.park_by_pk = {park.pk: park for park in self.parks.values()}
        return list(self.allowed_park_ids)

    def load_land(self, park_ids: list[int]) -> None:
        self.enterprise_by_pk = {e.pk: e for e in Enterprise.objects.filter(park_id__in=park_ids)}
        self.enterprise_by_code: dict[tuple, Enterprise] = {}
        self.enterprises_by_name: dict[tuple, list[Enterprise]] = defaultdict(list)
        for enterprise in self.enterprise_by_pk.values():
            self.index_enterprise(enterprise)
        self.parcels: dict[tuple, LandParcel] = {}
        self.parcel_by_pk = {}
        for parcel in LandParcel.objects.filter(park_id__in=park_ids):
            parcel.park = self.park_by_pk[parcel.park_id]
            if parcel.enterprise_id:
                parcel.enterprise = self.enterprise_by_pk[parcel.enterprise_id]
            self.parcels[(parcel.park_id, parcel.code)] = parcel
            self.parcel_by_pk[parcel.pk] = parcel

    def load_cases(self, rows: list[tuple[int, list]], park_ids: list[int]) -> None:
        self.cases_by_number: dict[str, DisposalCase] = {}
        self.cases_by_opening: dict[tuple, list[DisposalCase]] = defaultdict(list)
        self.cases_of_parcel: dict[tuple, dict[tuple, DisposalCase]] = defaultdict(dict)
        for case in DisposalCase.objects.filter(parcel__park_id__in=park_ids):
            case.parcel = self.parcel_by_pk[case.parcel_id]
            self.index_case(self.db_key("case", case), case)
        numbers = self.texts_of("case_number", rows) - set(self.cases_by_number)
        self.numbers_elsewhere = {}
        for chunk in chunks(sorted(numbers), 900):
            self.numbers_elsewhere.update(
                DisposalCase.objects.filter(number__in=chunk).values_list("number", "parcel__park__code")
            )
        self.all_park_codes = set(Park.objects.values_list("code", flat=True))

    def load_users(self, rows: list[tuple[int, list]], park_ids: list[int]) -> None:
        user_model = get_user_model()
        lookup = f"{user_model.USERNAME_FIELD}__in"
        self.users = {}
        for chunk in chunks(sorted(self.texts_of("officer", rows)), 900):
            self.users.update(
                {u.get_username(): u for u in user_model._default_manager.filter(**{lookup: chunk})}
            )
        self.roles = {
            (m.user_id, m.park_id): m.role
            for m in Membership.objects.filter(
                user_id__in=[u.pk for u in self.users.values()], park_id__in=park_ids
            )
        }

    def texts_of(self, key: str, rows: list[tuple[int, list]]) -> set[str]:
        """The distinct non-empty texts of one column, for loading what the rows name in one query."""
        index = next((i for i, column in self.columns.items() if column.key == key), None)
        texts = set()
        if index is None:
            return texts
        for _number, cells in rows:
            try:
                texts.add(parse_text(cells[index]) if index < len(cells) else "")
            except CellProblem:
                continue
        return texts - {""}

    # Indexes -------------------------------------------------------------------------------------

    def index_enterprise(self, enterprise: Enterprise, *, replacing: Enterprise | None = None) -> None:
        if replacing is not None:
            if replacing.credit_code:
                self.enterprise_by_code.pop((replacing.park_id, replacing.credit_code), None)
            same_name = self.enterprises_by_name[(replacing.park_id, replacing.name)]
            same_name[:] = [e for e in same_name if e is not replacing]
        if enterprise.credit_code:
            self.enterprise_by_code[(enterprise.park_id, enterprise.credit_code)] = enterprise
        self.enterprises_by_name[(enterprise.park_id, enterprise.name)].append(enterprise)

    def index_case(self, key: tuple, case: DisposalCase) -> None:
        case._ledger_key = key
        parcel_key = (case.parcel.park_id, case.parcel.code)
        self.cases_of_parcel[parcel_key][key] = case
        same_day = self.cases_by_opening[(*parcel_key, case.opened_on)]
        same_day[:] = [c for c in same_day if c._ledger_key != key] + [case]
        if case.number:
            self.cases_by_number[case.number] = case

    @staticmethod
    def db_key(kind: str, obj) -> tuple:
        return (kind, "db", obj.pk)

    def key(self, obj, kind: str) -> tuple:
        """The object's identity in this import: its primary key, or the row that creates it."""
        return getattr(obj, "_ledger_key", None) or self.db_key(kind, obj)

    # What the rows leave behind ------------------------------------------------------------------

    def change(self, row: RowContext, found, proposed: dict, kind: str) -> Touch | None:
        """A touch setting `proposed` on a known object; refused when an earlier row gave other values."""
        changed = {name for name, value in proposed.items() if not same_value(found, name, value)}
        earlier = self.claimed.get(self.key(found, kind))
        if earlier is not None and changed:
            row.problem(
                column_key(kind, sorted(changed)[0]),
                _("Row %(row)s gives this %(object)s other values: %(fields)s.")
                % {"row": earlier, "object": kind_label(kind), "fields": field_names(kind, changed)},
            )
            return None
        if not changed:
            return Touch(kind, found, False, set())
        candidate = copy.copy(found)
        for name, value in proposed.items():
            setattr(candidate, name, value)
        return Touch(kind, candidate, False, changed)

    def commit(self, touch: Touch, row: int) -> None:
        """A row that stands: what it does becomes the state the next rows see."""
        obj = touch.obj
        key = obj._ledger_key = self.key(obj, touch.kind)
        self.claimed.setdefault(key, row)
        if touch.kind == "enterprise":
            previous = self._find_enterprise(key)
            self.index_enterprise(obj, replacing=previous)
            self.enterprise_state[key] = obj
        elif touch.kind == "parcel":
            self.parcels[(obj.park_id, obj.code)] = obj
        else:
            self.index_case(key, obj)
        if touch.created or touch.fields:
            state = self.written.setdefault(
                (touch.kind, key), {"obj": obj, "created": touch.created, "fields": set()}
            )
            state["obj"] = obj
            state["fields"] |= touch.fields

    def _find_enterprise(self, key) -> Enterprise | None:
        if key in self.enterprise_state:
            return self.enterprise_state[key]
        if key[1] == "db":
            return self.enterprise_by_pk.get(key[2])
        return None

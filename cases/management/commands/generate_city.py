"""Generate a city's ledger for measuring Parkland at scale: 9 parks, 15,000 enterprises, 20,000
parcels, 100,000 cases over 2015–2024 and 1,000,000 timeline events at `--scale 1`.

    python manage.py generate_city [--seed N] [--scale 1.0] [--database-url URL] [--password P] [--force]

Every row keeps every rule of the models and every database constraint: one open case per parcel,
statuses reached through the workflow's steps (a status-change event for each, back steps
included), identification, decision and disposal dates in order and only on the statuses that carry
them, methods that fit the category, case numbers `{park}-{year}-{seq:03d}` numbered in order of
opening with their `CaseNumberSequence` rows, the evidence each gated step asks for. The same seed
and scale give the same rows (primary keys aside, when other data was there first).

Rows go in with PostgreSQL's COPY (in batches of INSERTs on other databases), in one transaction,
with explicit keys and the sequences moved past them. The history tables stay empty: generated
rows have no history. Evidence documents are metadata: each points to one of a few small PDF files
(one per document type, under `city-sample/` in the evidence storage) whose SHA-256 and size it
records, so `verify_evidence` passes and downloads work.

It refuses a database that already holds cases unless `--force` (and then only adds; it never
deletes), and always refuses one where the city's parks or users exist already.
"""

import hashlib
import json
import math
import random
import secrets
import time
from bisect import bisect
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate, pairwise
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.utils import translation

from cases import citydata
from cases.deadlines.stored import rebuild as rebuild_deadlines
from cases.demo.files import tiny_pdf
from cases.figures import data_changed
from cases.models import (
    CaseEvent,
    CaseNumberSequence,
    Category,
    CustodyEvent,
    DisposalCase,
    DisposalMethod,
    DisposalTarget,
    DocType,
    Enterprise,
    EvidenceDocument,
    EvidenceRequirement,
    LandParcel,
    LowEfficiencyThreshold,
    Membership,
    Park,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
    Status,
)
from cases.models.evidence import evidence_storage
from cases.models.search import grams_text_of, search_text_of
from cases.validators import credit_code_check_character

# The size of the city at --scale 1.
ENTERPRISES = 15_000
PARCELS = 20_000
CASES = 100_000
EVENTS = 1_000_000

START = date(2015, 1, 1)
END = date(2024, 12, 31)
SPAN = (END - START).days
TZ = ZoneInfo(settings.TIME_ZONE)


def plain(choices) -> SimpleNamespace:
    """The codes of a choice list as plain strings: a database driver may write an Enum by its name."""
    return SimpleNamespace(**{member.name: member.value for member in choices})


S = plain(Status)
M = plain(DisposalMethod)
Kind = plain(CaseEvent.Kind)
D = plain(DocType)
C = plain(Category)
FORWARD_PATH = (S.LEAD, S.INVESTIGATING, S.IDENTIFIED, S.PLANNING, S.IMPLEMENTING, S.DISPOSED)
OPEN_FINAL = ((S.LEAD, 20), (S.INVESTIGATING, 25), (S.IDENTIFIED, 15), (S.PLANNING, 15), (S.IMPLEMENTING, 25))
WITHDRAWN_FROM = (
    (S.LEAD, 30),
    (S.INVESTIGATING, 35),
    (S.IDENTIFIED, 15),
    (S.PLANNING, 10),
    (S.IMPLEMENTING, 10),
)
SHARE_OF_PARCELS_WITH_CASES = 0.92
SHARE_OF_LAST_CASES_OPEN = 0.8
SHARE_DISPOSED_OF_CLOSED = 0.72

IDLE_METHODS = (
    (M.EXTEND_DEADLINE, 15),
    (M.ADJUST_USE, 10),
    (M.TEMPORARY_USE, 5),
    (M.NEGOTIATED_RECOVERY, 25),
    (M.LAND_SWAP, 5),
    (M.IDLE_FEE, 25),
    (M.FREE_RECOVERY, 15),
)
INEFFICIENT_METHODS = ((M.SELF_REDEVELOPMENT, 50), (M.TRANSFER, 30), (M.GOVERNMENT_PURCHASE, 20))
RECOVERY_METHODS = (M.NEGOTIATED_RECOVERY, M.FREE_RECOVERY, M.GOVERNMENT_PURCHASE, M.LAND_SWAP)
HEARING_METHODS = (M.IDLE_FEE, M.FREE_RECOVERY)
GATED = (S.IDENTIFIED, S.IMPLEMENTING, S.DISPOSED)
BACK_STEPS = ((S.INVESTIGATING, S.LEAD), (S.IMPLEMENTING, S.PLANNING))
# The timeline entries beyond the steps, by how often they are recorded.
EXTRA_KINDS = ((Kind.SITE_INSPECTION, 40), (Kind.MEETING, 25), (Kind.OTHER, 15), (Kind.NOTICE_SERVED, 8))
AFTER_DECISION_KINDS = ((Kind.REMINDER_SERVED, 4), (Kind.PAYMENT, 6), (Kind.ENFORCEMENT_APPLIED, 1))
STAFF = (
    ("admin", "park_admin", True),
    ("supervisor", "supervisor", False),
    ("officer1", "officer", False),
    ("officer2", "officer", False),
    ("officer3", "officer", False),
    ("viewer", "viewer", False),
)
SUPERUSER = "city-admin"
SAMPLE_FOLDER = "city-sample"


def picker(pairs):
    """A weighted choice from (item, weight) pairs: call it with a Random."""
    items = [item for item, _weight in pairs]
    cumulative = list(accumulate(weight for _item, weight in pairs))
    total = cumulative[-1]

    def pick(rng: random.Random):
        return items[bisect(cumulative, rng.random() * total)]

    return pick


def share_out(total: int, weights: list[float], *, minimum: int = 0) -> list[int]:
    """`total` split in proportion to `weights` by largest remainder, each part at least `minimum`."""
    base = minimum * len(weights)
    rest = max(0, total - base)
    whole = sum(weights)
    raw = [rest * w / whole for w in weights]
    parts = [minimum + int(r) for r in raw]
    short = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - int(raw[i])), i))
    for i in order[: max(0, short)]:
        parts[i] += 1
    return parts


def money(value: float) -> Decimal:
    return Decimal(round(value * 100)).scaleb(-2)


def at(day: date, minute: int) -> datetime:
    """A moment in a working day: 09:00 plus `minute` minutes, in the park's time zone."""
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ) + timedelta(minutes=minute % 540)


# Writing rows ------------------------------------------------------------------------------------


class Rows:
    """Rows of one table written in bulk: COPY on PostgreSQL, batched INSERTs elsewhere."""

    BATCH = 2000

    def __init__(self, connection, model, fields: list[str]):
        self.connection = connection
        self.fields = [model._meta.get_field(name) for name in fields]
        # Columns not given that may not be empty take their field's default ("" for text).
        self.defaults = tuple(
            field.get_default()
            for field in model._meta.concrete_fields
            if field not in self.fields and not field.null and not field.primary_key
        )
        self.fields += [
            field
            for field in model._meta.concrete_fields
            if field not in self.fields and not field.null and not field.primary_key
        ]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(field.column) for field in self.fields)
        self.count = 0
        self._buffer: list = []

    def __enter__(self):
        self._cursor = self.connection.cursor()
        if self.connection.vendor == "postgresql":
            self._copy_context = self._cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN")
            self._copy = self._copy_context.__enter__()
            self.write = self._write_copy
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            self._sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"
            self.write = self._write_insert
        return self

    def _write_copy(self, row) -> None:
        row = row + self.defaults if self.defaults else row
        # COPY takes JSON as its text; INSERT gets it from the field's own preparation.
        self._copy.write_row(tuple(json.dumps(v) if isinstance(v, dict | list) else v for v in row))
        self.count += 1

    def _write_insert(self, row) -> None:
        connection = self.connection
        self._buffer.append(
            [
                field.get_db_prep_save(value, connection)
                for field, value in zip(self.fields, row + self.defaults, strict=True)
            ]
        )
        self.count += 1
        if len(self._buffer) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._cursor.executemany(self._sql, self._buffer)
            self._buffer = []

    def __exit__(self, kind, value, traceback):
        try:
            if self.connection.vendor == "postgresql":
                self._copy_context.__exit__(kind, value, traceback)
            elif kind is None:
                self._flush()
        finally:
            self._cursor.close()
        return False


class Ids:
    """The next free primary keys of each table, so rows can name each other before they are written."""

    def __init__(self, alias: str):
        self.alias = alias
        self._next: dict = {}
        self._first: dict = {}

    def firsts(self) -> dict:
        """The first key this run took in each table."""
        return dict(self._first)

    def take(self, model, count: int = 1) -> int:
        if model not in self._next:
            highest = model._default_manager.using(self.alias).aggregate(top=Max("pk"))["top"]
            self._next[model] = self._first[model] = (highest or 0) + 1
        first = self._next[model]
        self._next[model] += count
        return first


# The plan of one case ----------------------------------------------------------------------------


class PlannedCase:
    __slots__ = (
        "area",
        "category",
        "decision_on",
        "disposed_area",
        "disposed_on",
        "events",
        "flags",
        "id",
        "identified_on",
        "idle_cause",
        "index",
        "limit",
        "litigation",
        "method",
        "number",
        "officer",
        "opened_on",
        "parcel",
        "park",
        "replied",
        "status",
        "status_before_close",
        "steps",
        "summary",
        "target_on",
    )


class Command(BaseCommand):
    help = "Generate a city's ledger (9 parks, 100,000 cases, 1,000,000 events at --scale 1) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024, help="the same seed gives the same data")
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 cases")
        parser.add_argument(
            "--database-url", default="", help="write there instead of the configured database"
        )
        parser.add_argument(
            "--password", default="", help="the users' password (else one is generated and printed)"
        )
        parser.add_argument(
            "--force", action="store_true", help="add the city to a database that already holds cases"
        )

    # Entry ---------------------------------------------------------------------------------------

    def handle(self, *args, seed, scale, database_url, password, force, **options):
        if not 0 < scale <= 20:
            raise CommandError("--scale must lie above 0 and at most 20.")
        alias = self._database(database_url)
        self.alias = alias
        self.connection = connections[alias]
        self.seed, self.scale = seed, scale
        started = time.monotonic()
        self._migrate_if_needed(alias)
        self._refuse_if_unsafe(force)
        generated_password = not password
        password = password or secrets.token_urlsafe(12)
        self.ids = Ids(alias)
        self.timings: list[tuple[str, int, float]] = []
        with translation.override(settings.LANGUAGE_CODE):
            self._labels()
        with transaction.atomic(using=alias):
            checks_deferred = self._defer_foreign_key_checks()
            self._generate(password)
            if checks_deferred:
                with self._timed("foreign keys checked") as box:
                    box["count"] = self._check_foreign_keys()
            self._reset_sequences()
            with self._timed("deadlines stored") as box:
                box["count"] = rebuild_deadlines(using=alias)
            data_changed(using=alias)  # written by COPY: no signal moved the figures' data version on
            commit_started = time.monotonic()
        self.timings.append(("commit", 0, time.monotonic() - commit_started))
        elapsed = time.monotonic() - started
        for name, count, seconds in self.timings:
            self.stdout.write(f"  {name:<22} {count:>10,} rows  {seconds:6.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"City generated in {elapsed:.1f} s (seed {seed}, scale {scale}): "
                f"{len(self.parks)} parks, {self.counts['enterprises']:,} enterprises, "
                f"{self.counts['parcels']:,} parcels, {self.counts['cases']:,} cases, "
                f"{self.counts['events']:,} events, {self.counts['documents']:,} evidence documents."
            )
        )
        if generated_password:
            self.stdout.write(
                f"Users {SUPERUSER} (superuser) and <park>-admin/-supervisor/-officer1…3/-viewer, "
            )
            self.stdout.write(f"password: {password}")

    def _database(self, url: str) -> str:
        """The alias to write to: the configured database, or the one `url` names, which then
        becomes the default connection of this process (data migrations write to the default)."""
        if url:
            import dj_database_url

            connections[DEFAULT_DB_ALIAS].close()
            configured = connections.configure_settings({DEFAULT_DB_ALIAS: dj_database_url.parse(url)})
            connections.settings[DEFAULT_DB_ALIAS] = configured[DEFAULT_DB_ALIAS]
            del connections[DEFAULT_DB_ALIAS]
        return DEFAULT_DB_ALIAS

    def _migrate_if_needed(self, alias: str) -> None:
        executor = MigrationExecutor(connections[alias])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Migrating the database first …")
            call_command("migrate", database=alias, interactive=False, verbosity=0)

    def _refuse_if_unsafe(self, force: bool) -> None:
        using = self.alias
        codes = [p.code for p in citydata.PARKS]
        if taken := list(Park.objects.using(using).filter(code__in=codes).values_list("code", flat=True)):
            raise CommandError(
                f"The city's parks ({', '.join(sorted(taken))}) exist already in this database: "
                "generate the city into an empty database."
            )
        usernames = [SUPERUSER] + [f"{code.lower()}-{who}" for code in codes for who, _role, _staff in STAFF]
        if get_user_model().objects.using(using).filter(username__in=usernames).exists():
            raise CommandError("The city's users exist already in this database: use an empty database.")
        cases = DisposalCase.objects.using(using).count()
        if cases and not force:
            raise CommandError(
                f"This database already holds {cases:,} cases. Give --force to add the city beside them "
                "(nothing is changed or deleted), or use an empty database."
            )

    @contextmanager
    def _timed(self, name: str):
        started = time.monotonic()
        box = {"count": 0}
        yield box
        self.timings.append((name, box["count"], time.monotonic() - started))

    def _rows(self, model, fields):
        return Rows(self.connection, model, fields)

    def _labels(self) -> None:
        """Titles and texts in the park's working language, as the workflow writes them."""
        self.status_label = {s.value: str(s.label) for s in Status}
        self.doc_label = {d.value: str(d.label) for d in DocType}
        self.identified_text = str(translation.gettext("Identified on %(date)s."))
        self.disposed_text = str(translation.gettext("Disposed on %(date)s, %(area)s m²."))

    def _count(self, base: int, minimum: int) -> int:
        return max(minimum, round(base * self.scale))

    # Generation ----------------------------------------------------------------------------------

    def _generate(self, password: str) -> None:
        self.counts = Counter()
        rng = random.Random(f"parkland-city:{self.seed}")
        self._surname = picker(list(zip(citydata.SURNAMES, citydata.SURNAME_WEIGHTS, strict=True)))
        self._given = picker(list(zip(citydata.GIVEN_CHARACTERS, citydata.GIVEN_WEIGHTS, strict=True)))
        self._parks(rng)
        self._users(password)
        self._enterprises(random.Random(f"{self.seed}:enterprises"))
        self._parcels(random.Random(f"{self.seed}:parcels"))
        with self._timed("cases planned") as box:
            self._plan_cases(random.Random(f"{self.seed}:cases"))
            box["count"] = len(self.cases)
        self._write_cases()
        self._events()
        self._documents()
        self._measures(random.Random(f"{self.seed}:measures"))
        self._leads(random.Random(f"{self.seed}:leads"))

    def _parks(self, rng: random.Random) -> None:
        self.parks = list(citydata.PARKS)
        first = self.ids.take(Park, len(self.parks))
        self.park_id = {p.code: first + i for i, p in enumerate(self.parks)}
        with self._timed("parks") as box, self._rows(Park, ["id", "code", "name", "district"]) as rows:
            for park in self.parks:
                rows.write((self.park_id[park.code], park.code, park.name, park.district))
            box["count"] = rows.count
        fields = [
            "id",
            "park",
            "min_plot_ratio",
            "min_investment_per_mu_wan",
            "min_output_per_mu_wan",
            "min_tax_per_mu_wan",
        ]
        first = self.ids.take(LowEfficiencyThreshold, len(self.parks))
        with self._rows(LowEfficiencyThreshold, fields) as rows:
            for i, park in enumerate(self.parks):
                rows.write(
                    (
                        first + i,
                        self.park_id[park.code],
                        money(rng.choice((0.8, 1.0, 1.2))),
                        money(rng.choice((200, 250, 300))),
                        money(rng.choice((350, 400, 500))),
                        money(rng.choice((15, 20, 25))),
                    )
                )
        years = range(2020, 2025)
        first = self.ids.take(DisposalTarget, len(self.parks) * len(years))
        with self._rows(DisposalTarget, ["id", "park", "year", "rate_pct"]) as rows:
            for i, (park, year) in enumerate((p, y) for p in self.parks for y in years):
                rows.write(
                    (first + i, self.park_id[park.code], year, Decimal(rng.randint(500, 650)).scaleb(-1))
                )

    def _users(self, password: str) -> None:
        User = get_user_model()
        salt = hashlib.sha256(f"parkland-city-{self.seed}".encode()).hexdigest()[:22]
        # One hash for every generated user: hashing each at full strength would take half a minute.
        hashed = make_password(password, salt=salt)
        joined = at(START, 0)
        people = random.Random(f"{self.seed}:people")
        accounts = [(SUPERUSER, True, True, None, None)]
        for park in self.parks:
            for who, role, staff in STAFF:
                accounts.append((f"{park.code.lower()}-{who}", False, staff, park.code, role))
        first = self.ids.take(User, len(accounts))
        self.user_id = {}
        fields = [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ]
        with self._timed("users") as box, self._rows(User, fields) as rows:
            for i, (username, superuser, staff, _park, _role) in enumerate(accounts):
                self.user_id[username] = first + i
                surname, given = self._person(people)
                rows.write(
                    (
                        first + i,
                        hashed,
                        superuser,
                        username,
                        given,
                        surname,
                        f"{username}@city.invalid",
                        staff,
                        True,
                        joined,
                    )
                )
            box["count"] = rows.count
        memberships = [(username, park, role) for username, _su, _st, park, role in accounts if park]
        first = self.ids.take(Membership, len(memberships))
        with self._rows(Membership, ["id", "user", "park", "role"]) as rows:
            for i, (username, park, role) in enumerate(memberships):
                rows.write((first + i, self.user_id[username], self.park_id[park], role))
        self.officers = {
            p.code: [self.user_id[f"{p.code.lower()}-officer{n}"] for n in (1, 2, 3)] for p in self.parks
        }
        self.supervisor = {p.code: self.user_id[f"{p.code.lower()}-supervisor"] for p in self.parks}
        self.counts["users"] = len(accounts)

    def _person(self, rng: random.Random) -> tuple[str, str]:
        surname = self._surname(rng)
        given = self._given(rng) + (self._given(rng) if rng.random() < 0.75 else "")
        return surname, given

    # Enterprises and parcels ---------------------------------------------------------------------

    def _enterprises(self, rng: random.Random) -> None:
        place = picker(citydata.PLACES)
        industry = picker(citydata.INDUSTRIES)
        suffix = picker(citydata.SUFFIXES)
        stem = picker(list(zip(citydata.STEM_CHARACTERS, citydata.STEM_WEIGHTS, strict=True)))
        total = self._count(ENTERPRISES, len(self.parks))
        per_park = share_out(total, [p.weight for p in self.parks], minimum=1)
        first = self.ids.take(Enterprise, total)
        names: set[str] = set()
        codes: set[str] = set()
        self.enterprises_of: dict[str, list[int]] = {}
        self.enterprise_name: dict[int, str] = {}  # what the cases' search columns hold
        fields = ["id", "park", "name", "credit_code", "contact_person", "contact_phone", "address"]
        next_id = first
        with self._timed("enterprises") as box, self._rows(Enterprise, fields) as rows:
            for park, count in zip(self.parks, per_park, strict=True):
                ids = self.enterprises_of[park.code] = []
                for _ in range(count):
                    while True:
                        trade = stem(rng) + stem(rng)
                        if rng.random() < 0.08:
                            trade += stem(rng)
                        if len(set(trade)) < len(trade):
                            continue
                        where = place(rng)
                        kind = industry(rng)
                        name = (
                            f"{where}{trade}{kind}{suffix(rng)}"
                            if where
                            else f"{trade}{kind}（珠海）有限公司"
                        )
                        if name not in names:
                            names.add(name)
                            break
                    credit = ""
                    if rng.random() < 0.97:
                        while not credit or credit in codes:
                            if rng.random() < 0.7:
                                body = "MA" + "".join(rng.choice(CODE_ALPHABET) for _ in range(7))
                            else:
                                body = "".join(rng.choice("0123456789") for _ in range(9))
                            first17 = f"91{park.county}{body}"
                            credit = first17 + credit_code_check_character(first17)
                        codes.add(credit)
                    surname, given = self._person(rng)
                    road = f"{park.road}{rng.choice(citydata.ROAD_NUMBERS)}{rng.choice(citydata.ROAD_KINDS)}"
                    rows.write(
                        (
                            next_id,
                            self.park_id[park.code],
                            name,
                            credit,
                            surname + given,
                            f"0756-{rng.randint(2000000, 8999999)}",
                            f"{park.address}{road}{rng.randint(1, 199)}号",
                        )
                    )
                    ids.append(next_id)
                    self.enterprise_name[next_id] = name
                    next_id += 1
            box["count"] = rows.count
        self.counts["enterprises"] = total

    def _parcels(self, rng: random.Random) -> None:
        total = self._count(PARCELS, len(self.parks))
        per_park = share_out(total, [p.weight for p in self.parks], minimum=1)
        first = self.ids.take(LandParcel, total)
        land_use = picker(
            (("industrial", 80), ("warehouse", 10), ("new_industrial", 7), ("commercial", 2), ("other", 1))
        )
        fields = [
            "id",
            "park",
            "code",
            "cadastral_code",
            "unit_number",
            "location",
            "area_m2",
            "land_use",
            "enterprise",
            "supply_method",
            "contract_number",
            "contract_signed_on",
            "land_price_wan",
            "agreed_start_on",
            "agreed_completion_on",
            "actual_start_on",
            "required_plot_ratio",
            "actual_plot_ratio",
            "building_area_m2",
            "invested_wan",
            "annual_tax_wan",
            "annual_output_wan",
        ]
        # (id, park code, area in cents) of every parcel, in order.
        self.parcels: list[tuple[int, str, int]] = []
        # parcel id: (number, location, land user's id), for the cases' search columns.
        self.parcel_searched: dict[int, tuple[str, str, int | None]] = {}
        next_id = first
        with self._timed("parcels") as box, self._rows(LandParcel, fields) as rows:
            for park, count in zip(self.parks, per_park, strict=True):
                holders = self.enterprises_of[park.code]
                for seq in range(1, count + 1):
                    if seq <= len(holders):
                        holder = holders[seq - 1]  # every enterprise holds at least one parcel
                    elif rng.random() < 0.9:
                        holder = holders[min(len(holders) - 1, int(len(holders) * rng.random() ** 2))]
                    else:
                        holder = None
                    area_m2 = min(400_000.0, max(2_000.0, rng.lognormvariate(math.log(25_000), 0.8)))
                    area = money(area_m2)
                    signed = START - timedelta(days=rng.randint(400, 6000))
                    agreed_start = signed + timedelta(days=rng.randint(180, 365))
                    agreed_end = agreed_start + timedelta(days=rng.randint(720, 1095))
                    started = (
                        agreed_start + timedelta(days=rng.randint(-30, 700)) if rng.random() < 0.7 else None
                    )
                    required = rng.choice((1.0, 1.2, 1.5, 2.0))
                    actual = round(rng.uniform(0.1, 2.5), 2) if started else 0.0
                    invested = area_m2 / 666.67 * rng.uniform(30, 400)
                    cadastral = f"{park.county}{park.cadastral_area}GB{seq:05d}"
                    code = f"{park.code}-{seq:05d}"
                    unit = f"{cadastral}W00000000" if rng.random() < 0.6 else ""
                    location = (
                        f"{park.address}{park.road}{rng.choice(citydata.ROAD_NUMBERS)}"
                        f"{rng.choice(citydata.ROAD_KINDS)}{rng.randint(1, 299)}号"
                    )
                    self.parcel_searched[next_id] = (code, location, holder)
                    rows.write(
                        (
                            next_id,
                            self.park_id[park.code],
                            code,
                            cadastral,
                            unit,
                            location,
                            area,
                            land_use(rng),
                            holder,
                            "grant" if rng.random() < 0.9 else "allocation",
                            f"{park.county}-{signed.year}-{seq:05d}",
                            signed,
                            money(area_m2 * rng.uniform(300, 900) / 10_000),
                            agreed_start,
                            agreed_end,
                            started,
                            money(required),
                            money(actual),
                            money(area_m2 * actual),
                            money(invested) if started else None,
                            money(invested * rng.uniform(0.005, 0.05)) if started else None,
                            money(invested * rng.uniform(0.2, 2.0)) if started else None,
                        )
                    )
                    self.parcels.append((next_id, park.code, int(area * 100)))
                    next_id += 1
            box["count"] = rows.count
        self.counts["parcels"] = total

    # Cases ---------------------------------------------------------------------------------------

    def _plan_cases(self, rng: random.Random) -> None:
        """Every case's parcel, dates, status and steps, in memory; numbers in order of opening."""
        total = self._count(CASES, len(self.parks))
        with_cases = [p for p in self.parcels if rng.random() < SHARE_OF_PARCELS_WITH_CASES] or self.parcels[
            :1
        ]
        with_cases = with_cases[:total]
        weights = [rng.uniform(0.5, 2.0) for _ in with_cases]
        per_parcel = [1] * len(with_cases)
        for i in rng.choices(range(len(with_cases)), weights=weights, k=total - len(with_cases)):
            per_parcel[i] += 1
        open_final = picker(OPEN_FINAL)
        withdrawn_from = picker(WITHDRAWN_FROM)
        idle_method, inefficient_method = picker(IDLE_METHODS), picker(INEFFICIENT_METHODS)
        cause = picker((("enterprise", 60), ("government", 20), ("force_majeure", 5), ("unknown", 15)))
        plans: list[PlannedCase] = []
        for (parcel_id, park, parcel_area), count in zip(with_cases, per_parcel, strict=True):
            slot = SPAN / count
            for k in range(count):
                case = PlannedCase()
                case.parcel, case.park = parcel_id, park
                slot_start = START + timedelta(days=int(k * slot))
                slot_end = START + timedelta(days=max(int(k * slot), int((k + 1) * slot) - 1))
                is_open = k == count - 1 and rng.random() < SHARE_OF_LAST_CASES_OPEN
                if is_open:
                    earliest = max(slot_start, END - timedelta(days=900))
                    case.opened_on = earliest + timedelta(
                        days=rng.randint(0, max(0, (END - earliest).days - 10))
                    )
                    case.limit = END
                    final = open_final(rng)
                    path = list(FORWARD_PATH[: FORWARD_PATH.index(final) + 1])
                else:
                    case.opened_on = slot_start + timedelta(days=int(rng.random() * 0.35 * slot))
                    case.limit = slot_end
                    if rng.random() < SHARE_DISPOSED_OF_CLOSED:
                        path = list(FORWARD_PATH)
                    else:
                        before = withdrawn_from(rng)
                        path = [*FORWARD_PATH[: FORWARD_PATH.index(before) + 1], S.WITHDRAWN]
                self._plan_one(rng, case, path, parcel_area, idle_method, inefficient_method, cause)
                plans.append(case)
        plans.sort(key=lambda c: (c.opened_on, c.park, c.parcel))
        first = self.ids.take(DisposalCase, len(plans))
        sequence: Counter = Counter()
        for i, case in enumerate(plans):
            case.id = first + i
            key = (case.park, case.opened_on.year)
            sequence[key] += 1
            if sequence[key] > 9999:
                raise CommandError(f"More than 9,999 cases in {key}: lower --scale.")
            case.number = f"{case.park}-{case.opened_on.year}-{sequence[key]:03d}"
        self.cases = plans
        self.sequences = sequence
        self.counts["cases"] = len(plans)

    def _plan_one(self, rng, case, path, parcel_area, idle_method, inefficient_method, cause) -> None:
        """The steps of one case along `path` (back steps added now and then), with their dates."""
        steps = list(pairwise(path))
        if S.INVESTIGATING in path and rng.random() < 0.06:
            at_step = path.index(S.INVESTIGATING)
            steps[at_step:at_step] = [(S.INVESTIGATING, S.LEAD), (S.LEAD, S.INVESTIGATING)]
        if S.IMPLEMENTING in path and rng.random() < 0.04:
            at_step = path.index(S.IMPLEMENTING)
            steps[at_step:at_step] = [(S.IMPLEMENTING, S.PLANNING), (S.PLANNING, S.IMPLEMENTING)]
        span = max(1, (case.limit - case.opened_on).days)
        used = span if case.limit != END else int(span * rng.uniform(0.5, 1.0))
        offsets = sorted(rng.randint(1, max(1, used)) for _ in steps)
        dated = [
            (source, target, case.opened_on + timedelta(days=o))
            for (source, target), o in zip(steps, offsets, strict=True)
        ]
        case.steps = dated
        last = path[-1]
        case.status = last
        case.status_before_close = path[-2] if last in (S.DISPOSED, S.WITHDRAWN) else ""
        reached = path[-2] if last == S.WITHDRAWN else last
        case.category = C.IDLE if rng.random() < 0.45 else C.INEFFICIENT
        case.idle_cause = cause(rng) if case.category == C.IDLE else "unknown"
        case.area = money(parcel_area / 100 * (1.0 if rng.random() < 0.6 else rng.uniform(0.3, 1.0)))
        case.area = max(case.area, Decimal("1.00"))
        entered = {}
        for _source, target, day in dated:
            entered[target] = day  # the last entry counts: a back step and forth again
        rank = FORWARD_PATH.index(reached)
        case.identified_on = entered.get(S.IDENTIFIED) if rank >= 2 else None
        case.method = ""
        case.decision_on = None
        case.target_on = None
        if rank >= 3 and (rank >= 4 or rng.random() < 0.6):
            case.method = (idle_method if case.category == C.IDLE else inefficient_method)(rng)
        if case.method and case.method in HEARING_METHODS:
            case.idle_cause = "enterprise"
        if rank >= 4:
            first_implementing = min(day for _s, target, day in dated if target == S.IMPLEMENTING)
            case.decision_on = case.identified_on + timedelta(
                days=int((first_implementing - case.identified_on).days * rng.uniform(0.3, 1.0))
            )
        elif rank == 3 and case.method and rng.random() < 0.5:
            # Decided while planning; a withdrawn case's decision came before it was withdrawn.
            upper = case.limit if last != S.WITHDRAWN else dated[-1][2]
            case.decision_on = case.identified_on + timedelta(
                days=int((upper - case.identified_on).days * rng.uniform(0.0, 0.5))
            )
        if case.decision_on:
            case.target_on = case.decision_on + timedelta(days=rng.randint(180, 540))
        case.disposed_on = entered.get(S.DISPOSED) if last == S.DISPOSED else None
        case.disposed_area = None
        if case.disposed_on:
            share = 1.0 if rng.random() < 0.7 else rng.uniform(0.5, 1.0)
            case.disposed_area = min(case.area, max(Decimal("0.01"), money(float(case.area) * share)))
        case.litigation = "none"
        if case.decision_on and rng.random() < 0.06:
            case.litigation = "reconsideration" if rng.random() < 0.6 else "lawsuit"
        case.flags = {flag: rng.random() < share for flag, share in FLAG_SHARES}
        case.summary = rng.choice(citydata.SUMMARIES)
        case.officer = rng.choice(self.officers[case.park])
        case.replied = rng.random() < 0.7
        case.events = self._base_event_count(case)

    @staticmethod
    def _base_event_count(case) -> int:
        """The timeline entries a case must have: its steps and what its dates say happened."""
        count = len(case.steps)
        if any(target == S.INVESTIGATING for _s, target, _d in case.steps):
            count += 1 + case.replied  # the investigation notice, and the holder's reply
        if case.decision_on:
            count += 1 + (case.method in HEARING_METHODS) + (case.litigation != "none")
        if case.disposed_on and (case.method in RECOVERY_METHODS or case.method == M.IDLE_FEE):
            count += 1
        return count

    def _write_cases(self) -> None:
        fields = [
            "id",
            "number",
            "parcel",
            "category",
            "status",
            "status_before_close",
            "idle_cause",
            "case_area_m2",
            "opened_on",
            "identified_on",
            "disposal_method",
            "decision_on",
            "target_on",
            "disposed_on",
            "disposed_area_m2",
            "officer",
            "low_willingness",
            "low_willingness_note",
            "evidence_difficulty",
            "evidence_difficulty_note",
            "litigation_risk",
            "litigation_risk_note",
            "funding_gap",
            "funding_gap_note",
            "litigation",
            "summary",
            "version",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
            "search_text",
            "search_grams",
        ]
        with self._timed("cases") as box, self._rows(DisposalCase, fields) as rows:
            for case in self.cases:
                notes = []
                for flag, _share in FLAG_SHARES:
                    raised = case.flags[flag]
                    notes += [raised, citydata.PROBLEM_NOTES[flag][case.id % 3] if raised else ""]
                last_day = max([case.opened_on, *(day for _s, _t, day in case.steps)])
                code, location, holder = self.parcel_searched[case.parcel]
                searched = search_text_of(case.number, code, location, self.enterprise_name.get(holder))
                rows.write(
                    (
                        case.id,
                        case.number,
                        case.parcel,
                        case.category,
                        case.status,
                        case.status_before_close,
                        case.idle_cause,
                        case.area,
                        case.opened_on,
                        case.identified_on,
                        case.method,
                        case.decision_on,
                        case.target_on,
                        case.disposed_on,
                        case.disposed_area,
                        case.officer,
                        *notes,
                        case.litigation,
                        case.summary,
                        1 + len(case.steps),
                        case.officer,
                        case.officer,
                        at(case.opened_on, case.id),
                        at(last_day, case.id + 7),
                        searched,
                        grams_text_of(searched),
                    )
                )
            box["count"] = rows.count
        first = self.ids.take(CaseNumberSequence, len(self.sequences))
        with self._rows(CaseNumberSequence, ["id", "park", "year", "last_number"]) as rows:
            for i, ((park, year), last) in enumerate(sorted(self.sequences.items())):
                rows.write((first + i, self.park_id[park], year, last))

    # Events --------------------------------------------------------------------------------------

    def _extra_events(self) -> list[int]:
        """How many entries beyond the required ones each case gets, so the total is the target."""
        target = self._count(EVENTS, len(self.cases))
        required = sum(case.events for case in self.cases)
        rest = max(0, target - required)
        rng = random.Random(f"{self.seed}:event-shares")
        weights = []
        for case in self.cases:
            days = (max([case.opened_on, *(d for _s, _t, d in case.steps)]) - case.opened_on).days + 30
            heavy = 25 if rng.random() < 0.002 else 1  # a few long-running cases with a thick file
            weights.append(days * rng.uniform(0.3, 1.7) * heavy)
        return share_out(rest, weights)

    def _events(self) -> None:
        extras = self._extra_events()
        first = self.ids.take(CaseEvent, sum(c.events for c in self.cases) + sum(extras))
        fields = [
            "id",
            "case",
            "kind",
            "occurred_on",
            "title",
            "details",
            "due_on",
            "due_met_on",
            "actor",
            "from_status",
            "to_status",
            "override_reason",
            "created_at",
            "title_code",
            "title_params",
        ]
        extra_kind, after_decision_kind = picker(EXTRA_KINDS), picker(AFTER_DECISION_KINDS)
        titles = citydata.EVENT_TITLES
        next_id = first
        with self._timed("events") as box, self._rows(CaseEvent, fields) as rows:
            for case, extra in zip(self.cases, extras, strict=True):
                rng = random.Random(f"{self.seed}:events:{case.number}")
                supervisor = self.supervisor[case.park]
                end = max([case.opened_on, *(d for _s, _t, d in case.steps)])
                if case.status not in (S.DISPOSED, S.WITHDRAWN):
                    end = case.limit
                span = max(0, (end - case.opened_on).days)
                events = []  # (occurred_on, kind, title, details, due_on, due_met_on, actor, from, to)
                for source, target, day in case.steps:
                    details = ""
                    if target == S.IDENTIFIED and source == S.INVESTIGATING and day == case.identified_on:
                        details = self.identified_text % {"date": day.isoformat()}
                    elif target == S.DISPOSED:
                        details = self.disposed_text % {
                            "date": day.isoformat(),
                            "area": f"{case.disposed_area:,}",
                        }
                    elif (source, target) in BACK_STEPS:
                        details = "补充材料后重新提交。"
                    elif target == S.WITHDRAWN:
                        details = "经核查不属于闲置低效用地，撤销立案。"
                    title = f"{self.status_label[source]} → {self.status_label[target]}"
                    actor = supervisor if target in (S.IDENTIFIED, S.DISPOSED, S.WITHDRAWN) else case.officer
                    events.append(
                        (day, Kind.STATUS_CHANGE, title, details, None, None, actor, source, target)
                    )
                investigating = next((d for _s, t, d in case.steps if t == S.INVESTIGATING), None)
                if investigating:
                    served = min(end, investigating + timedelta(days=rng.randint(0, 10)))
                    due = served + timedelta(days=30)
                    replied = None
                    if case.replied:
                        replied = min(end, served + timedelta(days=rng.randint(3, 40)))
                        events.append(
                            (
                                replied,
                                Kind.ENTERPRISE_REPLY,
                                rng.choice(titles["enterprise_reply"]),
                                "",
                                None,
                                None,
                                case.officer,
                                "",
                                "",
                            )
                        )
                    events.append(
                        (
                            served,
                            Kind.NOTICE_SERVED,
                            titles["notice_served"][0],
                            "",
                            due,
                            replied,
                            case.officer,
                            "",
                            "",
                        )
                    )
                if case.decision_on:
                    decided = case.decision_on
                    events.append(
                        (
                            decided,
                            Kind.DECISION_ISSUED,
                            titles["decision_issued"][0],
                            "",
                            None,
                            None,
                            case.officer,
                            "",
                            "",
                        )
                    )
                    if case.method in HEARING_METHODS:
                        notified = max(case.identified_on, decided - timedelta(days=rng.randint(10, 30)))
                        events.append(
                            (
                                notified,
                                Kind.HEARING_NOTICE_SERVED,
                                titles["hearing_notice_served"][0],
                                "",
                                None,
                                None,
                                case.officer,
                                "",
                                "",
                            )
                        )
                    if case.litigation != "none":
                        kind = (
                            Kind.REVIEW_FILED if case.litigation == "reconsideration" else Kind.LAWSUIT_FILED
                        )
                        filed = min(end, decided + timedelta(days=rng.randint(10, 50)))
                        events.append(
                            (max(filed, decided), kind, titles[kind][0], "", None, None, case.officer, "", "")
                        )
                if case.disposed_on and (case.method in RECOVERY_METHODS or case.method == M.IDLE_FEE):
                    kind = Kind.PAYMENT if case.method == M.IDLE_FEE else Kind.LAND_RECOVERED
                    events.append(
                        (case.disposed_on, kind, titles[kind][0], "", None, None, case.officer, "", "")
                    )
                for _ in range(extra):
                    if case.decision_on and rng.random() < 0.15:
                        kind = after_decision_kind(rng)
                        day = case.decision_on + timedelta(
                            days=rng.randint(0, max(0, (end - case.decision_on).days))
                        )
                    else:
                        kind = extra_kind(rng)
                        day = case.opened_on + timedelta(days=rng.randint(0, span))
                    due = met = None
                    if kind == Kind.NOTICE_SERVED:
                        due = day + timedelta(days=rng.choice((15, 30)))
                        if rng.random() < 0.6:
                            met = day + timedelta(days=rng.randint(1, 40))
                            if met > end:
                                met = None
                    events.append((day, kind, rng.choice(titles[kind]), "", due, met, case.officer, "", ""))
                events.sort(key=lambda e: e[0])
                for n, (day, kind, title, details, due, met, actor, source, target) in enumerate(events):
                    code, params = self._title_code(case, kind, source, target, day)
                    rows.write(
                        (
                            next_id,
                            case.id,
                            kind,
                            day,
                            title,
                            details,
                            due,
                            met,
                            actor,
                            source,
                            target,
                            "",
                            at(day, n * 3),
                            code,
                            params,
                        )
                    )
                    next_id += 1
            box["count"] = rows.count
        self.counts["events"] = next_id - first

    @staticmethod
    def _title_code(case, kind: str, source: str, target: str, day: date) -> tuple[str, dict]:
        """A step's event keeps its code and figures, as the workflow writes them (models/wording.py)."""
        if kind != Kind.STATUS_CHANGE:
            return "", {}
        params = {"from": source, "to": target}
        if target == S.IDENTIFIED and source == S.INVESTIGATING and day == case.identified_on:
            params["identified_on"] = day.isoformat()
        elif target == S.DISPOSED:
            params |= {"disposed_on": day.isoformat(), "disposed_area_m2": str(case.disposed_area)}
        return "status_change", params

    # Evidence ------------------------------------------------------------------------------------

    def _sample_files(self, doc_types: list[str]) -> dict[str, tuple[str, int, str]]:
        """One small PDF per document type in the evidence storage: name, size and SHA-256 of each."""
        storage = evidence_storage()
        files = {}
        for doc_type in doc_types:
            content = tiny_pdf(f"Parkland city sample: {doc_type}")
            name = f"{SAMPLE_FOLDER}/{doc_type}.pdf"
            digest = hashlib.sha256(content).hexdigest()
            if storage.exists(name):
                with storage.open(name, "rb") as handle:
                    if hashlib.sha256(handle.read()).hexdigest() != digest:
                        raise CommandError(
                            f"The evidence storage holds another file at {name}; move it away first."
                        )
            else:
                saved = storage.save(name, ContentFile(content))
                if saved != name:
                    raise CommandError(f"Could not store the sample file {name} (stored as {saved}).")
            files[doc_type] = (name, len(content), digest)
        return files

    def _documents(self) -> None:
        requirements: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}
        for requirement in EvidenceRequirement.objects.using(self.alias).order_by("pk"):
            requirements.setdefault((requirement.to_status, requirement.category), []).append(
                (requirement.disposal_method, list(requirement.doc_types))
            )
        fields = [
            "id",
            "case",
            "doc_type",
            "title",
            "file",
            "original_name",
            "size",
            "content_type",
            "sha256",
            "issuing_authority",
            "document_date",
            "obtained_on",
            "uploaded_by",
            "uploaded_at",
        ]
        custody = []  # (document id, actor, at): one "uploaded" entry per document
        # Keys are taken after the rows are known: count first, in a dry pass of the same draws.
        plans = [self._case_documents(case, requirements) for case in self.cases]
        files = self._sample_files(sorted({doc_type for plan in plans for doc_type, _day, _by in plan}))
        first = self.ids.take(EvidenceDocument, sum(len(p) for p in plans))
        next_id = first
        with self._timed("evidence documents") as box, self._rows(EvidenceDocument, fields) as rows:
            for case, documents in zip(self.cases, plans, strict=True):
                for n, (doc_type, day, issuer) in enumerate(documents):
                    name, size, digest = files[doc_type]
                    uploaded = at(day, 30 + n * 5)
                    title = f"{self.doc_label[doc_type]}（{case.number}）"
                    rows.write(
                        (
                            next_id,
                            case.id,
                            doc_type,
                            title[:200],
                            name,
                            f"{self.doc_label[doc_type][:60]}.pdf",
                            size,
                            "application/pdf",
                            digest,
                            issuer,
                            day,
                            day,
                            case.officer,
                            uploaded,
                        )
                    )
                    custody.append((next_id, case.officer, uploaded))
                    next_id += 1
            box["count"] = rows.count
        self.counts["documents"] = next_id - first
        first = self.ids.take(CustodyEvent, len(custody))
        with (
            self._timed("custody log") as box,
            self._rows(CustodyEvent, ["id", "document", "action", "actor", "at", "note"]) as rows,
        ):
            for i, (document, actor, when) in enumerate(custody):
                rows.write((first + i, document, "uploaded", actor, when, ""))
            box["count"] = rows.count

    def _case_documents(self, case, requirements) -> list[tuple[str, date, str]]:
        """(document type, date, issuer) of each document on file: what each gated step passed asked
        for, and the notices and inspections behind it; one document per type, so one copy per case."""
        rng = random.Random(f"{self.seed}:documents:{case.number}")
        chosen: dict[str, tuple[date, str]] = {}
        entered = {}
        for _source, target, day in case.steps:
            entered.setdefault(target, day)
        if rng.random() < 0.6 or entered:
            chosen[D.SITE_INSPECTION] = (case.opened_on, citydata.ISSUERS[1])
        for status in GATED:
            day = entered.get(status)
            if day is None:
                continue
            for method, doc_types in requirements.get((status, case.category), []):
                if method and method != case.method:
                    continue
                if not set(doc_types) & set(chosen):
                    doc_type = doc_types[rng.randrange(len(doc_types))]
                    when = max(case.opened_on, day - timedelta(days=rng.randint(0, 20)))
                    chosen[doc_type] = (when, rng.choice(citydata.ISSUERS))
        if S.INVESTIGATING in entered and D.INVESTIGATION_NOTICE not in chosen:
            chosen[D.INVESTIGATION_NOTICE] = (entered[S.INVESTIGATING], citydata.ISSUERS[0])
            chosen[D.SERVICE_RECEIPT] = (entered[S.INVESTIGATING], citydata.ISSUERS[0])
        if case.decision_on and D.DECISION not in chosen:
            chosen[D.DECISION] = (case.decision_on, citydata.ISSUERS[0])
        if case.identified_on and D.IDENTIFICATION not in chosen:
            chosen[D.IDENTIFICATION] = (case.identified_on, citydata.ISSUERS[0])
        if case.category == C.IDLE and rng.random() < 0.5:
            chosen[D.DELIVERY_RECORD] = (case.opened_on, citydata.ISSUERS[0])
        return sorted(((t, d, i) for t, (d, i) in chosen.items()), key=lambda x: (x[1], x[0]))

    # Measures and leads --------------------------------------------------------------------------

    def _measures(self, rng: random.Random) -> None:
        kinds = list(citydata.PARTNER_NAMES)
        partners: dict[str, dict[str, list[int]]] = {}
        rows_of_partners = []
        for park in self.parks:
            partners[park.code] = {}
            for kind in kinds:
                for template in citydata.PARTNER_NAMES[kind]:
                    rows_of_partners.append((park, kind, template.format(road=park.road)))
        first = self.ids.take(Partner, len(rows_of_partners))
        with self._rows(
            Partner, ["id", "park", "name", "kind", "contact_person", "contact_phone", "notes"]
        ) as rows:
            for i, (park, kind, name) in enumerate(rows_of_partners):
                surname, given = self._person(rng)
                rows.write(
                    (
                        first + i,
                        self.park_id[park.code],
                        name,
                        kind,
                        surname + given,
                        f"0756-{rng.randint(2000000, 8999999)}",
                        "",
                    )
                )
                partners[park.code].setdefault(kind, []).append(first + i)
        method = picker((("loan", 40), ("equity_acquisition", 25), ("joint_development", 25), ("other", 10)))
        fields = [
            "id",
            "case",
            "method",
            "partner",
            "amount_wan",
            "term_months",
            "interest_rate_pct",
            "interest_subsidy_wan",
            "collateral_parcel",
            "drawn_on",
            "equity_share_pct",
            "registered_on",
            "project_name",
            "partner_share_pct",
            "holder_share_pct",
            "contract_signed_on",
            "status",
            "started_on",
            "agreed_on",
            "concluded_on",
            "abandon_reason",
            "notes",
        ]
        measures = []
        for case in self.cases:
            planning = next((d for _s, t, d in case.steps if t == S.PLANNING), None)
            if planning is None:
                continue
            share = 0.12 if case.category == C.INEFFICIENT else 0.03
            if rng.random() >= share:
                continue
            measures.append((case, planning))
        first = self.ids.take(RevitalisationMeasure, len(measures))
        with self._timed("measures") as box, self._rows(RevitalisationMeasure, fields) as rows:
            for i, (case, planning) in enumerate(measures):
                kind = method(rng)
                end = (
                    case.limit
                    if case.status not in (S.DISPOSED, S.WITHDRAWN)
                    else max(d for _s, _t, d in case.steps)
                )
                if case.status == S.DISPOSED:
                    status = "completed" if rng.random() < 0.7 else "abandoned"
                elif case.status == S.WITHDRAWN:
                    status = "abandoned"
                elif case.status == S.IMPLEMENTING:
                    status = rng.choice(("negotiating", "agreed", "agreed", "completed"))
                else:
                    status = rng.choice(("proposed", "negotiating"))
                days = max(0, (end - planning).days)
                started = (
                    planning + timedelta(days=rng.randint(0, days // 3)) if status != "proposed" else None
                )
                agreed = concluded = None
                if status in ("agreed", "completed"):
                    agreed = started + timedelta(days=rng.randint(0, max(0, (end - started).days // 2)))
                if status in ("completed", "abandoned"):
                    base = agreed or started or planning
                    concluded = base + timedelta(days=rng.randint(0, max(0, (end - base).days)))
                agreed_or_later = status in ("agreed", "completed")
                partner_kind = {
                    "loan": "bank",
                    "equity_acquisition": rng.choice(("state_owned", "fund", "private_investor")),
                    "joint_development": rng.choice(
                        ("state_owned", "government_platform", "private_investor")
                    ),
                    "other": "",
                }[kind]
                partner = rng.choice(partners[case.park][partner_kind]) if partner_kind else None
                loan = kind == "loan"
                equity = kind == "equity_acquisition"
                joint = kind == "joint_development"
                partner_share = Decimal(rng.randint(20, 70)) if joint else None
                rows.write(
                    (
                        first + i,
                        case.id,
                        kind,
                        partner,
                        money(rng.uniform(500, 20_000)) if (agreed_or_later or rng.random() < 0.5) else None,
                        rng.choice((12, 24, 36, 60, 120)) if loan and agreed_or_later else None,
                        money(rng.uniform(3.0, 6.5)) if loan and agreed_or_later else None,
                        money(rng.uniform(10, 200))
                        if loan and agreed_or_later and rng.random() < 0.5
                        else None,
                        case.parcel if loan and rng.random() < 0.5 else None,
                        concluded if loan and status == "completed" else None,
                        Decimal(rng.randint(10, 100)) if equity and agreed_or_later else None,
                        concluded if equity and status == "completed" else None,
                        f"{rng.choice(citydata.LEAD_PROJECTS)[0]}（{case.number}）" if joint else "",
                        partner_share,
                        Decimal(100) - partner_share if joint else None,
                        agreed if joint else None,
                        status,
                        started,
                        agreed,
                        concluded,
                        "合作方资金未到位，双方终止洽谈。" if status == "abandoned" else "",
                        "园区协调引入社会资本盘活。" if kind == "other" else "",
                    )
                )
            box["count"] = rows.count
        self.counts["measures"] = len(measures)

    def _leads(self, rng: random.Random) -> None:
        per_park = max(1, round(10 * min(1.0, self.scale * 10)))
        first = self.ids.take(ProjectLead, per_park * len(self.parks))
        fields = [
            "id",
            "park",
            "name",
            "investor",
            "industry",
            "area_needed_m2",
            "land_use",
            "min_plot_ratio",
            "planned_investment_wan",
            "contact",
            "status",
            "link_kind",
            "notes",
            "created_at",
        ]
        with self._rows(ProjectLead, fields) as rows:
            n = 0
            for park in self.parks:
                for k in range(per_park):
                    project, industry = citydata.LEAD_PROJECTS[(k + n) % len(citydata.LEAD_PROJECTS)]
                    surname, given = self._person(rng)
                    rows.write(
                        (
                            first + n,
                            self.park_id[park.code],
                            f"{project}{k + 1}期",
                            f"{surname}{given}投资团队",
                            industry,
                            money(rng.uniform(5_000, 80_000)),
                            "industrial",
                            money(rng.choice((1.2, 1.5, 2.0))),
                            money(rng.uniform(5_000, 100_000)),
                            f"0756-{rng.randint(2000000, 8999999)}",
                            "open",
                            "",
                            "",
                            at(date(2024, 1, 1) + timedelta(days=rng.randint(0, 360)), n),
                        )
                    )
                    n += 1

    def _defer_foreign_key_checks(self) -> bool:
        """On PostgreSQL, for a role allowed to, skip the per-row foreign-key triggers while COPY
        runs (`session_replication_role`, this transaction only); `_check_foreign_keys` then proves
        every new row's references in one anti-join per key. CHECK and UNIQUE constraints stay on."""
        if self.connection.vendor != "postgresql":
            return False
        try:
            with transaction.atomic(using=self.alias), self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            return False
        return True

    def _check_foreign_keys(self) -> int:
        quote = self.connection.ops.quote_name
        checked = 0
        with self.connection.cursor() as cursor:
            for model, first in self.ids.firsts().items():
                for field in model._meta.concrete_fields:
                    if not field.many_to_one and not field.one_to_one:
                        continue
                    target = field.target_field
                    key, column, parent_key = (
                        quote(model._meta.pk.column),
                        quote(field.column),
                        quote(target.column),
                    )
                    cursor.execute(
                        f"SELECT child.{key} FROM {quote(model._meta.db_table)} child "
                        f"LEFT JOIN {quote(target.model._meta.db_table)} parent "
                        f"ON parent.{parent_key} = child.{column} "
                        f"WHERE child.{key} >= %s AND child.{column} IS NOT NULL "
                        f"AND parent.{parent_key} IS NULL "
                        "LIMIT 1",
                        [first],
                    )
                    if row := cursor.fetchone():
                        raise CommandError(
                            f"{model._meta.label} {row[0]}: {field.name} names a row that does not exist."
                        )
                    checked += 1
        return checked

    def _reset_sequences(self) -> None:
        models = [
            Park,
            get_user_model(),
            Membership,
            LowEfficiencyThreshold,
            DisposalTarget,
            Enterprise,
            LandParcel,
            DisposalCase,
            CaseNumberSequence,
            CaseEvent,
            EvidenceDocument,
            CustodyEvent,
            Partner,
            RevitalisationMeasure,
            ProjectLead,
        ]
        statements = self.connection.ops.sequence_reset_sql(no_style(), models)
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FLAG_SHARES = (
    ("low_willingness", 0.2),
    ("evidence_difficulty", 0.12),
    ("litigation_risk", 0.06),
    ("funding_gap", 0.15),
)

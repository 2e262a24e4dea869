"""`make bench`: Parkland's pages and exports on a city's data, against references measured in the same run.

    .venv/bin/python scripts/bench.py [--seed 2024] [--scale 1.0] [--iterations 30] [--budget 30]
                                      [--export-timeout 150] [--no-wrk] [--only TEXT] [--regenerate]

1. Database: creates `parkland_bench` on the local PostgreSQL (BENCH_PG, default
   postgres://postgres@127.0.0.1:5432) if missing, migrates it, and generates the city
   (`manage.py generate_city`) unless a marker table says it holds the city of this seed and scale.
2. Latency, in this process through Django's test Client (debug off, the full middleware; settings
   `scripts/bench_settings.py`), signed in as the superuser `city-admin` (all parks) and as
   `glg-officer1` (one park), interleaved: every round visits every target once per user, for
   `--iterations` rounds or until a target has used its `--budget` seconds (at least 3 samples).
   Queries are counted with CaptureQueriesContext. Exports of 1k/4k/20k rows (superuser) run one
   request per fresh child process, with a timeout and the child's peak RSS growth in MiB.
3. References in the same rounds: a bare baseline view of the same rows (the list's own query,
   a minimal template; `scripts/bench_urls.py`), raw SQL through psycopg for the same page and
   count (the floor), the stock admin changelist, and a one-pass window-function SQL for the
   monthly report, whose figures are checked equal to the report engine's.
4. Throughput: gunicorn with the repository's gunicorn.conf.py on a free port of 127.0.0.1 against
   the bench database; `wrk -c16` for --wrk-seconds on the case list, the baseline view and the
   report; stopped after.

Prints the table and writes var/bench/latest.json.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]
BENCH_PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
BENCH_DB = os.environ.get("BENCH_DB", "parkland_bench")
os.environ["DATABASE_URL"] = f"{BENCH_PG}/{BENCH_DB}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
VAR = ROOT / "var" / "bench"
SUPERUSER, OFFICER, OFFICER_PARK = "city-admin", "glg-officer1", "GLG"
REPORT_YEAR = 2022
MARKER = "parkland_bench_marker"


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{BENCH_PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def database_exists() -> bool:
    import psycopg

    with psycopg.connect(f"{BENCH_PG}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone() is not None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def reset_peak_rss() -> None:
    """Start the peak (VmHWM) afresh: a process started by another keeps that one's peak in
    `ru_maxrss`, so the parent's size would be counted as the export's."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def peak_rss_mib() -> float:
    with open("/proc/self/status") as handle:
        line = next(line for line in handle if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


# The child: one export request, timed, with its memory -------------------------------------------


def child_export(path: str, username: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    # The same export of no rows first: the code it needs is loaded before memory is measured.
    client.get(f"{path}&opened_before=1900-01-01" if "?" in path else f"{path}?opened_before=1900-01-01")
    before = rss_mib()
    reset_peak_rss()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        # A streamed body is counted as it comes, not gathered: the export's memory, not the reader's.
        size = sum(map(len, response.streaming_content)) if response.streaming else len(response.content)
        seconds = time.perf_counter() - started
    peak = peak_rss_mib()
    print(
        json.dumps(
            {
                "status": response.status_code,
                "seconds": seconds,
                "bytes": size,
                "queries": len(queries),
                "peak_rss_growth_mib": round(max(0.0, peak - before), 1),
            }
        )
    )


# Setting up ----------------------------------------------------------------------------------------


def vacuum() -> None:
    """The bench database as autovacuum keeps a database in use: its tables vacuumed and analysed.

    A freshly generated table has no page marked all-visible until a VACUUM, so PostgreSQL cannot
    answer a count from an index alone and reads the table instead; autovacuum, on by default,
    vacuums a table after enough inserts. Where it is off (as on some development clusters), the
    bench would measure a database no deployment runs on. Quick once done: seconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def prepare(args) -> dict:
    """The bench database migrated and holding the city of this seed and scale; returns its facts."""
    if args.regenerate and database_exists():
        pg_admin(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')
    if not database_exists():
        print(f"Creating database {BENCH_DB} …", flush=True)
        pg_admin(f'CREATE DATABASE "{BENCH_DB}"')
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    VAR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    # Debug is off: pages name their static files through the manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} (seed integer, scale text, generated_at timestamptz, "
            "seconds double precision, cases integer)"
        )
        cursor.execute(f"SELECT seed, scale, generated_at, seconds, cases FROM {MARKER}")
        marker = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cases_disposalcase")
        cases = cursor.fetchone()[0]
    password_file = VAR / "password"
    if marker and marker[0] == args.seed and marker[1] == str(args.scale) and cases == marker[4]:
        print(f"Reusing {BENCH_DB}: the city of seed {args.seed}, scale {args.scale} ({cases:,} cases).")
        if not password_file.exists():
            set_password(password_file)
        return {"generated": False, "generation_seconds": marker[3], "generated_at": marker[2].isoformat()}
    if marker or cases:
        print(f"{BENCH_DB} holds other data: dropping and creating it again …", flush=True)
        connection.close()
        pg_admin(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{BENCH_DB}"')
        call_command("migrate", interactive=False, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {MARKER} (seed integer, scale text, generated_at timestamptz, "
                "seconds double precision, cases integer)"
            )
    import secrets

    password = secrets.token_urlsafe(12)
    print(f"Generating the city (seed {args.seed}, scale {args.scale}) …", flush=True)
    started = time.monotonic()
    call_command("generate_city", seed=args.seed, scale=args.scale, password=password)
    seconds = time.monotonic() - started
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM cases_disposalcase")
        cases = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {MARKER}")
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, now(), %s, %s)",
            [args.seed, str(args.scale), seconds, cases],
        )
    return {"generated": True, "generation_seconds": seconds, "generated_at": datetime.now().isoformat()}


def set_password(password_file: Path) -> None:
    import secrets

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    password = secrets.token_urlsafe(12)
    get_user_model().objects.filter(username__contains="-").update(password=make_password(password))
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)


# Targets -------------------------------------------------------------------------------------------


class Target:
    """One thing measured for one user: a page by path, or a call."""

    def __init__(self, name, user, *, path=None, call=None, export=False, group="page"):
        self.name, self.user, self.path, self.call, self.export, self.group = (
            name,
            user,
            path,
            call,
            export,
            group,
        )
        self.samples: list[float] = []
        self.queries: list[int] = []
        self.spent = 0.0
        self.done = False
        self.note = ""
        self.memory: list[float] = []
        self.statuses: set[int] = set()
        self.rows = None

    @property
    def key(self) -> str:
        return f"{self.name} [{self.user}]"

    def summary(self) -> dict:
        if not self.samples:
            return {"name": self.name, "user": self.user, "n": 0, "note": self.note}
        return {
            "name": self.name,
            "user": self.user,
            "path": self.path,
            "n": len(self.samples),
            "median_ms": round(statistics.median(self.samples) * 1000, 1),
            "p95_ms": round(percentile(self.samples, 0.95) * 1000, 1),
            "queries": max(self.queries) if self.queries else None,
            "peak_rss_growth_mib": max(self.memory) if self.memory else None,
            "rows": self.rows,
            "statuses": sorted(self.statuses),
            "note": self.note,
        }


def build_targets(args, clients) -> tuple[list[Target], dict]:
    from bench_urls import list_view
    from django.db import connection
    from django.db.models import Count
    from django.test import RequestFactory

    from cases.models import CaseEvent, DisposalCase

    CaseListView, ParcelListView, EnterpriseListView = (
        list_view(path) for path in ("/cases/", "/parcels/", "/enterprises/")
    )

    facts: dict = {}
    heavy = (
        CaseEvent.objects.filter(case__parcel__park__code=OFFICER_PARK)
        .values("case__number")
        .annotate(n=Count("id"))
        .order_by("-n", "case__number")
        .first()
    )
    facts["case_with_most_events"] = heavy
    filtered = "?status=disposed&category=idle"
    pages = [
        ("dashboard /", "/"),
        ("deadlines /deadlines/", "/deadlines/"),
        ("case list /cases/", "/cases/"),
        ("case list filtered", f"/cases/{filtered}"),
        ("case search ?q=鑫华", "/cases/?q=鑫华"),
        ("parcels /parcels/", "/parcels/"),
        ("enterprises /enterprises/", "/enterprises/"),
        ("report /reports/monthly/", f"/reports/monthly/?year={REPORT_YEAR}"),
        ("report .json", f"/reports/monthly.json?year={REPORT_YEAR}"),
        ("radar /radar/", "/radar/"),
        ("measures /measures/", "/measures/"),
        (f"case page ({heavy['n']} events)", f"/cases/{heavy['case__number']}/"),
        ("ref: baseline view filtered", f"/bench/baseline/cases/{filtered}"),
        ("ref: baseline view unfiltered", "/bench/baseline/cases/"),
    ]
    # The project's own admin changelists: for the superuser (the officers are not admin staff).
    admin_pages = [
        (
            "admin changelist filtered",
            "/admin/cases/disposalcase/?status__exact=disposed&category__exact=idle",
        ),
        ("admin changelist cases", "/admin/cases/disposalcase/"),
        ("admin changelist parcels", "/admin/cases/landparcel/"),
        ("admin changelist enterprises", "/admin/cases/enterprise/"),
    ]
    targets = []
    for user in clients:
        targets += [
            Target(name, user, path=path, group="ref" if name.startswith("ref") else "page")
            for name, path in pages
        ]
    targets += [Target(name, SUPERUSER, path=path) for name, path in admin_pages]

    # The SQL floor: the lists' own SQL (page and count) run through psycopg directly.
    import psycopg

    floor_connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    factory = RequestFactory()
    from django.contrib.auth import get_user_model

    for user in clients:
        account = get_user_model().objects.get(username=user)
        for name, view_class, query in (
            ("ref: SQL floor case list", CaseListView, ""),
            ("ref: SQL floor case list filtered", CaseListView, filtered),
            ("ref: SQL floor parcels", ParcelListView, ""),
            ("ref: SQL floor enterprises", EnterpriseListView, ""),
        ):
            request = factory.get("/" + query)
            request.user = account
            view = view_class()
            view.setup(request)
            queryset = view.get_queryset()
            page_sql, page_params = queryset[: view_class.paginate_by].query.sql_with_params()
            count_sql, count_params = queryset.order_by().query.sql_with_params()
            count_sql = f"SELECT COUNT(*) FROM ({count_sql}) AS sub"

            def run(
                page_sql=page_sql, page_params=page_params, count_sql=count_sql, count_params=count_params
            ):
                rows = floor_connection.execute(page_sql, page_params).fetchall()
                total = floor_connection.execute(count_sql, count_params).fetchone()[0]
                return len(rows), total

            targets.append(Target(name, user, call=run, group="ref"))

    # The monthly report: the engine alone, and the one-pass window SQL, checked equal.
    from cases.scoping import cases_for

    as_of = date(REPORT_YEAR, 12, 31)
    for user in clients:
        account = get_user_model().objects.get(username=user)
        scope = cases_for(account)
        park_ids = (
            None if account.is_superuser else list(scope.values_list("parcel__park_id", flat=True).distinct())
        )

        def engine(scope=scope):
            return scope.monthly_figures(year=REPORT_YEAR, as_of=as_of)

        def window(park_ids=park_ids):
            return window_figures(floor_connection, REPORT_YEAR, as_of, park_ids)

        orm_rows = [
            (
                m.month,
                m.identified_count,
                m.identified_area_m2,
                m.disposed_count,
                m.disposed_area_m2,
                m.cumulative.register_count,
                m.cumulative.register_area_m2,
                m.cumulative.disposed_count,
                m.cumulative.disposed_area_m2,
            )
            for m in engine()
        ]
        sql_rows = window()
        facts[f"window_sql_equals_engine[{user}]"] = orm_rows == sql_rows
        if orm_rows != sql_rows:
            print(f"!! window SQL and engine differ for {user}:\n{orm_rows}\n{sql_rows}")
        facts[f"report_{REPORT_YEAR}_december[{user}]"] = {
            "register_count": orm_rows[-1][5],
            "register_area_m2": str(orm_rows[-1][6]),
            "disposed_count": orm_rows[-1][7],
            "disposed_area_m2": str(orm_rows[-1][8]),
        }
        targets.append(Target("report engine monthly_figures", user, call=engine))
        targets.append(Target("ref: window SQL report figures", user, call=window, group="ref"))

    # Exports by row count: the newest N cases by opening date (superuser only).
    opened = list(DisposalCase.objects.order_by("-opened_on").values_list("opened_on", flat=True))
    for rows in (1000, 4000, 20000):
        if rows > len(opened):
            continue
        since = opened[rows - 1].isoformat()
        count = sum(1 for d in opened if d.isoformat() >= since)
        for kind, path in (
            ("CSV", f"/cases/export.csv?opened_after={since}"),
            ("XLSX", f"/cases/export.xlsx?opened_after={since}"),
            *([("ledger XLSX", f"/cases/export.ledger.xlsx?opened_after={since}")] if rows == 4000 else []),
        ):
            target = Target(
                f"export {kind} {rows // 1000}k rows", SUPERUSER, path=path, export=True, group="export"
            )
            target.rows = count
            targets.append(target)
    connection.close()
    return targets, facts


def window_figures(conn, year: int, as_of: date, park_ids) -> list[tuple]:
    """The monthly report's month table (docs/disposal-rate.md) in one pass: each case bucketed by
    the month it entered the register (0 = before the year) and the month it was disposed, then
    running sums over the months."""
    identified = "('identified', 'planning', 'implementing', 'disposed')"
    scope = "" if park_ids is None else "AND p.park_id = ANY(%(parks)s)"
    sql = f"""
        WITH scoped AS MATERIALIZED (
            SELECT c.status, c.identified_on, c.disposed_on, c.case_area_m2, c.disposed_area_m2
            FROM cases_disposalcase c JOIN cases_landparcel p ON p.id = c.parcel_id
            WHERE ((c.status IN {identified} AND c.identified_on <= %(as_of)s
                    AND (c.disposed_on IS NULL OR c.disposed_on >= %(jan1)s))
                   OR (c.status = 'disposed' AND c.disposed_on BETWEEN %(jan1)s AND %(as_of)s)) {scope}
        ),
        entered AS (
            SELECT CASE WHEN identified_on < %(jan1)s THEN 0
                        ELSE EXTRACT(MONTH FROM identified_on)::int END AS m,
                   COUNT(*) AS n, SUM(case_area_m2) AS area
            FROM scoped
            WHERE status IN {identified} AND identified_on <= %(as_of)s
              AND (disposed_on IS NULL OR disposed_on >= %(jan1)s)
            GROUP BY 1
        ),
        disposed AS (
            SELECT EXTRACT(MONTH FROM disposed_on)::int AS m, COUNT(*) AS n, SUM(disposed_area_m2) AS area
            FROM scoped WHERE status = 'disposed' AND disposed_on BETWEEN %(jan1)s AND %(as_of)s
            GROUP BY 1
        ),
        months AS (
            SELECT g.m, COALESCE(e.n, 0) AS en, COALESCE(e.area, 0) AS ea,
                   COALESCE(d.n, 0) AS dn, COALESCE(d.area, 0) AS da
            FROM generate_series(0, %(last)s) AS g(m)
            LEFT JOIN entered e ON e.m = g.m LEFT JOIN disposed d ON d.m = g.m
        )
        SELECT m, en, ea, dn, da,
               SUM(en) OVER w, SUM(ea) OVER w, SUM(dn) OVER w, SUM(da) OVER w
        FROM months WINDOW w AS (ORDER BY m ROWS UNBOUNDED PRECEDING)
        ORDER BY m
    """
    params = {"as_of": as_of, "jan1": date(year, 1, 1), "last": as_of.month, "parks": park_ids}
    cent = Decimal("0.01")
    return [
        (
            m,
            int(en),
            Decimal(ea).quantize(cent),
            int(dn),
            Decimal(da).quantize(cent),
            int(rn),
            Decimal(ra).quantize(cent),
            int(cn),
            Decimal(ca).quantize(cent),
        )
        for m, en, ea, dn, da, rn, ra, cn, ca in conn.execute(sql, params).fetchall()
        if m > 0
    ]


# Measuring -----------------------------------------------------------------------------------------


def measure_once(target: Target, clients, args) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # The capture keeps Django from clearing its query log between requests: cleared here, so
    # the log never reaches its 9,000-entry limit, past which nothing more would be counted.
    reset_queries()

    if target.export:
        command = [sys.executable, __file__, "--child-export", target.path, "--child-user", target.user]
        try:
            finished = subprocess.run(
                command, capture_output=True, text=True, timeout=args.export_timeout, cwd=ROOT, check=False
            )
        except subprocess.TimeoutExpired:
            target.note = f"timed out after {args.export_timeout} s"
            target.samples.append(float(args.export_timeout))
            target.done = True
            target.timed_out = True
            return
        try:
            result = json.loads(finished.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            target.note = (
                "failed: " + finished.stderr.strip().splitlines()[-1][:200] if finished.stderr else "failed"
            )
            target.done = True
            return
        target.samples.append(result["seconds"])
        target.queries.append(result["queries"])
        target.memory.append(result["peak_rss_growth_mib"])
        target.statuses.add(result["status"])
        target.spent += result["seconds"]
        return
    if target.call is not None:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            target.call()
            seconds = time.perf_counter() - started
        target.samples.append(seconds)
        target.queries.append(len(queries))
        target.spent += seconds
        return
    client = clients[target.user]
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(target.path)
        if response.streaming:
            b"".join(response.streaming_content)
        seconds = time.perf_counter() - started
    target.statuses.add(response.status_code)
    target.samples.append(seconds)
    target.queries.append(len(queries))
    target.spent += seconds


def run_rounds(targets: list[Target], clients, args) -> None:
    started = time.monotonic()
    for round_number in range(1, args.iterations + 1):
        active = [t for t in targets if not t.done]
        if not active:
            break
        for target in active:
            measure_once(target, clients, args)
            enough = len(target.samples) >= args.iterations
            spent = len(target.samples) >= 3 and target.spent >= args.budget
            if target.export:  # a slow export may stop after fewer samples
                spent = spent or target.spent >= args.budget * 3
            if enough or spent:
                target.done = True
        print(
            f"  round {round_number}: {len(active)} targets, {time.monotonic() - started:.0f} s so far",
            flush=True,
        )
        # What has been measured so far, should the run be cut short.
        (VAR / "partial.json").write_text(json.dumps([t.summary() for t in targets], ensure_ascii=False))


# Judging -------------------------------------------------------------------------------------------


def judge(targets: list[Target]) -> list[dict]:
    """Each measured row with its reference, ratio and the issue's target for it."""
    by = {(t.name, t.user): t for t in targets}

    def median(name, user):
        t = by.get((name, user))
        return statistics.median(t.samples) if t and t.samples else None

    rules = []
    for user in (SUPERUSER, OFFICER):
        floor = "ref: SQL floor case list"
        rules += [
            ("dashboard /", user, "case list /cases/", 2.0),
            ("deadlines /deadlines/", user, "case list /cases/", 2.0),
            ("case list /cases/", user, floor, 3.0),
            ("case list /cases/", user, "ref: baseline view unfiltered", None),
            ("case list /cases/", user, "admin changelist cases", 0.5),
            ("case list filtered", user, f"{floor} filtered", 3.0),
            ("case list filtered", user, "admin changelist filtered", 0.5),
            ("case list filtered", user, "ref: baseline view filtered", None),
            ("case search ?q=鑫华", user, "case list /cases/", 3.0),
            ("parcels /parcels/", user, "ref: SQL floor parcels", 3.0),
            ("parcels /parcels/", user, "admin changelist parcels", 0.5),
            ("enterprises /enterprises/", user, "ref: SQL floor enterprises", 3.0),
            ("enterprises /enterprises/", user, "admin changelist enterprises", 0.5),
            ("report /reports/monthly/", user, "ref: window SQL report figures", 3.0),
            ("report .json", user, "ref: window SQL report figures", None),
            ("report engine monthly_figures", user, "ref: window SQL report figures", 1.5),
        ]
    rows = []
    judged = set()
    for name, user, reference, limit in rules:
        t = by.get((name, user))
        if t is None or (reference, user) not in by:
            continue  # e.g. the admin, which only the superuser measures
        judged.add((name, user))
        mine, theirs = median(name, user), median(reference, user)
        ratio = mine / theirs if mine is not None and theirs else None
        rows.append(row_of(t, reference, ratio, limit))
    for t in targets:
        if (t.name, t.user) in judged:
            continue
        reference, ratio, limit = "", None, None
        if t.export and t.name.startswith("export XLSX 20k"):
            csv = by.get(("export CSV 20k rows", t.user))
            if csv and csv.samples and t.samples:
                reference, ratio, limit = (
                    "export CSV 20k rows",
                    statistics.median(t.samples) / statistics.median(csv.samples),
                    3.0,
                )
        rows.append(row_of(t, reference, ratio, limit))
    # Exports linear in rows: seconds per row at 20k against 1k.
    for kind in ("CSV", "XLSX"):
        small, large = (
            by.get((f"export {kind} 1k rows", SUPERUSER)),
            by.get((f"export {kind} 20k rows", SUPERUSER)),
        )
        if small and large and small.samples and large.samples:
            per_small = statistics.median(small.samples) / small.rows
            per_large = statistics.median(large.samples) / large.rows
            rows.append(
                {
                    "page": f"export {kind} linearity (s/row 20k ÷ 1k)",
                    "user": SUPERUSER,
                    "median_ms": None,
                    "p95_ms": None,
                    "queries": None,
                    "reference": f"export {kind} 1k rows",
                    "ratio": round(per_large / per_small, 2),
                    "target": "≤ 1.5×",
                    "pass": per_large / per_small <= 1.5 and not getattr(large, "timed_out", False),
                    "n": None,
                    "note": "lower bound: 20k timed out" if getattr(large, "timed_out", False) else "",
                }
            )
    return rows


def row_of(t: Target, reference: str, ratio, limit) -> dict:
    s = t.summary()
    ok_status = all(code == 200 for code in t.statuses) if t.statuses else True
    checks = []
    target_text = []
    if limit is not None:
        target_text.append(f"≤ {limit}×")
        checks.append(ratio is not None and ratio <= limit)
    if t.group == "page" and not t.name.startswith("report engine"):
        bound = 8 if t.name.startswith("admin") else 12
        target_text.append(f"≤ {bound} q")
        checks.append(s.get("queries") is not None and s["queries"] <= bound)
    if getattr(t, "timed_out", False):
        checks.append(False)
    return {
        "page": t.name,
        "user": t.user,
        "n": s.get("n"),
        "median_ms": s.get("median_ms"),
        "p95_ms": s.get("p95_ms"),
        "queries": s.get("queries"),
        "peak_rss_growth_mib": s.get("peak_rss_growth_mib"),
        "rows": s.get("rows"),
        "reference": reference,
        "ratio": round(ratio, 2) if ratio is not None else None,
        "target": ", ".join(target_text),
        "pass": (all(checks) and ok_status) if checks else (None if ok_status else False),
        "note": "; ".join(
            filter(None, [s.get("note", ""), "" if ok_status else f"HTTP {sorted(t.statuses)}"])
        ),
    }


def print_table(rows: list[dict], out) -> None:
    def cell(value, unit=""):
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:,.1f}{unit}"
        return f"{value}{unit}"

    header = "| page | user | median ms | p95 ms | queries | reference | ratio | target | pass |"
    out.write(header + "\n| --- | --- | ---: | ---: | ---: | --- | ---: | --- | --- |\n")
    for r in rows:
        extra = []
        if r.get("rows"):
            extra.append(f"{r['rows']:,} rows")
        if r.get("peak_rss_growth_mib") is not None:
            extra.append(f"peak +{r['peak_rss_growth_mib']:.0f} MiB")
        if r.get("note"):
            extra.append(r["note"])
        if r.get("n"):
            extra.append(f"n={r['n']}")
        page = r["page"] + (f" ({'; '.join(extra)})" if extra else "")
        verdict = {True: "pass", False: "**fail**", None: ""}[r["pass"]]
        ratio = f"{r['ratio']}×" if r["ratio"] is not None else "—"
        out.write(
            f"| {page} | {'all parks' if r['user'] == SUPERUSER else 'one park'} | {cell(r['median_ms'])} | "
            f"{cell(r['p95_ms'])} | {cell(r['queries'])} | {r['reference'] or '—'} | {ratio} | "
            f"{r['target'] or '—'} | {verdict} |\n"
        )


# Throughput ----------------------------------------------------------------------------------------


def code_version() -> str:
    """The commit measured: git's HEAD (with "+changes" when the work tree differs), or a COMMIT file."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True
        )
        if head.returncode == 0:
            return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except OSError:
        pass
    marker = ROOT / "COMMIT"
    return marker.read_text().strip() if marker.exists() else "unknown"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throughput(args, session_cookie: str, paths: list[tuple[str, str]]) -> list[dict]:
    wrk = shutil.which("wrk")
    if not wrk and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (Debian package) …", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, check=False)
        wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (apt-get install wrk): throughput skipped.")
        return []
    port = free_port()
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'scripts'}:{ROOT}")
    # The configuration the README recommends (gunicorn.conf.py), on a free local port.
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(VAR / "gunicorn.log", "w"),  # noqa: SIM115
    )
    results = []
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or gunicorn.poll() is not None:
                    raise RuntimeError("gunicorn did not start; see var/bench/gunicorn.log") from None
                time.sleep(0.5)
        for name, path in paths:
            url = f"http://127.0.0.1:{port}{path}"
            # Warm-up, not counted: every worker imports and compiles what the page needs.
            subprocess.run(
                [wrk, "-t2", "-c16", "-d4s", "--timeout", "60s", "-H", f"Cookie: {session_cookie}", url],
                capture_output=True,
                timeout=180,
                check=False,
            )
            finished = subprocess.run(
                [
                    wrk,
                    "-t2",
                    "-c16",
                    f"-d{args.wrk_seconds}s",
                    "--timeout",
                    "60s",
                    "-H",
                    f"Cookie: {session_cookie}",
                    url,
                ],
                capture_output=True,
                text=True,
                timeout=args.wrk_seconds + 120,
                check=False,
            )
            text = finished.stdout
            rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
            errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
            requests = re.search(r"(\d+) requests in", text)
            results.append(
                {
                    "name": name,
                    "path": path,
                    "requests_per_s": float(rate.group(1)) if rate else None,
                    "requests": int(requests.group(1)) if requests else None,
                    "non_2xx": int(errors.group(1)) if errors else 0,
                    # 0 requests: none finished within the window (wrk counts only finished ones).
                    "note": ""
                    if requests and int(requests.group(1))
                    else "no request finished in the window",
                    "wrk_output": text,
                }
            )
            print(f"  wrk {name}: {results[-1]['requests_per_s']} req/s", flush=True)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    return results


# Main ----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds a target may use before it stops")
    parser.add_argument("--export-timeout", type=int, default=150)
    parser.add_argument("--wrk-seconds", type=int, default=12)
    parser.add_argument("--no-wrk", action="store_true")
    parser.add_argument(
        "--only", default="", help="measure only targets whose name contains this (a,b: either)"
    )
    parser.add_argument("--regenerate", action="store_true", help="drop the bench database and generate anew")
    parser.add_argument("--json", default=str(VAR / "latest.json"))
    parser.add_argument("--child-export", help=argparse.SUPPRESS)
    parser.add_argument("--child-user", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_export:
        child_export(args.child_export, args.child_user)
        return

    started = time.monotonic()
    database = prepare(args)
    vacuum()
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = {}
    for username in (SUPERUSER, OFFICER):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        clients[username] = client
    targets, facts = build_targets(args, clients)
    if args.only:
        wanted = [part for part in args.only.split(",") if part]
        targets = [t for t in targets if any(w in t.name for w in wanted) or t.name.startswith("ref")]
    for client in clients.values():  # warm-up: templates compiled, caches filled
        client.get("/cases/")
    print(f"Measuring {len(targets)} targets, interleaved, up to {args.iterations} rounds …", flush=True)
    run_rounds(targets, clients, args)
    rows = judge(targets)
    wrk_results = []
    if not args.no_wrk:
        print("Throughput (gunicorn with gunicorn.conf.py, wrk -c16) …", flush=True)
        cookie = f"sessionid={clients[SUPERUSER].cookies['sessionid'].value}"
        wrk_results = throughput(
            args,
            cookie,
            [
                ("case list filtered", "/cases/?status=disposed&category=idle"),
                ("ref: baseline view filtered", "/bench/baseline/cases/?status=disposed&category=idle"),
                ("report", f"/reports/monthly/?year={REPORT_YEAR}"),
            ],
        )
        by_name = {r["name"]: r for r in wrk_results}
        lst, base, rep = (
            by_name.get(n, {}).get("requests_per_s")
            for n in ("case list filtered", "ref: baseline view filtered", "report")
        )
        if lst and base:
            by_name["case list filtered"].update(
                ratio=round(lst / base, 2), target="≥ 0.7× baseline", ok=lst / base >= 0.7
            )
        if rep is not None:
            by_name["report"].update(target="≥ 50 req/s", ok=rep >= 50)
    machine = {
        "date": date.today().isoformat(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "commit": code_version(),
    }
    result = {
        "machine": machine,
        "database": database,
        "seed": args.seed,
        "scale": args.scale,
        "iterations": args.iterations,
        "budget_s": args.budget,
        "facts": facts,
        "rows": rows,
        "throughput": wrk_results,
        "targets": [t.summary() for t in targets],
        "seconds": round(time.monotonic() - started, 1),
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print()
    print(
        f"Parkland bench {machine['date']}, {machine['cpus']} CPUs, load {machine['load_average'][0]:.1f}; "
        f"seed {args.seed}, scale {args.scale}; generation {database['generation_seconds']:.0f} s"
    )
    print_table(rows, sys.stdout)
    if wrk_results:
        print("\n| throughput (gunicorn.conf.py, wrk -c16) | req/s | non-2xx | ratio | target | pass |")
        print("| --- | ---: | ---: | ---: | --- | --- |")
        for r in wrk_results:
            verdict = {True: "pass", False: "**fail**"}.get(r.get("ok"), "")
            ratio = f"{r['ratio']}×" if r.get("ratio") else "—"
            target = r.get("target", "—")
            label = r["name"] + (f" ({r['note']})" if r.get("note") else "")
            print(f"| {label} | {r['requests_per_s']} | {r['non_2xx']} | {ratio} | {target} | {verdict} |")
    for key, value in facts.items():
        if key.startswith("window_sql_equals_engine"):
            print(f"{key}: {value}")
    print(f"\nWritten {args.json} ({result['seconds']:.0f} s in all).")


if __name__ == "__main__":
    main()

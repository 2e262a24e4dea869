"""Time the per-mu evaluation of a generated park of 5,000 enterprises against the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parkland_evalbench \
        .venv/bin/python scripts/benchmark_evaluation.py [--enterprises N] [--years Y] [--keep]

Creates a benchmark park (`EVBENCH`) with N enterprises, each on its own parcel (one in ten with a
tenant beside it, one in five below designated size), and Y years of figures; then times the
evaluation of the last year (read, score, store the run and its results) under the default scheme,
with a three-year average, and the results page's aggregates. Everything is rolled back at the end
unless --keep is given. The database must be migrated.
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkland.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "parkland-benchmark-only-not-a-secret")

import django

django.setup()

from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.models import Enterprise, LandParcel, Park  # noqa: E402
from evaluation import publishing  # noqa: E402
from evaluation.chart import distribution  # noqa: E402
from evaluation.defaults import create_default_scheme  # noqa: E402
from evaluation.models import EvaluationRun, YearFigures  # noqa: E402
from evaluation.scoring import evaluate  # noqa: E402

LAST_YEAR = 2025


class Rollback(Exception):
    pass


def build(count: int, years: int) -> Park:
    park = Park.objects.create(code="EVBENCH", name="亩均评价基准园区")
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(park=park, name=f"基准企业{index:05d}") for index in range(count + count // 10)
    )
    parcels = LandParcel.objects.bulk_create(
        LandParcel(
            park=park, code=f"EV-{index:05d}", location="基准路", area_m2=Decimal(3000 + index % 40000)
        )
        for index in range(count)
    )
    rows = []
    for index, parcel in enumerate(parcels):
        scale = Decimal(1 + index % 97) / 10
        owners = [(enterprises[index], False)]
        if index % 10 == 0:
            owners.append((enterprises[count + index // 10], True))
        for enterprise, tenant in owners:
            for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
                rows.append(
                    YearFigures(
                        enterprise=enterprise,
                        parcel=parcel,
                        year=year,
                        is_tenant=tenant,
                        above_scale=not tenant and index % 5 != 0,
                        industry_code="C3982",
                        tax_wan=scale * 40,
                        value_added_wan=scale * 300,
                        output_wan=scale * 1200,
                        energy_tce=scale * 90 + 1,
                        emissions_t=None if index % 13 == 0 else scale + 1,
                        rd_wan=scale * 30,
                        revenue_wan=scale * 1150,
                        employees=10 + index % 300,
                    )
                )
    YearFigures.objects.bulk_create(rows, batch_size=5000)
    # What autovacuum does soon after a large import: without statistics the planner takes the new
    # tables for empty ones.
    with connection.cursor() as cursor:
        for table in ("cases_enterprise", "cases_landparcel", "evaluation_yearfigures"):
            cursor.execute(f"ANALYZE {table}")
    return park


def timed(label: str, function):
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        value = function()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    # The CPU time of this process beside the wall time: on a loaded machine the wall time mostly
    # measures the wait for a core.
    print(f"{label:<48} {seconds:7.2f} s  {len(queries):3d} queries  (CPU here {cpu:.2f} s)")
    return value, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    try:
        with transaction.atomic():
            park, _s = timed(
                f"build {options.enterprises} enterprises × {options.years} years",
                lambda: build(options.enterprises, options.years),
            )
            scheme = create_default_scheme(park, LAST_YEAR)
            scheme.average_years = options.years
            scheme.save()
            evaluation, compute = timed(
                "evaluate (read and score, one pass)", lambda: evaluate(park, LAST_YEAR, scheme)
            )
            run, store = timed(
                "store the run and its results", lambda: EvaluationRun.objects.record(evaluation)
            )
            print(
                f"{'evaluate and store':<48} {compute + store:7.2f} s  "
                f"({len(evaluation.subjects)} enterprises graded)"
            )
            timed(
                "results page aggregates (summary, chart)",
                lambda: (publishing.summary(run), distribution(run)),
            )
            timed("XLSX export", lambda: publishing.as_xlsx(run))
            if not options.keep:
                raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()

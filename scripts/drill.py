"""The backup and restore drill (`make drill`, docs/deploy.md#backups-and-the-restore-drill).

On the PostgreSQL server of DRILL_PG_URL (default postgres://postgres@127.0.0.1:5432): a fresh
database with the demo loaded, its monthly reports written, `manage.py backup` into a .tar, then
`manage.py restore` into a second fresh database and an empty evidence folder; the restored copy
must give byte-identical reports, the same row counts, and a clean `verify_evidence`. Exit 1 otherwise.
Both databases are dropped at the end (DRILL_KEEP=1 keeps them and var/drill/).
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SERVER = os.environ.get("DRILL_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
WORK = ROOT / "var" / "drill"
SOURCE, TARGET = "parkland_drill_source", "parkland_drill_restored"
# The reports compared: the Xinqing park's check year first (55.4 %), all parks, a later year, a category.
REPORTS = [
    ["--year", "2022", "--as-of", "2022-12-31", "--park", "XQ"],
    ["--year", "2022", "--as-of", "2022-12-31"],
    ["--year", "2023", "--as-of", "2023-12-31"],
    ["--year", "2022", "--as-of", "2022-12-31", "--park", "XQ", "--category", "idle"],
]
COUNTED = [
    "cases_disposalcase",
    "cases_caseevent",
    "cases_evidencedocument",
    "cases_custodyevent",
    "cases_landparcel",
    "cases_enterprise",
    "auth_user",
]


def environment(database: str, evidence: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "PARKLAND_EVIDENCE_ROOT": str(evidence),
        "PARKLAND_PRIVATE_ROOT": str(WORK / "private"),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "parkland-drill-only-not-a-secret"),
        "PARKLAND_STORAGE": "filesystem",
    }


def manage(env: dict, *arguments: str) -> str:
    started = time.monotonic()
    result = subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    print(f"  manage.py {' '.join(arguments)}  ({time.monotonic() - started:.1f} s)")
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit(f"drill failed: manage.py {arguments[0]} exited {result.returncode}")
    return result.stdout


def recreate(database: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')


def drop(database: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def reports(env: dict) -> list[str]:
    return [manage(env, "disposal_report", *a, "--format", "json", "--output", "-") for a in REPORTS]


def counts(database: str) -> dict:
    with psycopg.connect(f"{SERVER}/{database}") as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED}


def epoch(database: str) -> str:
    with psycopg.connect(f"{SERVER}/{database}") as db:
        return str(db.execute("SELECT epoch FROM cases_dataversion WHERE id = 1").fetchone()[0])


def main() -> int:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    source = environment(SOURCE, WORK / "source-evidence")
    target = environment(TARGET, WORK / "restored-evidence")
    print(f"1. the demo in a fresh database {SOURCE}")
    recreate(SOURCE)
    manage(source, "migrate", "--noinput")
    manage(source, "load_demo", "--password", "drill-password-1")
    before = reports(source)
    before_counts = counts(SOURCE)
    print("2. backup")
    archive = WORK / "parkland-backup.tar"
    manage(source, "backup", str(archive))
    print(f"   {archive.name}: {archive.stat().st_size / 1024:.0f} KiB")
    print(f"3. restore into a fresh database {TARGET} and an empty evidence folder")
    recreate(TARGET)
    manage(target, "restore", str(archive))
    print("4. compare")
    after = reports(target)
    after_counts = counts(TARGET)
    verify = manage(target, "verify_evidence")
    failures = []
    if before != after:
        failures.append("the monthly reports differ after the restore")
    if before_counts != after_counts:
        failures.append(f"row counts differ: {before_counts} against {after_counts}")
    if epoch(SOURCE) == epoch(TARGET):
        failures.append("the restored database kept the backup's data version: a shared cache may answer")
    if json.loads(before[0])["months"][-1]["rate_pct"] != "55.4":
        failures.append("the Xinqing park's 2022 report does not give 55.4 %")
    print(f"   reports identical: {before == after} ({', '.join(str(len(r)) + ' bytes' for r in after)})")
    print(f"   row counts: {after_counts}")
    print(f"   verify_evidence: {verify.strip().splitlines()[-1]}")
    if os.environ.get("DRILL_KEEP") != "1":
        drop(SOURCE)
        drop(TARGET)
        shutil.rmtree(WORK, ignore_errors=True)
    if failures:
        print("DRILL FAILED: " + "; ".join(failures))
        return 1
    print("Drill passed: the backup restores to the same reports, rows and evidence.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

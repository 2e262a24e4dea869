"""Backups that restore: the database as one consistent dump, the evidence files it names, and a
checksum manifest, in a folder or a .tar archive (docs/deploy.md#backups-and-the-restore-drill).

On PostgreSQL the dump is `pg_dump --format=custom` of a snapshot exported by the transaction that
also lists the evidence files, so the files are exactly those the dumped rows name (evidence is
never overwritten or deleted, so a file named then is the same file now). On SQLite (the embedded
`make run` database) it is SQLite's own online backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from .uploads import read_chunks

FORMAT = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
EVIDENCE = "evidence"

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused, with the reason for the operator."""


@dataclass
class Restored:
    files: int
    documents: int


def _digest(chunks) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _pg_environment() -> tuple[list[str], dict]:
    """libpq's connection options for pg_dump and pg_restore, the password in the environment."""
    db = settings.DATABASES["default"]
    arguments = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        arguments += ["--host", db["HOST"]]
    if db.get("PORT"):
        arguments += ["--port", str(db["PORT"])]
    if db.get("USER"):
        arguments += ["--username", db["USER"]]
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = db["PASSWORD"]
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _dump_database(folder: Path) -> list[str]:
    """The database into `folder`; returns the evidence file names the dumped rows hold."""
    if connection.vendor == "postgresql":
        arguments, environment = _pg_environment()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT file FROM cases_evidencedocument ORDER BY id")
            names = [row[0] for row in cursor.fetchall()]
            _run(
                [
                    *("pg_dump", "--format=custom", "--no-owner", "--no-privileges"),
                    *(f"--snapshot={snapshot}", "--file", str(folder / PG_DUMP), *arguments),
                ],
                environment,
            )
        return names
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_DUMP)
        try:
            connection.connection.backup(target)
            names = [row[0] for row in target.execute("SELECT file FROM cases_evidencedocument ORDER BY id")]
        finally:
            target.close()
        return names
    raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")


def backup(destination: Path, *, say: Say = lambda text: None) -> dict:
    """Write a backup to `destination`: a new folder, or an archive when it ends in .tar."""
    archive = destination.suffix == ".tar"
    if destination.exists() and (archive or any(destination.iterdir())):
        raise BackupError(f"{destination} already exists; give a new folder or archive name")
    if not destination.parent.is_dir():
        raise BackupError(f"the folder {destination.parent} does not exist")
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=destination.parent)) if archive else destination
    try:
        work.mkdir(exist_ok=True)
        names = _dump_database(work)
        dump = PG_DUMP if connection.vendor == "postgresql" else SQLITE_DUMP
        say(f"database dumped ({connection.vendor}): {dump}")
        files = _copy_evidence(names, work / EVIDENCE)
        say(f"{len(files)} evidence files copied")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connection.vendor, "file": dump, "sha256": _file_digest(work / dump)},
            "evidence": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        lines = [f"{manifest['database']['sha256']}  {dump}"]
        lines += [f"{entry['sha256']}  {EVIDENCE}/{entry['name']}" for entry in files]
        (work / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")
        if archive:
            with tarfile.open(destination, "w") as tar:
                for path in sorted(work.rglob("*")):
                    tar.add(path, arcname=path.relative_to(work).as_posix(), recursive=False)
        return manifest
    except BaseException:
        if archive:
            destination.unlink(missing_ok=True)
        else:
            shutil.rmtree(destination, ignore_errors=True)
        raise
    finally:
        if archive:
            shutil.rmtree(work, ignore_errors=True)


def _file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return _digest(read_chunks(handle))


def _copy_evidence(names: list[str], folder: Path) -> list[dict]:
    storage = storages["evidence"]
    entries = []
    for name in dict.fromkeys(names):
        target = folder / name
        if not target.resolve().is_relative_to(folder.resolve()):
            raise BackupError(f"an evidence file name leaves the folder: {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            with storage.open(name, "rb") as source, target.open("wb") as copy:
                for chunk in read_chunks(source):
                    digest.update(chunk)
                    copy.write(chunk)
        except FileNotFoundError as error:
            raise BackupError(
                f"the evidence file {name} is missing from storage (run verify_evidence); no backup written"
            ) from error
        entries.append({"name": name, "size": target.stat().st_size, "sha256": digest.hexdigest()})
    return entries


# Restore ---------------------------------------------------------------------------------------------


def restore(source: Path, *, force: bool = False, say: Say = lambda text: None) -> Restored:
    """Load a backup into this database and evidence storage, which must be empty unless `force`."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if source.is_file():
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=source.parent) as work:
            with tarfile.open(source) as tar:
                tar.extractall(work, filter="data")
            return _restore_folder(Path(work), force=force, say=say)
    return _restore_folder(source, force=force, say=say)


def _restore_folder(folder: Path, *, force: bool, say: Say) -> Restored:
    manifest = _checked_manifest(folder)
    say(f"backup of {manifest['created_at']} checked: every checksum matches")
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"this is a {vendor} backup; the configured database is {connection.vendor}")
    storage = storages["evidence"]
    if not force:
        if tables := _existing_tables():
            raise BackupError(
                f"the database is not empty ({len(tables)} tables, e.g. {tables[0]}); "
                "restore into an empty one, or give --force to replace it"
            )
        if _storage_holds_files(storage):
            raise BackupError("the evidence storage is not empty; restore into an empty one, or give --force")
    _load_database(folder / manifest["database"]["file"], force=force)
    say("database restored")
    for entry in manifest["evidence"]:
        if storage.exists(entry["name"]):
            storage.delete(entry["name"])
        with (folder / EVIDENCE / entry["name"]).open("rb") as handle:
            saved = storage.save(entry["name"], File(handle))
        if saved != entry["name"]:
            raise BackupError(f"the storage renamed {entry['name']} to {saved}")
    say(f"{len(manifest['evidence'])} evidence files restored")
    from .models import DataVersion, EvidenceDocument

    # The backup's data version may be one a shared cache already holds figures of other data for.
    DataVersion.objects.begin_epoch()
    connection.close()

    return Restored(files=len(manifest["evidence"]), documents=EvidenceDocument.objects.count())


def _checked_manifest(folder: Path) -> dict:
    """The manifest, once every file it lists has its size and checksum; else BackupError."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: not a Parkland backup") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    expected = [(manifest["database"]["file"], manifest["database"]["sha256"])]
    expected += [(f"{EVIDENCE}/{e['name']}", e["sha256"]) for e in manifest["evidence"]]
    for relative, sha256 in expected:
        path = folder / relative
        if not path.resolve().is_relative_to(folder.resolve()):
            raise BackupError(f"the manifest names a file outside the backup: {relative}")
        if not path.is_file():
            raise BackupError(f"the backup lacks {relative}")
        if _file_digest(path) != sha256:
            raise BackupError(f"{relative} does not match its checksum: the backup is damaged")
    return manifest


def _existing_tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _storage_holds_files(storage) -> bool:
    try:
        directories, files = storage.listdir("")
    except FileNotFoundError:
        return False
    return bool(directories or [name for name in files if not name.startswith(".")])


def _load_database(dump: Path, *, force: bool) -> None:
    connection.close()
    if connection.vendor == "postgresql":
        arguments, environment = _pg_environment()
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            [
                *("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"),
                *clean,
                *arguments,
                str(dump),
            ],
            environment,
        )
        return
    source = sqlite3.connect(dump)
    target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()

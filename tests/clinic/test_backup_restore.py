"""The backup procedure of docs/operations.md, proven: a custom-format pg_dump
of the database restored into a fresh one holds every row of every table."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.reminders.reminder_helpers import reminder_patient

pytestmark = pytest.mark.slow


def _conninfo(name: str) -> dict:
    s = connection.settings_dict
    return {
        "host": s.get("HOST") or "127.0.0.1",
        "port": str(s.get("PORT") or 5432),
        "user": s["USER"],
        "password": s.get("PASSWORD") or None,
        "dbname": name,
    }


def _row_counts(info: dict) -> dict[str, int]:
    with psycopg.connect(**info, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608 (catalog names)
            for t in tables
        }


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL client tools missing")
def test_a_dump_restored_into_a_fresh_database_has_every_row(transactional_db, clinic, clinician):
    from datetime import date

    for _ in range(3):
        reminder_patient(clinic, clinician, start_on=date(2026, 6, 1))
    source = _conninfo(connection.settings_dict["NAME"])
    target = _conninfo(f"restore_{uuid.uuid4().hex[:12]}")
    env = {"PGPASSWORD": source["password"] or ""}
    args = ["-h", source["host"], "-p", source["port"], "-U", source["user"]]
    folder = Path(tempfile.mkdtemp(prefix="clinic-dump-"))
    dump = folder / "clinic.dump"
    try:
        subprocess.run(
            ["pg_dump", *args, "--format=custom", "--no-owner", f"--file={dump}", source["dbname"]],
            check=True,
            env={**env, "PATH": "/usr/bin:/bin"},
        )
        subprocess.run(
            ["createdb", *args, target["dbname"]], check=True, env={**env, "PATH": "/usr/bin:/bin"}
        )
        subprocess.run(
            ["pg_restore", *args, "--no-owner", f"--dbname={target['dbname']}", str(dump)],
            check=True,
            env={**env, "PATH": "/usr/bin:/bin"},
        )
        before, after = _row_counts(source), _row_counts(target)
        assert after == before
        assert before["patients_patient"] == 3 and before["programmes_reminderpreference"] == 3
    finally:
        subprocess.run(
            ["dropdb", *args, "--if-exists", target["dbname"]],
            env={**env, "PATH": "/usr/bin:/bin"},
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)

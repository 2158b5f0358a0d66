"""The ordered list of generator steps, one per table, and the run over them."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection

from devtools.loaddata import activity as a
from devtools.loaddata import people as p
from devtools.loaddata.base import (
    LoadContext,
    StepReport,
    _add_foreign_keys,
    _add_indexes,
    _drop_foreign_keys,
    _drop_indexes,
)

Step = Callable[[LoadContext], int]


def steps() -> list[tuple[str, Step]]:
    # The ordered list of tables: (label, step). Add a table with one line here.
    return [
        ("clinics", p.clinics),
        ("staff users", p.staff_users),
        ("staff members", p.staff_members),
        ("staff clinic links", p.staff_clinic_links),
        ("patients", p.patients),
        ("patient history", p.patient_history),
        ("record numbers issued", p.clinic_record_counters),
        ("portal users", p.portal_users),
        ("assessments", p.assessments),
        ("outcome responses", p.outcome_responses),
        ("treatment plans", a.treatment_plans),
        ("programme versions", a.programme_versions),
        ("prescriptions", a.prescriptions),
        ("session logs", a.session_logs),
        ("adherence snapshots", a.adherence_snapshots),
        ("reminder preferences", a.reminder_preferences),
        ("reminder occurrences", a.reminder_occurrences),
        ("alerts", a.alerts),
        ("audit events", a.audit_events),
    ]


def generate(ctx: LoadContext, *, analyze: bool = True, progress=None) -> list[StepReport]:
    """Run every step in order on the default database (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("generate_load_data needs PostgreSQL.")
    reports = []
    with connection.cursor() as cursor:
        ctx.cursor = cursor
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        keys = _drop_foreign_keys(cursor)
        indexes = _drop_indexes(cursor)
        for label, step in steps():
            started = time.perf_counter()
            rows = step(ctx)
            report = StepReport(label, rows, time.perf_counter() - started)
            reports.append(report)
            if progress:
                progress(report)
        for label, rebuild, items in (
            ("indexes built", _add_indexes, indexes),
            ("foreign keys checked", _add_foreign_keys, keys),
        ):
            started = time.perf_counter()
            rebuild(cursor, items)
            reports.append(StepReport(label, len(items), time.perf_counter() - started))
            if progress:
                progress(reports[-1])
        if analyze:
            cursor.execute("ANALYZE")
    return reports


# Indexes and foreign keys are dropped for the load and made again at the end,
# in the same transaction (as pg_restore does): building an index once is
# several times faster than keeping it up to date row by row (random UUID keys
# above all), and adding a foreign key checks every row in a single join, where
# a deferred key fires a trigger per inserted row at commit. Primary keys stay:
# the steps join on them. Unique indexes come back as they were, so a duplicate
# made by a step still fails the load.
#
# Tables that a later step UPDATEs keep their indexes: with none, every update
# is a HOT update, and an index built over such "broken HOT chains" is not used
# by the transaction that built it (pg_index.indcheckxmin), which is where the
# EXPLAIN test reads the data.

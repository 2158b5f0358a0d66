"""Synthetic data at clinic-chain scale for the benchmark (issue 8).

Each table is filled by one small step function, in the order of
``devtools.loaddata.generate.steps``;
a step takes the ``LoadContext`` and returns how many rows it wrote. To add a
table, write a step in ``tables`` and add one
entry to ``steps()`` after the tables it reads.

The rows are made inside PostgreSQL (``INSERT ... SELECT`` over
``generate_series`` and the rows of earlier steps): no row travels through
Python, which is what makes millions of rows a matter of minutes on two cores.
Every "random" choice is a hash of the seed and the row's key
(``LoadContext.rnd``), so the same seed gives the same ids, names and numbers
on every run, whatever the planner does (``random()`` would not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone


@dataclass
class LoadContext:
    """What a step needs: the sizes, the seed and the cursor."""

    active_patients: int
    seed: int = 1
    clinics: int = 0  # 0: one clinic per 500 active patients (200 for 100,000)
    records_per_active: float = 5.0  # all records / active ones (500,000 for 100,000)
    log_days: int = 90
    today: date = field(default_factory=timezone.localdate)
    cursor: CursorWrapper | None = None  # set by generate() for the run

    def __post_init__(self):
        if self.clinics <= 0:
            self.clinics = max(1, round(self.active_patients / 500))
        self.total_patients = max(
            self.active_patients, round(self.active_patients * self.records_per_active)
        )

    # --- deterministic "randomness" in SQL -------------------------------
    # A key is a tag and SQL expressions, e.g. ("dob", "p.id"): the value is a
    # hash of the seed and "dob:<p.id>", so it is the same on every run.
    def _key(self, tag: str, parts) -> str:
        return " || ':' || ".join([f"'{int(self.seed)}:{tag}'", *(f"({p})" for p in parts)])

    def rnd(self, tag: str, *parts: str) -> str:
        """A SQL expression: a number in [0, 1) fixed by the seed and the key."""
        return (
            f"(('x' || substr(md5({self._key(tag, parts)}), 1, 8))::bit(32)::bigint / 4294967296.0)"
        )

    def pick(self, tag: str, *parts, n: int | None = None) -> str:
        """A SQL expression: an integer in [0, n); ``n`` is the last argument."""
        if n is None:
            parts, n = parts[:-1], parts[-1]
        return f"floor({self.rnd(tag, *parts)} * {int(n)})::int"

    def uuid(self, tag: str, *parts: str) -> str:
        """A SQL expression: a UUID fixed by the seed and the key."""
        return f"md5('uuid:' || {self._key(tag, parts)})::uuid"

    def execute(self, sql: str, params=None) -> int:
        assert self.cursor is not None, "LoadContext.cursor is set before any step runs"
        self.cursor.execute(sql, params or None)
        return max(self.cursor.rowcount, 0)


def insert_select(ctx: LoadContext, model, values: dict[str, str], from_sql: str, params=()) -> int:
    """``INSERT INTO <model's table> SELECT ...``: ``values`` maps field names
    (or attnames, e.g. ``patient_id``) to SQL expressions; every other column
    gets the field's Python default (as a typed literal), ``now()`` for
    auto_now fields, or NULL. A non-null field without a default must be given.
    Do not use ``%`` in the SQL (use ``mod()``): parameters are interpolated."""
    columns, exprs, defaults = [], [], []
    given = dict(values)
    for f in model._meta.concrete_fields:
        expr = given.pop(f.name, None) or given.pop(f.attname, None)
        if expr is None:
            if f.primary_key and isinstance(f, AutoFieldMixin):
                continue  # the sequence numbers it
            if f.has_default() or (f.empty_strings_allowed and not f.null):
                expr = f"%s::{f.cast_db_type(connection)}"
                defaults.append(f.get_db_prep_save(f.get_default(), connection))
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                expr = "now()"
            elif f.null:
                continue
            else:
                raise ValueError(f"{model.__name__}.{f.name} needs a value")
        columns.append(connection.ops.quote_name(f.column))
        exprs.append(expr)
    if given:
        raise ValueError(f"{model.__name__} has no fields {sorted(given)}")
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {from_sql}"
    rows = ctx.execute(sql, [*defaults, *params])
    # Later steps read this table: without statistics the planner takes it for
    # empty and picks nested loops over millions of rows.
    ctx.execute(f"ANALYZE {table}")
    return rows


@dataclass
class StepReport:
    label: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


UPDATED_AFTER_INSERT = ("patients_patient", "clinic_clinic")
_INDEXES_SQL = """
SELECT t.oid::regclass::text, c.conname, pg_get_constraintdef(c.oid),
       i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('u', 'x')
WHERE n.nspname = current_schema() AND NOT i.indisprimary AND t.relname <> ALL(%s)
ORDER BY 1, 4
"""


def _drop_indexes(cursor) -> list[tuple]:
    cursor.execute(_INDEXES_SQL, [list(UPDATED_AFTER_INSERT)])
    indexes = cursor.fetchall()
    for table, constraint, _cdef, index, _idef in indexes:
        if constraint:
            quoted = connection.ops.quote_name(constraint)
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quoted}")
        else:
            cursor.execute(f"DROP INDEX {index}")
    return indexes


def _add_indexes(cursor, indexes) -> None:
    for table, constraint, constraint_def, _index, index_def in indexes:
        if constraint:
            quoted = connection.ops.quote_name(constraint)
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {constraint_def}")
        else:
            cursor.execute(index_def)


_FOREIGN_KEYS_SQL = """
SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE c.contype = 'f' AND n.nspname = current_schema()
ORDER BY 1, 2
"""


def _drop_foreign_keys(cursor) -> list[tuple[str, str, str]]:
    cursor.execute(_FOREIGN_KEYS_SQL)
    keys = cursor.fetchall()
    for table, name, _definition in keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return keys


def _add_foreign_keys(cursor, keys) -> None:
    for table, name, definition in keys:
        cursor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        )

"""Pagination without COUNT(*), for tables that only grow (audit, logs).

``SeekPage`` fetches one row more than the page to know whether a next page
exists; ``EstimatedCountPaginator`` (the admin's) estimates big unfiltered lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property


@dataclass
class SeekPage:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @classmethod
    def from_request(cls, request, queryset: QuerySet, size: int) -> SeekPage:
        try:
            number = max(1, min(int(request.GET.get("page", 1)), 10_000))
        except ValueError:
            number = 1
        start = (number - 1) * size
        rows = list(queryset[start : start + size + 1])
        return cls(rows=rows[:size], number=number, has_next=len(rows) > size)


# Tables whose unfiltered admin changelist shows PostgreSQL's row estimate
# instead of COUNT(*): they grow without bound (issue 8).
ESTIMATED_COUNT_TABLES = frozenset(
    {"clinic_auditevent", "patients_patient", "programmes_sessionlog"}
)
# Below this estimate an exact count is cheap enough and looks better.
ESTIMATE_ABOVE_ROWS = 50_000


def estimated_row_count(table: str) -> int | None:
    """PostgreSQL's planner estimate of the rows in ``table`` (pg_class.reltuples,
    kept up to date by autovacuum/ANALYZE); None elsewhere or before any ANALYZE."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:
        return None
    return int(row[0])


class EstimatedCountPaginator(Paginator):
    """The admin's paginator: an unfiltered changelist of a big, growing table
    shows the planner's estimate (one catalogue lookup) instead of a COUNT(*)
    over millions of rows; a filtered or scoped list (a clinic admin's, a
    search) is counted exactly, which its indexes keep cheap."""

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if (
            isinstance(object_list, QuerySet)
            and not object_list.query.where
            and not object_list.query.distinct
        ):
            table = object_list.model._meta.db_table
            if table in ESTIMATED_COUNT_TABLES:
                estimate = estimated_row_count(table)
                if estimate is not None and estimate > ESTIMATE_ABOVE_ROWS:
                    return estimate
        return super().count

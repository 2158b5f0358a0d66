"""Pagination without COUNT(*), for tables that only grow (audit, logs).

It fetches one row more than the page to know whether a next page exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet


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

"""Reminder instants from a patient's local times: pure functions, no ORM.

Local wall-clock times are turned into UTC instants with ``zoneinfo``:

- a local time that does not exist (spring forward) moves to the first valid
  instant after the gap (e.g. 01:30 on the London spring-forward day -> 02:00 BST);
- an ambiguous local time (fall back) uses its first occurrence (fold=0);
- each (local date, slot) yields at most one instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_GAP_MINUTES = 180  # no zone has a longer spring-forward gap


@dataclass(frozen=True, order=True)
class PlannedInstant:
    due_at: datetime  # aware, UTC
    local_date: date
    slot: str  # "HH:MM", the patient's chosen local time


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time on a local date (rules above)."""
    naive = datetime.combine(day, at.replace(tzinfo=None, second=0, microsecond=0))
    if not _exists(naive, zone):
        # In a gap: walk forward minute by minute to the first wall time that exists.
        for _ in range(MAX_GAP_MINUTES):
            naive += timedelta(minutes=1)
            if _exists(naive, zone):
                break
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def parse_slot(value: str) -> time:
    """A chosen reminder time, "HH:MM"."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(at: time, quiet_start: time | None, quiet_end: time | None) -> bool:
    """Quiet hours may cross midnight (22:00-07:00). Equal start and end: none."""
    if quiet_start is None or quiet_end is None or quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:
        return quiet_start <= at < quiet_end
    return at >= quiet_start or at < quiet_end


def slot_name(at: time) -> str:
    return at.strftime("%H:%M")


def planned_instants(
    *,
    zone_name: str,
    local_times: Iterable[time],
    weekdays: Iterable[int],
    window_start: datetime,
    window_end: datetime,
    first_day: date | None = None,
    last_day: date | None = None,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
) -> Iterator[PlannedInstant]:
    """Reminder instants due in ``[window_start, window_end)`` (aware datetimes).

    ``weekdays`` are ISO-less Python weekdays (Monday 0 ... Sunday 6) of the
    patient's local calendar; ``first_day``/``last_day`` bound the local dates
    (the programme window). Times inside quiet hours are not planned.
    """
    zone = ZoneInfo(zone_name)
    days = set(weekdays)
    slots = sorted({t.replace(second=0, microsecond=0, tzinfo=None) for t in local_times})
    slots = [t for t in slots if not in_quiet_hours(t, quiet_start, quiet_end)]
    local_day = window_start.astimezone(zone).date() - timedelta(days=1)
    end_day = window_end.astimezone(zone).date() + timedelta(days=1)
    while local_day <= end_day:
        in_window = (first_day is None or local_day >= first_day) and (
            last_day is None or local_day <= last_day
        )
        if in_window and local_day.weekday() in days:
            for at in slots:
                due_at = local_to_utc(local_day, at, zone)
                if window_start <= due_at < window_end:
                    yield PlannedInstant(due_at=due_at, local_date=local_day, slot=slot_name(at))
        local_day += timedelta(days=1)

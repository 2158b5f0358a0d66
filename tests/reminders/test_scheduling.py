"""Reminder instants across time zones and daylight-saving changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.scheduling import in_quiet_hours, local_to_utc, planned_instants

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = range(7)


@pytest.mark.parametrize(
    "zone, day, local, expected_utc",
    [
        # Ordinary winter and summer days.
        (LONDON, date(2026, 1, 15), time(8, 0), datetime(2026, 1, 15, 8, 0, tzinfo=UTC)),
        (LONDON, date(2026, 7, 15), time(8, 0), datetime(2026, 7, 15, 7, 0, tzinfo=UTC)),
        # London springs forward 29 Mar 2026 01:00 GMT -> 02:00 BST: 01:30 does not exist
        # and moves to the first valid instant after the gap, 02:00 BST = 01:00 UTC.
        (LONDON, date(2026, 3, 29), time(1, 30), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (LONDON, date(2026, 3, 29), time(0, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        (LONDON, date(2026, 3, 29), time(2, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # London falls back 25 Oct 2026 02:00 BST -> 01:00 GMT: 01:30 happens twice;
        # the first occurrence (BST) is used.
        (LONDON, date(2026, 10, 25), time(1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        # New York springs forward 8 Mar 2026 02:00 -> 03:00: 02:15 -> 03:00 EDT = 07:00 UTC.
        (NEW_YORK, date(2026, 3, 8), time(2, 15), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        # New York falls back 1 Nov 2026 02:00 EDT -> 01:00 EST: 01:30 first = EDT = 05:30 UTC.
        (NEW_YORK, date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ],
)
def test_local_times_become_utc_instants_across_dst(zone, day, local, expected_utc):
    assert local_to_utc(day, local, zone) == expected_utc


def test_one_reminder_per_slot_per_local_day_on_the_fall_back_day():
    planned = list(
        planned_instants(
            zone_name="Europe/London",
            local_times=[time(1, 30)],
            weekdays=EVERY_DAY,
            window_start=datetime(2026, 10, 24, 12, tzinfo=UTC),
            window_end=datetime(2026, 10, 26, 12, tzinfo=UTC),
        )
    )
    assert [(p.local_date, p.slot) for p in planned] == [
        (date(2026, 10, 25), "01:30"),
        (date(2026, 10, 26), "01:30"),
    ]


def test_weekdays_programme_window_and_quiet_hours():
    planned = list(
        planned_instants(
            zone_name="America/New_York",
            local_times=[time(7, 0), time(18, 30), time(23, 0)],
            weekdays=[0, 2, 4],  # Mon, Wed, Fri
            window_start=datetime(2026, 11, 16, 0, tzinfo=UTC),  # Mon
            window_end=datetime(2026, 11, 23, 0, tzinfo=UTC),
            first_day=date(2026, 11, 17),
            last_day=date(2026, 11, 20),
            quiet_start=time(22, 0),
            quiet_end=time(7, 0),
        )
    )
    assert [(p.local_date.isoformat(), p.slot) for p in planned] == [
        ("2026-11-18", "07:00"),
        ("2026-11-18", "18:30"),
        ("2026-11-20", "07:00"),
        ("2026-11-20", "18:30"),
    ]
    assert planned[0].due_at == datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "at, start, end, quiet",
    [
        (time(23, 0), time(22, 0), time(7, 0), True),
        (time(6, 59), time(22, 0), time(7, 0), True),
        (time(7, 0), time(22, 0), time(7, 0), False),
        (time(21, 59), time(22, 0), time(7, 0), False),
        (time(13, 0), time(12, 0), time(14, 0), True),
        (time(14, 0), time(12, 0), time(14, 0), False),
        (time(13, 0), None, None, False),
        (time(13, 0), time(9, 0), time(9, 0), False),
    ],
)
def test_quiet_hours_at_their_edges(at, start, end, quiet):
    assert in_quiet_hours(at, start, end) is quiet


ZONES = sorted(
    z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
)


@settings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    hours=st.integers(min_value=1, max_value=24 * 10),
    local_times=st.lists(st.times(), min_size=1, max_size=4),
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    programme_days=st.tuples(st.integers(-5, 5), st.integers(0, 15)),
)
def test_any_zone_and_window_gives_aware_utc_instants_one_per_slot_and_day_inside_the_window(
    zone, start, hours, local_times, weekdays, programme_days
):
    window_start = start.replace(tzinfo=UTC)
    window_end = window_start + timedelta(hours=hours)
    first_day = window_start.date() + timedelta(days=programme_days[0])
    last_day = first_day + timedelta(days=programme_days[1])
    planned = list(
        planned_instants(
            zone_name=zone,
            local_times=local_times,
            weekdays=weekdays,
            window_start=window_start,
            window_end=window_end,
            first_day=first_day,
            last_day=last_day,
        )
    )
    keys = [(p.local_date, p.slot) for p in planned]
    assert len(keys) == len(set(keys))
    for p in planned:
        assert p.due_at.utcoffset() == timedelta(0)
        assert window_start <= p.due_at < window_end
        assert first_day <= p.local_date <= last_day
        assert p.local_date.weekday() in weekdays
        # The instant is on the patient's local date (or just after a gap at midnight).
        local = p.due_at.astimezone(ZoneInfo(zone))
        assert local.date() in (p.local_date, p.local_date + timedelta(days=1))

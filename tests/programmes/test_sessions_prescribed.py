"""``sessions_prescribed(start, end)``: the adherence denominator (SPEC 5), at
its edges: phases, days of the week, partial weeks, version boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercises.models import EVERY_DAY, days_mask
from programmes.models import Prescription, ProgrammeVersion

MON = date(2026, 3, 2)  # a Monday
MON_WED_FRI = days_mask([0, 2, 4])


def rx(*, start=MON, end=None, days=EVERY_DAY, per_day=1, phase=1) -> Prescription:
    return Prescription(
        sets=3,
        reps=10,
        sessions_per_day=per_day,
        days_of_week=days,
        start_on=start,
        end_on=end,
        phase=phase,
    )


def version(*prescriptions, valid_from=MON, valid_until=None) -> ProgrammeVersion:
    v = ProgrammeVersion(number=1, valid_from=valid_from, valid_until=valid_until)
    # As the plan page and the reminders API prefetch them: no database needed.
    v._prefetched_objects_cache = {"prescriptions": list(prescriptions)}
    return v


def test_alfredson_dose_is_168_sessions_over_12_weeks():
    # 2 sessions/day x 7 days x 12 weeks (SPEC 4.2 [S81]); the two exercises are
    # done in the same sitting, so they do not double the count.
    end = MON + timedelta(weeks=12) - timedelta(days=1)
    v = version(rx(end=end, per_day=2), rx(end=end, per_day=2))
    assert v.sessions_prescribed(MON, end) == 168
    assert v.sessions_prescribed(MON - timedelta(days=30), end + timedelta(days=30)) == 168


def test_three_days_a_week_counts_only_those_days_in_partial_weeks():
    v = version(rx(days=MON_WED_FRI))
    assert v.sessions_prescribed(MON, MON + timedelta(weeks=12) - timedelta(days=1)) == 36
    tue, thu = MON + timedelta(days=1), MON + timedelta(days=3)
    assert v.sessions_prescribed(tue, thu) == 1  # Wednesday only
    assert v.sessions_prescribed(tue, tue) == 0  # a rest day
    assert v.sessions_prescribed(MON, MON) == 1  # a one-day range, inclusive
    sat, next_tue = MON + timedelta(days=5), MON + timedelta(days=8)
    assert v.sessions_prescribed(sat, next_tue) == 1  # across the weekend: Monday


def test_end_before_start_is_zero():
    v = version(rx())
    assert v.sessions_prescribed(MON + timedelta(days=5), MON) == 0


def test_nothing_before_the_version_is_in_force_or_before_a_prescription_starts():
    v = version(rx(start=MON + timedelta(days=3)), valid_from=MON + timedelta(days=1))
    assert v.sessions_prescribed(MON - timedelta(days=10), MON + timedelta(days=2)) == 0
    assert v.sessions_prescribed(MON, MON + timedelta(days=3)) == 1


def test_an_unpublished_draft_prescribes_nothing():
    v = version(rx(), valid_from=None)
    assert v.sessions_prescribed(MON, MON + timedelta(days=30)) == 0


def test_valid_until_is_exclusive_and_consecutive_versions_do_not_double_count():
    switch = MON + timedelta(days=10)
    old = version(rx(per_day=2), valid_until=switch)
    new = version(rx(per_day=3), valid_from=switch)
    new.number = 2
    span_end = MON + timedelta(days=13)
    assert old.sessions_prescribed(MON, span_end) == 10 * 2
    assert new.sessions_prescribed(MON, span_end) == 4 * 3
    assert old.sessions_prescribed(switch, switch) == 0
    assert new.sessions_prescribed(switch, switch) == 3


def test_a_version_replaced_the_day_it_started_counts_nothing():
    v = version(rx(), valid_from=MON, valid_until=MON)
    assert v.sessions_prescribed(MON - timedelta(days=1), MON + timedelta(days=1)) == 0


def test_phases_hand_over_on_their_boundary_day():
    stage1 = rx(start=MON, end=MON + timedelta(days=13), per_day=3, phase=1)
    stage2 = rx(start=MON + timedelta(days=14), end=MON + timedelta(days=27), per_day=3, phase=2)
    v = version(stage1, stage2)
    last1, first2 = MON + timedelta(days=13), MON + timedelta(days=14)
    assert v.due_on(last1) == [stage1]
    assert v.due_on(first2) == [stage2]
    assert v.sessions_prescribed(last1, first2) == 6
    assert v.sessions_prescribed(MON, MON + timedelta(days=40)) == 28 * 3


def test_overlapping_phases_with_different_days_take_the_busiest_prescription_each_day():
    daily = rx(end=MON + timedelta(days=13), per_day=1)
    run_days = rx(start=MON + timedelta(days=7), days=MON_WED_FRI, per_day=2, phase=2)
    v = version(daily, run_days)
    # Week 1: 7 days x 1. Week 2: Mon/Wed/Fri 2 each, other 4 days 1. Week 3: 3 x 2.
    assert v.sessions_prescribed(MON, MON + timedelta(days=20)) == 7 + (6 + 4) + 6


def test_open_ended_prescription_runs_until_the_range_ends():
    v = version(rx(days=days_mask([6])))  # Sundays
    assert v.sessions_prescribed(MON, MON + timedelta(weeks=52) - timedelta(days=1)) == 52


def test_prescription_level_count_ignores_other_exercises():
    a = rx(days=MON_WED_FRI, per_day=2, end=MON + timedelta(days=13))
    assert a.sessions_prescribed(MON, MON + timedelta(days=30)) == 6 * 2


@given(
    days=st.integers(min_value=1, max_value=EVERY_DAY),
    per_day=st.integers(min_value=1, max_value=6),
    a=st.integers(min_value=-10, max_value=60),
    split=st.integers(min_value=0, max_value=40),
    length=st.integers(min_value=0, max_value=40),
    rx_len=st.one_of(st.none(), st.integers(min_value=1, max_value=50)),
)
def test_counts_add_up_over_adjacent_ranges(days, per_day, a, split, length, rx_len):
    end = None if rx_len is None else MON + timedelta(days=rx_len)
    v = version(rx(days=days, per_day=per_day, end=end), valid_until=MON + timedelta(days=45))
    start = MON + timedelta(days=a)
    middle = start + timedelta(days=min(split, length))
    last = start + timedelta(days=length)
    whole = v.sessions_prescribed(start, last)
    assert whole == v.sessions_prescribed(start, middle) + v.sessions_prescribed(
        middle + timedelta(days=1), last
    )
    # And it equals counting day by day.
    assert whole == sum(v.sessions_on(start + timedelta(days=n)) for n in range(length + 1))


@pytest.mark.parametrize(
    "mask, expected",
    [(EVERY_DAY, "Every day"), (MON_WED_FRI, "Mon, Wed, Fri"), (days_mask([6]), "Sun")],
)
def test_days_are_shown_by_name(mask, expected):
    assert rx(days=mask).days_display == expected

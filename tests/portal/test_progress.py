"""Progress: pain, outcome measures against baseline with the MCID, the
adherence calendar and PAD walking; text summaries; fast with two years of logs."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes import services
from tests.programmes.helpers import make_plan
from tracking.models import CheckIn, SessionLog

pytestmark = pytest.mark.django_db


def _log(plan, day, *, session=1, outcome="done", **kw):
    """Every exercise of one session (a session counts when all are done)."""
    return [
        SessionLog(
            patient=plan.patient,
            version=p.version,
            prescription=p,
            performed_on=day,
            session_number=session,
            outcome=outcome,
            skip_reason="forgot" if outcome == "skipped" else "",
            **kw,
        )
        for p in plan.current_version().prescriptions.order_by("order", "id")
    ]


def test_progress_with_nothing_yet_says_so_in_words(portal):
    body = portal.get(reverse("portal:progress")).content.decode()
    assert "You have not done a check-in yet." in body
    assert "No exercise sessions were due in the last 8 weeks." in body
    assert 'id="pain-chart"' not in body


def test_the_calendar_marks_done_partial_and_missed_days_with_words(portal, active_plan, today):
    # Alfredson: two sessions a day. Yesterday and before are before the plan,
    # so only today counts; log both sessions today.
    SessionLog.objects.bulk_create(
        [*_log(active_plan, today, session=1), *_log(active_plan, today, session=2)]
    )
    body = portal.get(reverse("portal:progress")).content.decode()
    assert f"{today.day} {today:%B %Y}: all sessions done" in body
    assert "you completed 2 of 2 exercise sessions (100%)" in body
    assert 'class="cal cal-done"' in body


def test_missed_days_count_against_the_aim(client, patient, patient_record, clinician):
    start = patient_record.local_today() - timedelta(days=10)
    plan = make_plan(patient_record, clinician, start_on=start)
    with time_machine.travel(start.isoformat() + " 12:00", tick=False):
        services.plan_activate(plan=plan, by=clinician)
    SessionLog.objects.bulk_create(
        [
            log
            for d in range(5)
            for s in (1, 2)
            for log in _log(plan, start + timedelta(days=d), session=s)
        ]
    )
    client.force_login(patient)
    body = client.get(reverse("portal:progress")).content.decode()
    # 10 past days x 2 sessions prescribed; 10 sessions done.
    assert "you completed 10 of 20 exercise sessions (50%); the aim is 80% or more." in body
    assert body.count('class="cal cal-missed"') == 5


def test_pain_summary_and_chart_data(portal, patient_record, today):
    CheckIn.objects.create(
        patient=patient_record, checked_on=today - timedelta(days=14), pain_now=6
    )
    CheckIn.objects.create(patient=patient_record, checked_on=today, pain_now=3)
    body = portal.get(reverse("portal:progress")).content.decode()
    first = today - timedelta(days=14)
    assert (
        f"Your pain at check-in went from 6 out of 10 on {first.day} {first:%B %Y} to 3 out of "
        f"10 on {today.day} {today:%B %Y}." in body
    )
    assert '<script id="pain-data" type="application/json">' in body
    assert "<script>" not in body  # data only; the drawing is in a static file


def test_walking_minutes_for_the_pad_programme(client, patient, patient_record, clinician):
    today = patient_record.local_today()
    plan = make_plan(patient_record, clinician, slug="pad-set", start_on=today)
    services.plan_activate(plan=plan, by=clinician)
    walk = plan.current_version().prescriptions.filter(exercise__category="aerobic").first()
    SessionLog.objects.create(
        patient=patient_record,
        version=walk.version,
        prescription=walk,
        performed_on=today,
        outcome="partial",
        duration_min_done=25,
    )
    client.force_login(patient)
    body = client.get(reverse("portal:progress")).content.decode()
    assert "you walked 25 minutes" in body
    assert 'id="walking-chart"' in body


def test_progress_stays_fast_with_two_years_of_daily_logs(
    client, patient, patient_record, clinician, django_assert_max_num_queries
):
    today = patient_record.local_today()
    start = today - timedelta(days=730)
    plan = make_plan(patient_record, clinician, start_on=start)
    with time_machine.travel(start.isoformat() + " 12:00", tick=False):
        services.plan_activate(plan=plan, by=clinician)
    # A long-running maintenance programme: no end date, due every day.
    plan.current_version().prescriptions.update(end_on=None)
    client.force_login(patient)
    url = reverse("portal:progress")
    with CaptureQueriesContext(connection) as empty:
        assert client.get(url).status_code == 200
    queries = len(empty.captured_queries)  # read now: the next request resets the log
    assert queries <= 13  # 12, and the plan's pauses for the one adherence rule (issue 13)
    prescriptions = list(plan.current_version().prescriptions.all())
    logs = [
        SessionLog(
            patient=patient_record,
            version=p.version,
            prescription=p,
            performed_on=start + timedelta(days=d),
            session_number=s,
            outcome="done" if d % 7 else "skipped",
            skip_reason="" if d % 7 else "no_time",
            pain_during=d % 11 if d % 7 else None,
        )
        for d in range(731)
        for p in prescriptions
        for s in (1, 2)
    ]
    SessionLog.objects.bulk_create(logs, batch_size=2000)
    CheckIn.objects.bulk_create(
        [
            CheckIn(patient=patient_record, checked_on=start + timedelta(days=d), pain_now=d % 11)
            for d in range(0, 731, 7)
        ]
    )
    assert SessionLog.objects.count() == 731 * len(prescriptions) * 2
    # Same query count as with no logs: session, user, patient; pain (2
    # aggregates); trends (1); calendar (versions + prescriptions + pauses, done per
    # day); walking (1). Rows are aggregated in the database and bounded.
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "exercise sessions (" in body
    pain = re.search(r'<script id="pain-data" type="application/json">(.*?)</script>', body, re.S)
    assert pain and len(pain.group(1)) < 20_000  # a year of weekly points, not 2,900 rows


def test_the_calendar_starts_in_the_programmes_first_week(
    client, patient, patient_record, clinician
):
    # Issue 18: the weeks before the plan started are not shown as rest days.
    today = patient_record.local_today()
    start = today - timedelta(days=9)
    plan = make_plan(patient_record, clinician, start_on=start)
    with time_machine.travel(start.isoformat() + " 12:00", tick=False):
        services.plan_activate(plan=plan, by=clinician)
    client.force_login(patient)
    body = client.get(reverse("portal:progress")).content.decode()
    rows = body.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
    first_monday = start - timedelta(days=start.weekday())
    assert rows == (today - first_monday).days // 7 + 1
    assert f"{first_monday.day} {first_monday:%B %Y}" in body or start.weekday() == 0
    before = first_monday - timedelta(days=7)
    assert f">{before.day} {before:%B %Y}:" not in body
    assert body.count('class="cal cal-before"') == start.weekday()
    if start.weekday():
        assert "before your programme" in body
    assert body.count('class="cal cal-rest"') == 0


def test_no_programme_shows_only_this_week(portal):
    body = portal.get(reverse("portal:progress")).content.decode()
    assert body.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") == 1

"""What the patient does at home, on the record and the plan page (issue 13):
adherence (week, 4 weeks, programme, per exercise) from the one rule against
the clinic's threshold, the session log, missed reasons, pain, outcome series
with the MCID, check-ins with answers and open alerts; reception sees none;
query budgets pinned with 3 days and with two years of daily logs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import AlertKind, AlertUrgency
from alerts.services import alert_raise
from assessments.models import OutcomeResponse
from programmes import services
from tests.assessments.factories import AssessmentFactory
from tests.programmes.helpers import make_plan
from tracking.models import CheckIn, SessionLog

pytestmark = pytest.mark.django_db


def _activated(patient_record, clinician, start):
    plan = make_plan(patient_record, clinician, start_on=start)
    with time_machine.travel(datetime.combine(start, time(12), tzinfo=UTC), tick=False):
        services.plan_activate(plan=plan, by=clinician)
    plan.refresh_from_db()
    return plan


def _logs(plan, days, start):
    rx = list(plan.current_version().prescriptions.order_by("order", "id"))
    return [
        SessionLog(
            patient=plan.patient,
            version=p.version,
            prescription=p,
            performed_on=start + timedelta(days=d),
            session_number=s,
            outcome="done" if d % 7 else "skipped",
            skip_reason="" if d % 7 else "pain",
            pain_during=d % 11 if d % 7 else None,
            difficulty=3 if d % 7 else None,
        )
        for d in range(days)
        for p in rx
        for s in (1, 2)
    ]


@pytest.fixture
def home(patient_record, clinician):
    """Alfredson (2 exercises, twice a day) for 8 days: 7 days done, day 0 skipped
    for pain, today not logged; a red-flag check-in; a LEFS series."""
    today = patient_record.local_today()
    start = today - timedelta(days=7)
    plan = _activated(patient_record, clinician, start)
    SessionLog.objects.bulk_create(_logs(plan, 7, start))
    CheckIn.objects.create(
        patient=patient_record,
        checked_on=today,
        pain_now=6,
        answers={"calf": True},
        red_flags=["calf"],
        urgency="U",
    )
    alert_raise(
        patient=patient_record,
        kind=AlertKind.RED_FLAG_REPORTED,
        urgency=AlertUrgency.URGENT,
        summary="Portal check-in: red-flag symptoms reported (calf).",
    )
    for day, total, source in ((start, 40, "clinician"), (today, 52, "patient")):
        OutcomeResponse.objects.create(
            assessment=AssessmentFactory(patient=patient_record, assessed_on=day)
            if source == "clinician"
            else None,
            patient=patient_record,
            entered_by=source,
            instrument_code="lefs",
            instrument_version="1",
            scoring_rule_version="x",
            total=total,
            complete=True,
            assessed_on=day,
        )
    return plan


def test_the_record_shows_adherence_logs_pain_check_ins_outcomes_and_alerts(
    client, clinician, patient_record, home
):
    client.force_login(clinician)
    body = client.get(reverse("patients:detail", args=[patient_record.pk])).content.decode()
    assert 'id="at-home-h"' in body
    # Programme: 8 days x 2 sessions = 16; 6 days done (day 0 skipped, today not logged).
    assert "12 of 16 sessions completed" in body
    assert "threshold 80 %" in body and "below 80 %" in body
    assert "Eccentric" in body  # per exercise
    assert "Skipped, by reason:</strong>\n        Pain 2" in body
    assert "answered yes: New swelling, redness or warmth in your calf" in body
    assert "Same-day medical assessment" in body
    assert "Red flag" in body or "red-flag" in body  # the open alert
    assert "LEFS rose 12 points (better)" in body and 'id="trend-data"' in body
    assert "Check-in pain 6/10" in body and 'id="pain-chart"' in body
    assert body.count('class="session-row"') == 10  # the newest ten; the rest paged
    assert "Done" in body and "About right" in body


def test_reception_sees_none_of_it(client, reception, patient_record, home):
    client.force_login(reception)
    body = client.get(reverse("patients:detail", args=[patient_record.pk])).content.decode()
    assert "At home" not in body and "Eccentric" not in body and "session-row" not in body
    assert client.get(reverse("tracking:session-log", args=[patient_record.pk])).status_code == 403


def test_the_plan_page_has_the_headline_figures(client, clinician, home):
    client.force_login(clinician)
    body = client.get(reverse("programmes:plan-detail", args=[home.pk])).content.decode()
    assert 'id="plan-headline"' in body and "12 of 16 sessions completed" in body
    assert "1 open alert" in body


def test_the_session_log_is_paged_newest_first(client, clinician, patient_record, home):
    client.force_login(clinician)
    url = reverse("tracking:session-log", args=[patient_record.pk])
    first = client.get(url).content.decode()
    assert first.count('class="session-row"') == 25 and 'rel="next"' in first
    today = patient_record.local_today()
    assert first.index(f"{today - timedelta(days=1):%a %-d %b %Y}") < first.index(
        f"{today - timedelta(days=2):%a %-d %b %Y}"
    )
    last = client.get(url + "?page=2").content.decode()
    assert last.count('class="session-row"') == 3 and 'rel="next"' not in last
    assert "Skipped: Pain" in last
    assert client.get(url + "?page=abc").status_code == 200


def _record_queries(client, patient_record) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("patients:detail", args=[patient_record.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_record_query_budget_is_the_same_with_3_days_and_two_years_of_logs(
    client, clinician, patient_record, other_patient_record
):
    client.force_login(clinician)
    today = patient_record.local_today()
    short = _activated(patient_record, clinician, today - timedelta(days=2))
    SessionLog.objects.bulk_create(_logs(short, 3, today - timedelta(days=2)))
    small = _record_queries(client, patient_record)

    from tests.factories import PatientFactory

    long_patient = PatientFactory(clinic=patient_record.clinic)
    start = today - timedelta(days=730)
    plan = _activated(long_patient, clinician, start)
    plan.current_version().prescriptions.update(end_on=None)
    SessionLog.objects.bulk_create(_logs(plan, 730, start), batch_size=2000)
    CheckIn.objects.bulk_create(
        [
            CheckIn(patient=long_patient, checked_on=start + timedelta(days=d), pain_now=d % 11)
            for d in range(0, 730, 7)
        ]
    )
    big = _record_queries(client, long_patient)
    assert small == big == 25

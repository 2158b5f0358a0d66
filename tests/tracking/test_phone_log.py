"""Sessions reported by phone (issue 13): a clinician logs a session on the
patient's behalf; it counts like any other, marked as entered by staff, audited."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from clinic.models import AuditAction, AuditEvent
from programmes import services
from tests.programmes.helpers import make_plan
from tracking import adherence
from tracking.models import SessionLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(patient_record, clinician):
    start = patient_record.local_today() - timedelta(days=3)
    plan = make_plan(patient_record, clinician, start_on=start)
    with time_machine.travel(datetime.combine(start, time(12), tzinfo=UTC), tick=False):
        services.plan_activate(plan=plan, by=clinician)
    return plan


def test_a_clinician_logs_a_session_by_phone_and_it_counts(client, clinician, patient_record, plan):
    client.force_login(clinician)
    url = reverse("tracking:session-by-phone", args=[patient_record.pk])
    yesterday = patient_record.local_today() - timedelta(days=1)
    rx = list(plan.current_version().prescriptions.order_by("order", "id"))
    for p in rx:
        response = client.post(
            url,
            {
                "performed_on": yesterday.isoformat(),
                "exercise": str(p.lineage),
                "session_number": "1",
                "outcome": "done",
                "pain_during": "2",
                "difficulty": "3",
                "note": "Told me on the phone: easy today.",
            },
        )
        assert response.status_code == 302
    logs = SessionLog.objects.filter(patient=patient_record)
    assert logs.count() == 2
    assert all(log.entered_by == clinician.staff_member for log in logs)
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_BY_PHONE).count() == 2
    result = adherence.adherence_range(patient_record, yesterday, yesterday)
    assert (result.completed, result.prescribed) == (1, 2)
    body = client.get(reverse("tracking:session-log", args=[patient_record.pk])).content.decode()
    assert body.count("by phone</span>") == 2 and "Told me on the phone: easy today." in body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"performed_on": "2099-01-01"}, "The day cannot be in the future."),
        ({"performed_on": "2999-01-01"}, "Enter a date from 1 Jan 1900 to 31 Dec 2100."),
        ({"performed_on": "1900-01-01"}, "Choose a day within the last 28 days."),
        ({"performed_on": "not a date"}, "Enter a date"),
        ({"outcome": "skipped"}, "Choose why the session was skipped."),
        ({"note": "x" * 4001}, "Use at most 4,000 characters."),
        ({"exercise": "00000000-0000-0000-0000-000000000000"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    client, clinician, patient_record, plan, change, message
):
    client.force_login(clinician)
    p = plan.current_version().prescriptions.first()
    data = {
        "performed_on": patient_record.local_today().isoformat(),
        "exercise": str(p.lineage),
        "session_number": "1",
        "outcome": "done",
        **change,
    }
    response = client.post(reverse("tracking:session-by-phone", args=[patient_record.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SessionLog.objects.exists()


def test_the_progression_answers_can_be_taken_by_phone(client, clinician, patient_record, plan):
    # Issue 14: "back to usual by the next morning?" as the portal asks it; the
    # claudication onset only for walking exercises (SPEC 2.5b, 4.1).
    from tracking.models import MorningPain

    client.force_login(clinician)
    url = reverse("tracking:session-by-phone", args=[patient_record.pk])
    yesterday = patient_record.local_today() - timedelta(days=1)
    p = plan.current_version().prescriptions.order_by("order", "id").first()
    answer = MorningPain.values[-1]
    form = {
        "performed_on": yesterday.isoformat(),
        "exercise": str(p.lineage),
        "session_number": "1",
        "outcome": "done",
        "previous_next_morning": answer,
    }
    assert client.post(url, form).status_code == 302
    assert SessionLog.objects.get(patient=patient_record).previous_next_morning == answer

    refused = client.post(url, {**form, "claudication_onset_min": "6"})
    assert refused.status_code == 400
    assert "apply to walking exercises only" in refused.content.decode()
    assert SessionLog.objects.get(patient=patient_record).claudication_onset_min is None
    too_long = client.post(url, {**form, "claudication_onset_min": "999"})
    assert "less than or equal to 120" in too_long.content.decode()

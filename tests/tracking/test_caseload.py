"""The caseload (issue 13): patients with an active or paused programme, 7-day
adherence from the one rule, days since the last log, check-in pain and its
change, open alerts by urgency; sorted and filtered; one query budget
whatever the caseload's size."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import AlertKind, AlertUrgency, AttentionSignal
from alerts.services import alert_raise
from programmes import services
from tests.factories import PatientFactory
from tests.programmes.helpers import make_plan
from tracking.alert_rules import alerts_evaluate_many
from tracking.models import CheckIn, SessionLog

pytestmark = pytest.mark.django_db


def _patient(clinic, clinician, last_name, *, days_logged=0, start_days_ago=10):
    patient = PatientFactory(
        clinic=clinic, last_name=last_name, assigned_clinician=clinician.staff_member
    )
    start = patient.local_today() - timedelta(days=start_days_ago)
    plan = make_plan(patient, clinician, start_on=start)
    with time_machine.travel(datetime.combine(start, time(12), tzinfo=UTC), tick=False):
        services.plan_activate(plan=plan, by=clinician)
    rx = list(plan.current_version().prescriptions.all())
    yesterday = patient.local_today() - timedelta(days=1)
    SessionLog.objects.bulk_create(
        [
            SessionLog(
                patient=patient,
                version=p.version,
                prescription=p,
                performed_on=yesterday - timedelta(days=d),
                session_number=s,
                outcome="done",
            )
            for d in range(days_logged)
            for p in rx
            for s in (1, 2)
        ]
    )
    return patient, plan


def _rows(body: str) -> list[str]:
    return [
        chunk.split("</a>")[0].rsplit(">", 1)[1] for chunk in body.split('class="caseload-row"')[1:]
    ]


def test_the_caseload_shows_who_needs_attention_first(client, clinic, clinician):
    good, _ = _patient(clinic, clinician, "Goodwin", days_logged=7)
    lapsed, _ = _patient(clinic, clinician, "Lapsley", days_logged=0)
    flagged, plan = _patient(clinic, clinician, "Flagg", days_logged=7)
    CheckIn.objects.create(patient=flagged, checked_on=flagged.local_today(), pain_now=3)
    CheckIn.objects.create(patient=flagged, checked_on=flagged.local_today(), pain_now=7)
    alert_raise(
        patient=flagged, kind=AlertKind.RED_FLAG_REPORTED, urgency=AlertUrgency.URGENT, summary="x"
    )
    services.plan_pause(plan=plan, by=clinician, reason="Red flag.")
    client.force_login(clinician)
    body = client.get(reverse("tracking:caseload")).content.decode()
    # Low adherence and no logs come from the nightly rules' signals only.
    assert "adherence below threshold" not in body and "no recent log" not in body
    alerts_evaluate_many([good, lapsed], {p.pk: p.local_today() for p in (good, lapsed)})
    body = client.get(reverse("tracking:caseload")).content.decode()
    assert _rows(body) == [flagged.full_name, lapsed.full_name, good.full_name]
    assert "adherence below threshold, no recent log" in body
    assert "7/10 (+4)" in body and "1 urgent" in body and "Paused" in body
    assert "100 % <span" in body and "0 % <span" in body
    assert "urgent alert, programme paused" in body and "pain rising" in body
    attention = client.get(reverse("tracking:caseload") + "?attention=1").content.decode()
    assert _rows(attention) == [flagged.full_name, lapsed.full_name]
    by_name = client.get(reverse("tracking:caseload") + "?sort=name").content.decode()
    assert _rows(by_name) == [flagged.full_name, good.full_name, lapsed.full_name]
    # A bad sort falls back, never a 500.
    assert client.get(reverse("tracking:caseload") + "?sort=%27").status_code == 200


def test_mine_shows_only_my_patients_and_other_clinics_never(
    client, clinic, clinician, clinic_admin, other_clinic, colleague
):
    mine, _ = _patient(clinic, clinician, "Mine", days_logged=1)
    _patient(other_clinic, colleague, "Elsewhere", days_logged=1)
    client.force_login(clinic_admin)
    body = client.get(reverse("tracking:caseload")).content.decode()
    assert _rows(body) == [mine.full_name]
    body = client.get(reverse("tracking:caseload") + "?mine=1").content.decode()
    assert _rows(body) == []


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("tracking:caseload")).status_code == 200
    return len(ctx.captured_queries)


def test_the_caseload_query_budget_is_the_same_for_2_and_12_patients(client, clinic, clinician):
    client.force_login(clinician)
    for n in range(2):
        patient, _ = _patient(clinic, clinician, f"Small{n}", days_logged=3)
        CheckIn.objects.create(patient=patient, checked_on=patient.local_today(), pain_now=4)
    small = _queries(client)
    patients = []
    for n in range(10):
        patient, _ = _patient(clinic, clinician, f"Big{n}", days_logged=n)
        patients.append(patient)
        alert_raise(patient=patient, kind=AlertKind.NO_LOGS, urgency=AlertUrgency.SOON, summary="x")
    big = _queries(client)
    # The session comes from the cache (cached_db sessions, issue 20); the
    # signals of the nightly rules are one query.
    alerts_evaluate_many(patients, {p.pk: p.local_today() for p in patients})
    assert AttentionSignal.objects.count() > 2
    assert _queries(client) == big
    assert small == big == 10


def test_the_rows_escape_what_they_show_and_link_the_record(client, clinic, clinician):
    # The rows render with Jinja2 (issue 20): its autoescape must hold.
    patient, _ = _patient(clinic, clinician, "<b>Bold</b>", days_logged=1)
    client.force_login(clinician)
    body = client.get(reverse("tracking:caseload")).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body and "<b>Bold</b>" not in body
    assert f'href="{reverse("patients:detail", args=[patient.pk])}"' in body
    assert str(clinician.staff_member) in body


def test_an_empty_caseload_says_why(client, clinic, clinician):
    client.force_login(clinician)
    body = client.get(reverse("tracking:caseload") + "?attention=1").content.decode()
    assert "No patients with an active programme assigned to you need attention." in body

"""The shared activity models: one unresolved alert per kind, and log rules in the database."""

import pytest
from django.db import IntegrityError, transaction

from alerts.models import Alert, AlertKind, AlertStatus, AlertUrgency
from alerts.services import (
    alert_acknowledge,
    alert_condition_cleared,
    alert_raise,
    alert_resolve,
)


@pytest.mark.django_db
def test_raising_an_alert_twice_keeps_one_until_it_is_resolved(patient_record, clinician):
    first = alert_raise(
        patient=patient_record,
        kind=AlertKind.NO_LOGS,
        urgency=AlertUrgency.ROUTINE,
        summary="No log for 5 days",
    )
    again = alert_raise(
        patient=patient_record,
        kind=AlertKind.NO_LOGS,
        urgency=AlertUrgency.ROUTINE,
        summary="No log for 6 days",
    )
    assert again.pk == first.pk and Alert.objects.count() == 1
    alert_acknowledge(alert=first, by=clinician)
    assert (
        alert_raise(
            patient=patient_record,
            kind=AlertKind.NO_LOGS,
            urgency=AlertUrgency.ROUTINE,
            summary="x",
        ).pk
        == first.pk
    )
    alert_resolve(alert=first, by=clinician, note="Phoned; back on track")
    first.refresh_from_db()
    assert first.status == AlertStatus.RESOLVED and first.resolved_by == clinician
    # Not raised again while the condition lasts (issue 22) ...
    assert (
        alert_raise(
            patient=patient_record,
            kind=AlertKind.NO_LOGS,
            urgency=AlertUrgency.ROUTINE,
            summary="x",
        )
        is None
    )
    # ... only after it cleared and came back.
    alert_condition_cleared(patient=patient_record, kind=AlertKind.NO_LOGS)
    newer = alert_raise(
        patient=patient_record, kind=AlertKind.NO_LOGS, urgency=AlertUrgency.ROUTINE, summary="x"
    )
    assert newer.pk != first.pk and Alert.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_second_unresolved_alert_of_a_kind(patient_record):
    Alert.objects.create(
        patient=patient_record, kind=AlertKind.PAIN_HIGH, urgency=AlertUrgency.SOON, summary="a"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            patient=patient_record, kind=AlertKind.PAIN_HIGH, urgency=AlertUrgency.SOON, summary="b"
        )


@pytest.mark.django_db
def test_staff_see_alerts_of_their_clinics_only_and_reception_none(
    patient_record, other_patient_record, clinician, colleague, reception
):
    alert_raise(
        patient=patient_record, kind=AlertKind.NO_LOGS, urgency=AlertUrgency.ROUTINE, summary="x"
    )
    assert Alert.objects.for_user(clinician).count() == 1
    assert Alert.objects.for_user(colleague).count() == 0
    assert Alert.objects.for_user(reception).count() == 0

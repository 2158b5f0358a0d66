"""Reminder preferences: read with defaults, and save (staff page or portal)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from clinic.audit import audit_record
from clinic.models import AuditAction
from patients.models import Patient
from reminders.models import OccurrenceState, ReminderOccurrence, ReminderPreference
from reminders.planner import reminders_plan_patient


def reminder_preference_for(patient: Patient) -> ReminderPreference:
    """The patient's preferences, unsaved defaults when there are none yet."""
    try:
        return ReminderPreference.objects.get(patient=patient)
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(patient=patient)


def reminder_preference_update(
    *, patient: Patient, data: dict, by: User, request: HttpRequest | None = None
) -> ReminderPreference:
    """Save a patient's reminder preferences (staff page or portal) with history
    and an audit event, then plan their next 48 hours at once (database only,
    so it works while the broker is down). ``data``: ``ReminderPreferenceForm
    .preference_data()`` or any dict with the model's field names."""
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.select_for_update().get_or_create(
            patient=patient
        )
        for name in ReminderPreference.SETTING_FIELDS:
            if name in data:
                setattr(preference, name, data[name])
        preference.updated_by = by
        preference.full_clean(exclude=["patient"])
        preference.save()
        # Planned rows (never dispatched, so nothing to keep) are dropped and
        # planned again from the new preferences; rows already claimed are
        # re-checked by the worker before sending.
        ReminderOccurrence.objects.filter(patient=patient, state=OccurrenceState.PLANNED).delete()
        audit_record(
            action=AuditAction.REMINDER_PREFERENCES_CHANGED,
            request=request,
            actor=by,
            obj=preference,
            patient_id=patient.pk,
            clinic_id=patient.clinic_id,
        )
    reminders_plan_patient(patient=patient)
    return preference

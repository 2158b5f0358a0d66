"""Reminder preferences and the calendar feed in subject-access exports and
erasure."""

from __future__ import annotations

from patients import erasure, subject_access
from patients.subject_access import (
    PATIENT_ENTERED,
    Field,
    Record,
    Section,
    _plain,
    record_from_instance,
)
from reminders.models import CalendarFeed, ReminderPreference


@subject_access.register
def reminders_section(*, patient) -> Section | None:
    records = []
    preference = ReminderPreference.objects.filter(patient=patient).first()
    if preference is not None:
        records.append(
            record_from_instance(
                preference,
                title="Reminder preferences",
                names=list(ReminderPreference.SETTING_FIELDS),
                patient_user_id=patient.user_id,
            )
        )
    feed = CalendarFeed.objects.filter(patient=patient).only("created_at").first()
    if feed is not None:
        records.append(
            Record(
                title="Calendar feed",
                fields=[
                    Field("created_at", "link made at", _plain(feed.created_at), PATIENT_ENTERED)
                ],
            )
        )
    return Section(title="Reminders and calendar", records=records) if records else None


@erasure.register
def erase_reminders(*, patient) -> None:
    # The calendar link is a credential and goes, as do the reminder settings.
    ReminderPreference.objects.filter(patient=patient).delete()
    CalendarFeed.objects.filter(patient=patient).delete()

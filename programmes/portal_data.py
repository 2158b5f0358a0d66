"""Subject access and erasure for what only the portal holds (issue 6):
check-ins with the red-flag self-screen, and the calendar feed. Session logs
and reminder preferences are in ``programmes.privacy``; questionnaires the
patient answered are in ``assessments.privacy`` (marked patient-entered)."""

from __future__ import annotations

from patients import erasure, subject_access
from patients.subject_access import PATIENT_ENTERED, Field, Record, Section, _plain
from programmes.models import CalendarFeed, CheckIn


def _json(value):
    # Answers stay structured in the JSON download.
    return value if isinstance(value, dict | list) else _plain(value)


@subject_access.register
def portal_section(*, patient) -> Section | None:
    records = [
        Record(
            title=f"Check-in {c.checked_on.isoformat()}",
            fields=[
                Field(name, label, _json(value), PATIENT_ENTERED)
                for name, label, value in (
                    ("checked_on", "day", c.checked_on),
                    ("pain_now", "pain now (0-10)", c.pain_now),
                    ("answers", "red-flag self-screen answers", c.answers),
                    ("urgency", "advice given", c.get_urgency_display()),
                    ("created_at", "sent at", c.created_at),
                )
            ],
        )
        for c in CheckIn.objects.filter(patient=patient).order_by("created_at")
    ]
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
    return Section(title="Check-ins and calendar", records=records) if records else None


@erasure.register
def erase_portal(*, patient) -> None:
    # Check-ins hold no free text (numbers and yes/no answers stay as clinical
    # record); the calendar link is a credential and goes.
    CalendarFeed.objects.filter(patient=patient).delete()

"""What a reminder says: counts of what is due (never exercise names or
conditions), the portal link and the one-click unsubscribe link."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from clinic.mail import build_templated_mail
from patients.language import in_patient_language
from programmes.models import TreatmentPlan
from reminders import sms
from reminders.models import ReminderOccurrence
from reminders.tokens import unsubscribe_token


def due_summary(plan: TreatmentPlan | None, day: date) -> tuple[int, int]:
    """(exercises, sessions) due on the patient's local ``day``: the only
    programme facts a reminder carries (counts, never names or conditions).
    ``plan`` is the patient's active plan with its published versions and
    their prescriptions prefetched (``planner.active_plans_by_patient``), so a
    chunk of reminders costs the same few queries whatever its size."""
    if plan is None:
        return 0, 0
    # The version in force that day, the latest number first (as ``version_on``).
    version = max(
        (v for v in plan.versions.all() if v.in_force_on(day)),
        key=lambda v: v.number,
        default=None,
    )
    if version is None:
        return 0, 0
    return len(version.due_on(day)), version.sessions_on(day)


def due_phrase(exercises: int, sessions: int) -> str:
    # In the active language (issue 18: the builders below use the patient's).
    return "{}, {}".format(
        ngettext("%(count)d exercise", "%(count)d exercises", exercises) % {"count": exercises},
        ngettext("%(count)d session", "%(count)d sessions", sessions) % {"count": sessions},
    )


def portal_url() -> str:
    return settings.SITE_BASE_URL + reverse("portal:today")


def unsubscribe_url(patient_id) -> str:
    return settings.SITE_BASE_URL + reverse(
        "reminders:unsubscribe", args=[unsubscribe_token(patient_id)]
    )


def message_id(occurrence_id, attempt: int) -> str:
    """The email's Message-ID, known before the hand-off and recorded with the
    ``sending`` mark, so an ``unknown`` row can be looked up in the mail
    server's log (issue 21). One per attempt."""
    return f"<reminder.{occurrence_id}.{attempt}@reminders.clinic>"


def build_email(occurrence: ReminderOccurrence, exercises: int, sessions: int, *, attempt: int = 1):
    patient = occurrence.patient
    with in_patient_language(patient):
        return _build_email(occurrence, exercises, sessions, attempt=attempt)


def _build_email(occurrence: ReminderOccurrence, exercises: int, sessions: int, *, attempt: int):
    patient = occurrence.patient
    unsubscribe = unsubscribe_url(patient.pk)
    message = build_templated_mail(
        template="reminders/email/reminder",
        to=patient.email,
        context={
            "first_name": patient.first_name,
            "clinic_name": patient.clinic.name,
            "due": due_phrase(exercises, sessions),
            "portal_url": portal_url(),
            "unsubscribe_url": unsubscribe,
        },
    )
    message.extra_headers.update(
        {
            "Message-ID": message_id(occurrence.pk, attempt),
            "X-Reminder-Id": str(occurrence.pk),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
            "Auto-Submitted": "auto-generated",
        }
    )
    return message


def build_sms(occurrence: ReminderOccurrence, exercises: int, sessions: int) -> sms.SmsMessage:
    patient = occurrence.patient
    with in_patient_language(patient):
        body = gettext("Hi %(name)s, today: %(due)s. %(portal)s Stop: %(stop)s") % {
            "name": patient.first_name,
            "due": due_phrase(exercises, sessions),
            "portal": portal_url(),
            "stop": unsubscribe_url(patient.pk),
        }
    return sms.SmsMessage(to=str(patient.mobile_phone), body=body, reference=str(occurrence.pk))

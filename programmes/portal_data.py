"""Subject access (and the portal's "My data" download): what the patient
logged through the portal. Every field here is patient-entered; rows are
read in one query each (no per-row history), so years of logs stay cheap."""

from __future__ import annotations

from patients import subject_access
from patients.subject_access import PATIENT_ENTERED, Field, Record, Section, _plain
from programmes.models import CalendarFeed, CheckIn, ReminderPreference, SessionLog


def _record(title: str, pairs: list[tuple[str, str, object]]) -> Record:
    return Record(
        title=title,
        fields=[Field(name, label, _json(value), PATIENT_ENTERED) for name, label, value in pairs],
    )


def _json(value):
    # Answers and times stay structured in the JSON download.
    return value if isinstance(value, dict | list) else _plain(value)


@subject_access.register
def session_logs(*, patient) -> Section | None:
    logs = (
        SessionLog.objects.filter(patient=patient)
        .select_related("prescription__exercise", "version")
        .order_by("performed_on", "session_number")
    )
    records = [
        _record(
            f"{log.performed_on.isoformat()} session {log.session_number}",
            [
                ("performed_on", "day", log.performed_on),
                ("exercise", "exercise", log.prescription.exercise.name),
                ("programme_version", "programme version", log.version.number),
                ("session_number", "session", log.session_number),
                ("outcome", "outcome", log.get_outcome_display()),
                ("skip_reason", "reason skipped", log.get_skip_reason_display() or None),
                ("sets_done", "sets done", log.sets_done),
                ("reps_done", "reps done", log.reps_done),
                ("duration_min_done", "minutes done", log.duration_min_done),
                ("pain_during", "pain during (0-10)", log.pain_during),
                ("difficulty", "difficulty", log.get_difficulty_display() or None),
                ("logged_at", "logged at", log.logged_at),
            ],
        )
        for log in logs
    ]
    return Section(title="Exercise sessions you logged", records=records) if records else None


@subject_access.register
def check_ins(*, patient) -> Section | None:
    records = [
        _record(
            f"Check-in {c.checked_on.isoformat()}",
            [
                ("checked_on", "day", c.checked_on),
                ("pain_now", "pain now (0-10)", c.pain_now),
                ("answers", "red-flag self-screen answers", c.answers),
                ("urgency", "advice given", c.get_urgency_display()),
                ("created_at", "sent at", c.created_at),
            ],
        )
        for c in CheckIn.objects.filter(patient=patient).order_by("created_at")
    ]
    return Section(title="Check-ins", records=records) if records else None


@subject_access.register
def reminder_settings(*, patient) -> Section | None:
    preference = ReminderPreference.objects.filter(patient=patient).first()
    feed = CalendarFeed.objects.filter(patient=patient).only("created_at").first()
    records = []
    if preference is not None:
        records.append(
            _record(
                "Reminder preferences",
                [
                    ("enabled", "reminders on", preference.enabled),
                    ("channel", "channel", preference.get_channel_display()),
                    ("local_times", "times", preference.local_times),
                    ("days_of_week", "days (Monday = 1 ... Sunday = 64)", preference.days_of_week),
                    ("quiet_start", "quiet hours from", preference.quiet_start),
                    ("quiet_end", "quiet hours to", preference.quiet_end),
                    ("paused_until", "paused until", preference.paused_until),
                ],
            )
        )
    if feed is not None:
        records.append(_record("Calendar feed", [("created_at", "link made at", feed.created_at)]))
    return Section(title="Reminders", records=records) if records else None

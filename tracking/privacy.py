"""Subject access and erasure for what the patient reported at home: session
logs and check-ins with the red-flag self-screen (patient-entered)."""

from __future__ import annotations

from patients import subject_access
from patients.subject_access import (
    CLINICIAN_ENTERED,
    PATIENT_ENTERED,
    Field,
    Record,
    Section,
    _plain,
)
from tracking.models import CheckIn, ProgressionDecision, SessionLog

LOG_FIELDS = [
    "outcome",
    "skip_reason",
    "sets_done",
    "reps_done",
    "hold_s_done",
    "duration_min_done",
    "pain_during",
    "difficulty",
]


def _json(value):
    # Answers stay structured in the JSON download.
    return value if isinstance(value, dict | list) else _plain(value)


@subject_access.register
def tracking_section(*, patient) -> Section | None:
    logs = (
        SessionLog.objects.filter(patient=patient)
        .select_related("prescription__exercise")
        .order_by("performed_on", "session_number")
    )
    records = [
        Record(
            title=f"Exercise log {log.performed_on:%d %b %Y} session {log.session_number}: {log.prescription.exercise.name}",
            fields=[
                Field(name, name.replace("_", " "), getattr(log, name), PATIENT_ENTERED)
                for name in LOG_FIELDS
                if getattr(log, name) not in (None, "")
            ],
        )
        for log in logs
    ]
    records += [
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
    records += [
        Record(
            title=f"Programme change {d.decided_at:%d %b %Y}: {d.get_kind_display()} "
            f"{d.get_status_display().lower()}",
            fields=[
                Field(name, label, _json(value), CLINICIAN_ENTERED)
                for name, label, value in (
                    ("reason", "reason", d.reason),
                    ("change", "change", d.change),
                    ("decided_at", "decided at", d.decided_at),
                )
                if value
            ],
        )
        for d in ProgressionDecision.objects.filter(patient=patient).order_by("decided_at")
    ]
    return Section(title="Home exercise and check-ins", records=records) if records else None


# Nothing to erase: logs and check-ins hold no free text (numbers and yes/no
# answers stay as clinical record).

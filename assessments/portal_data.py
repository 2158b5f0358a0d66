"""Subject access: questionnaires the patient answered in the portal."""

from __future__ import annotations

from assessments.models import EnteredBy, OutcomeResponse
from patients import subject_access
from patients.subject_access import PATIENT_ENTERED, Field, Record, Section, _plain


def _json(value):
    # Answers and times stay structured in the JSON download.
    return value if isinstance(value, dict | list) else _plain(value)


@subject_access.register
def portal_questionnaires(*, patient) -> Section | None:
    responses = OutcomeResponse.objects.filter(
        patient=patient, entered_by=EnteredBy.PATIENT
    ).order_by("assessed_on", "instrument_code")
    records = [
        Record(
            title=f"{r.instrument_code.upper()} {r.assessed_on.isoformat()}",
            fields=[
                Field(name, label, _json(value), PATIENT_ENTERED)
                for name, label, value in (
                    ("instrument_code", "questionnaire", r.instrument_code),
                    ("instrument_version", "version", r.instrument_version),
                    ("scoring_rule_version", "scoring rule version", r.scoring_rule_version),
                    ("assessed_on", "day", r.assessed_on),
                    ("answers", "answers", r.answers),
                    ("total", "score", r.total),
                    ("band", "band", r.band),
                )
            ],
        )
        for r in responses
    ]
    return Section(title="Questionnaires you answered", records=records) if records else None

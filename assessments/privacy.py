"""Assessments in subject-access exports and erasure (issue 7)."""

from __future__ import annotations

from assessments.models import (
    Amendment,
    Assessment,
    OutcomeResponse,
    QuestionnaireDraft,
    RedFlagEvent,
    RedFlagResolution,
)
from patients import erasure, subject_access
from patients.subject_access import CLINICIAN_ENTERED, Field, Record, Section, record_from_instance

ASSESSMENT_SKIP = {
    "id",
    "patient",
    "clinician",
    "signed_by",
    "signed_at",
    "created_at",
    "updated_at",
}
FREE_TEXT = [
    "aggravating_factors",
    "easing_factors",
    "pattern_24h",
    "medications",
    "occupation",
    "goals",
    "pain_quality",
    "reflexes",
    "impression_notes",
]


@subject_access.register
def assessments_section(*, patient) -> Section | None:
    assessments = list(
        Assessment.objects.filter(patient=patient).order_by("assessed_on", "created_at")
    )
    responses = list(
        OutcomeResponse.objects.filter(patient=patient).order_by("assessed_on", "created_at")
    )
    events = list(
        RedFlagEvent.objects.filter(patient=patient).select_related("resolution").order_by("pk")
    )
    drafts = list(QuestionnaireDraft.objects.filter(patient=patient).order_by("instrument_code"))
    if not (assessments or responses or events or drafts):
        return None
    names = [
        f.name
        for f in Assessment._meta.concrete_fields
        if f.name not in ASSESSMENT_SKIP and not f.is_relation
    ]
    records = [
        record_from_instance(
            a,
            title=f"{a.get_kind_display()} assessment, {a.assessed_on:%d %b %Y}",
            names=names,
            patient_user_id=patient.user_id,
        )
        for a in assessments
    ]
    for r in responses:
        entered = getattr(r, "entered_by", "") or CLINICIAN_ENTERED
        source = subject_access.PATIENT_ENTERED if entered == "patient" else CLINICIAN_ENTERED
        records.append(
            Record(
                title=f"{r.instrument_code.upper()} {r.assessed_on:%d %b %Y}",
                fields=[
                    Field("instrument_version", "instrument version", r.instrument_version, source),
                    Field("answers", "answers", r.answers, source),
                    Field("total", "total", r.total, CLINICIAN_ENTERED),
                    Field("band", "band", r.band, CLINICIAN_ENTERED),
                ],
            )
        )
    for event in events:
        fields = [
            Field("title", "red flag", event.title, CLINICIAN_ENTERED),
            Field("urgency", "urgency", event.urgency, CLINICIAN_ENTERED),
        ]
        resolution = getattr(event, "resolution", None)
        if resolution is not None:
            fields.append(
                Field("resolution", "action recorded", resolution.note, CLINICIAN_ENTERED)
            )
        records.append(Record(title=f"Red flag {event.rule_id}", fields=fields))
    for draft in drafts:
        # A questionnaire started in the portal and not sent yet (issue 18).
        records.append(
            Record(
                title=f"{draft.instrument_code.upper()} not sent yet",
                fields=[
                    Field(
                        "answers", "answers so far", draft.answers, subject_access.PATIENT_ENTERED
                    ),
                    Field("step", "screen reached", draft.step, subject_access.PATIENT_ENTERED),
                    Field(
                        "updated_at",
                        "last changed",
                        draft.updated_at.isoformat(),
                        subject_access.PATIENT_ENTERED,
                    ),
                ],
            )
        )
    return Section(title="Assessments", records=records)


@erasure.register
def erase_assessments(*, patient) -> None:
    # Free text can hold anything personal; structured findings and the
    # immutable red-flag events (rule ids and standard text) stay as ids.
    erasure.erase_free_text(Assessment.objects.filter(patient=patient), FREE_TEXT)
    erasure.erase_free_text(Amendment.objects.filter(assessment__patient=patient), ["reason"])
    erasure.erase_free_text(RedFlagResolution.objects.filter(event__patient=patient), ["note"])
    OutcomeResponse.objects.filter(patient=patient).update(answers={}, labels={})
    QuestionnaireDraft.objects.filter(patient=patient).delete()
    OutcomeResponse.history.model.objects.filter(patient_id=patient.pk).delete()

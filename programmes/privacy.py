"""Treatment plans in subject-access exports and erasure (issue 7)."""

from __future__ import annotations

from patients import erasure, subject_access
from patients.subject_access import (
    CLINICIAN_ENTERED,
    Field,
    Record,
    Section,
    record_from_instance,
)
from programmes.models import (
    PlanGoal,
    PlanIntervention,
    Prescription,
    PrescriptionClip,
    ProgrammeVersion,
    TreatmentPlan,
)

PLAN_FIELDS = ["title", "status", "start_on", "review_on", "working_diagnosis", "pain_rule"]


@subject_access.register
def programmes_section(*, patient) -> Section | None:
    plans = list(
        TreatmentPlan.objects.filter(patient=patient)
        .prefetch_related("goals", "versions__prescriptions__exercise")
        .order_by("created_at")
    )
    if not plans:
        return None
    records = []
    for plan in plans:
        record = record_from_instance(
            plan,
            title=f"Treatment plan: {plan.title}",
            names=PLAN_FIELDS,
            patient_user_id=patient.user_id,
        )
        record.fields += [
            Field(
                "goal",
                f"{g.get_term_display()} goal",
                f"{g.description} (target {g.target_value} by {g.target_on})",
                CLINICIAN_ENTERED,
            )
            for g in plan.goals.all()
        ]
        for version in plan.versions.all():
            record.fields += [
                Field(
                    "prescription",
                    f"version {version.number}",
                    f"{p.exercise.name}: {p.sets} sets",
                    CLINICIAN_ENTERED,
                )
                for p in version.prescriptions.all()
            ]
        records.append(record)
    return Section(title="Treatment plans", records=records)


@subject_access.register
def clips_section(*, patient) -> Section | None:
    """Clips of the patient (issue 15): when, which exercise, the caption and
    the link the patient opens it with (signed in to the portal)."""
    clips = list(
        PrescriptionClip.objects.filter(patient=patient).select_related("exercise", "recorded_by")
    )
    if not clips:
        return None
    records = []
    for clip in clips:
        record = Record(title=f"Exercise clip of {clip.exercise.name}")
        record.fields = [
            Field("recorded_at", "recorded", clip.created_at.isoformat(), CLINICIAN_ENTERED),
            Field("exercise", "exercise", clip.exercise.name, CLINICIAN_ENTERED),
            Field("caption", "caption", clip.caption, CLINICIAN_ENTERED),
            Field("content_type", "video type", clip.content_type, CLINICIAN_ENTERED),
            Field("size", "size in bytes", clip.size, CLINICIAN_ENTERED),
            Field("file", "video", clip.url, CLINICIAN_ENTERED),
        ]
        records.append(record)
    return Section(title="Exercise clips", records=records)


@erasure.register
def erase_clips(*, patient) -> None:
    from programmes.clips import erase_clips as erase

    erase(patient)


@erasure.register
def erase_programmes(*, patient) -> None:
    plans = TreatmentPlan.objects.filter(patient=patient)
    erasure.erase_free_text(
        plans, ["title", "working_diagnosis", "pain_rule", "progression_criteria"]
    )
    erasure.erase_free_text(
        PlanGoal.objects.filter(plan__in=plans), ["description", "free_measure"]
    )
    erasure.erase_free_text(PlanIntervention.objects.filter(plan__in=plans), ["description"])
    erasure.erase_free_text(ProgrammeVersion.objects.filter(plan__in=plans), ["change_note"])
    erasure.erase_free_text(Prescription.objects.filter(version__plan__in=plans), ["notes"])

"""Plans, session logs and alerts in subject-access exports and erasure (issue 7)."""

from __future__ import annotations

from patients import erasure, subject_access
from patients.subject_access import (
    CLINICIAN_ENTERED,
    PATIENT_ENTERED,
    Field,
    Record,
    Section,
    record_from_instance,
)
from programmes.models import (
    Alert,
    PlanGoal,
    PlanIntervention,
    Prescription,
    ProgrammeVersion,
    ReminderPreference,
    SessionLog,
    TreatmentPlan,
)

PLAN_FIELDS = ["title", "status", "start_on", "review_on", "working_diagnosis", "pain_rule"]
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


@subject_access.register
def programmes_section(*, patient) -> Section | None:
    plans = list(
        TreatmentPlan.objects.filter(patient=patient)
        .prefetch_related("goals", "versions__prescriptions__exercise")
        .order_by("created_at")
    )
    logs = list(
        SessionLog.objects.filter(patient=patient)
        .select_related("prescription__exercise")
        .order_by("performed_on", "session_number")
    )
    preference = ReminderPreference.objects.filter(patient=patient).first()
    if not (plans or logs or preference):
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
    for log in logs:
        records.append(
            Record(
                title=f"Exercise log {log.performed_on:%d %b %Y} session {log.session_number}: {log.prescription.exercise.name}",
                fields=[
                    Field(name, name.replace("_", " "), getattr(log, name), PATIENT_ENTERED)
                    for name in LOG_FIELDS
                    if getattr(log, name) not in (None, "")
                ],
            )
        )
    if preference is not None:
        records.append(
            record_from_instance(
                preference,
                title="Reminder preferences",
                names=list(ReminderPreference.SETTING_FIELDS),
                patient_user_id=patient.user_id,
            )
        )
    return Section(title="Treatment plans and home exercise", records=records)


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
    erasure.erase_free_text(Alert.objects.filter(patient=patient), ["summary", "resolution_note"])
    ReminderPreference.objects.filter(patient=patient).delete()

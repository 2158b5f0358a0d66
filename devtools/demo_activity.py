"""Demo activity for seed_demo (issue 13): many demo patients get a signed
assessment, an active plan from their condition's template started two to
eight weeks ago, session logs in several adherence profiles, weekly check-ins
and the alerts that follow; a few red-flag check-ins leave their plans paused.

Idempotent: a patient who already has a plan is left alone.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Condition
from patients.models import Patient, Status
from programmes import services as plan_services
from programmes.library import library_sync
from programmes.models import ProgrammeTemplate, TreatmentPlan
from tracking.adherence import adherence_snapshot_all
from tracking.alert_rules import alerts_evaluate_patient
from tracking.models import CheckIn, Effort, SessionLog, SessionOutcome, SkipReason
from tracking.services import check_in_submit

PATIENTS_PER_CLINIC = 20
# Referral reason keyword -> (template slug, working diagnosis)
TEMPLATES = (
    ("Sciatica", "sciatica-graded-activity", Condition.LUMBAR_RADICULAR_PAIN),
    ("PAD", "pad-set", Condition.PAD_CLAUDICATION),
    ("Patellofemoral", "pfp-hip-knee", Condition.PATELLOFEMORAL_PAIN),
    ("Achilles", "achilles-alfredson", Condition.MIDPORTION_ACHILLES),
    ("Plantar", "plantar-heel-stretch", Condition.PLANTAR_HEEL_PAIN),
    ("bone stress", "bsi-return-to-running", Condition.BONE_STRESS_INJURY),
    ("Hamstring", "hamstring-strain", Condition.MUSCLE_STRAIN),
    ("ankle sprain", "ankle-sprain", Condition.ANKLE_SPRAIN),
    ("osteoarthritis", "knee-oa-quads", Condition.KNEE_OA),
    ("compartment", "cecs-gait-retraining", Condition.CECS),
)
# Adherence profiles: the chance that a due session is done, from the first
# day to the last, and how a missed one is logged.
PROFILES = ("good", "falling_away", "skipping_for_pain", "partial", "good", "lapsed")
RED_FLAG_EVERY = 13  # every 13th seeded patient reports a red flag (plan paused)


def _template_for(reason: str):
    for keyword, slug, condition in TEMPLATES:
        if keyword.lower() in reason.lower():
            return slug, condition
    return "achilles-alfredson", Condition.OTHER


def _chance(profile: str, progress: float) -> float:
    return {
        "good": 0.92,
        "falling_away": 0.95 - 0.8 * progress,
        "skipping_for_pain": 0.55,
        "partial": 0.5,
        "lapsed": 0.9 if progress < 0.3 else 0.05,
    }[profile]


def _logs(rng: random.Random, patient: Patient, version, start, end, profile: str) -> list:
    logs = []
    days = max((end - start).days, 1)
    day = start
    while day <= end:
        progress = (day - start).days / days
        due = version.due_on(day)
        sessions = max((p.sessions_per_day for p in due), default=0)
        for number in range(1, sessions + 1):
            roll = rng.random()
            if roll < _chance(profile, progress):
                outcome, reason = SessionOutcome.DONE, ""
            elif profile == "partial" and roll < 0.9:
                outcome, reason = SessionOutcome.PARTIAL, ""
            elif profile == "lapsed" and progress >= 0.3:
                continue  # not logged at all
            elif rng.random() < 0.6:
                reason = (
                    SkipReason.PAIN
                    if profile == "skipping_for_pain"
                    else rng.choice([SkipReason.NO_TIME, SkipReason.FORGOT, SkipReason.PAIN])
                )
                outcome = SessionOutcome.SKIPPED
            else:
                continue
            base_pain = 5 if profile == "skipping_for_pain" else 3
            for p in due:
                if p.sessions_per_day < number:
                    continue
                logs.append(
                    SessionLog(
                        patient=patient,
                        version=version,
                        prescription=p,
                        performed_on=day,
                        session_number=number,
                        outcome=outcome,
                        skip_reason=reason,
                        sets_done=max(1, (p.sets or 2) - 1)
                        if outcome == SessionOutcome.PARTIAL
                        else None,
                        pain_during=None
                        if outcome == SessionOutcome.SKIPPED
                        else max(0, min(10, base_pain + rng.randint(-2, 2) - int(2 * progress))),
                        difficulty=None
                        if outcome == SessionOutcome.SKIPPED
                        else rng.choice([Effort.EASY, Effort.ABOUT_RIGHT, Effort.HARD]),
                    )
                )
        day += timedelta(days=1)
    return logs


@transaction.atomic
def _seed_patient(rng: random.Random, patient: Patient, index: int) -> int:
    clinician = patient.assigned_clinician
    assert clinician is not None
    user = clinician.user
    today = patient.local_today()
    weeks = rng.randint(2, 8)
    start = today - timedelta(weeks=weeks)
    slug, condition = _template_for(patient.referral_reason)
    assessment = assessment_services.assessment_create(
        patient=patient, clinician=clinician, assessed_on=start - timedelta(days=1), by=user
    )
    assessment_services.assessment_save_section(
        assessment=assessment,
        changes={
            "onset_on": start - timedelta(weeks=rng.randint(2, 20)),
            "duration_weeks": rng.randint(2, 20),
            "aggravating_factors": patient.referral_reason,
            "occupation": rng.choice(["Teacher", "Nurse", "Retired", "Builder", "Student"]),
            "nprs_current": rng.randint(3, 7),
            "nprs_worst": rng.randint(6, 9),
            "working_diagnosis": condition,
        },
        section="history",
        by=user,
    )
    assessment_services.assessment_sign(assessment=assessment, by=user)
    template = ProgrammeTemplate.objects.get(clinic=None, slug=slug)
    plan = plan_services.plan_create(
        patient=patient, by=user, start_on=start, template=template, assessment=assessment
    )
    version = plan_services.plan_activate(plan=plan, by=user)
    # Back-date the activation to the start (demo history; the service
    # activates from today).
    version.valid_from = start
    version.save(update_fields=["valid_from"])
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        activated_at=timezone.now() - timedelta(weeks=weeks)
    )
    version.refresh_from_db()
    profile = PROFILES[index % len(PROFILES)]
    logs = _logs(rng, patient, version, start, today - timedelta(days=1), profile)
    SessionLog.objects.bulk_create(logs, batch_size=1000)
    pain = rng.randint(4, 7)
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                patient=patient,
                checked_on=start + timedelta(weeks=w),
                pain_now=max(0, min(10, pain - w + (3 if profile == "skipping_for_pain" else 0))),
                answers={},
            )
            for w in range(weeks)
        ]
    )
    if index % RED_FLAG_EVERY == RED_FLAG_EVERY - 1:
        # A red flag at home: the plan pauses until a clinician resumes it.
        check_in_submit(patient=patient, pain_now=7, answers={"calf": True})
    alerts_evaluate_patient(patient)
    return len(logs)


def seed_demo_activity(*, stdout=None) -> int:
    """Give demo patients a programme and its history; returns logs created."""
    if not ProgrammeTemplate.objects.filter(clinic=None).exists():
        library_sync()
    created = 0
    rng = random.Random(13)
    patients = (
        Patient.objects.filter(status=Status.ACTIVE, assigned_clinician__isnull=False)
        .select_related("clinic", "assigned_clinician__user")
        .order_by("clinic__name", "last_name", "first_name", "pk")
    )
    per_clinic: dict = {}
    for index, patient in enumerate(patients):
        count = per_clinic.get(patient.clinic_id, 0)
        if count >= PATIENTS_PER_CLINIC:
            continue
        per_clinic[patient.clinic_id] = count + 1
        if TreatmentPlan.objects.filter(patient=patient).exists():
            continue
        created += _seed_patient(rng, patient, index)
    if created:
        adherence_snapshot_all()
    if stdout is not None:
        stdout.write(f"Demo activity ready ({created} new session logs).")
    return created

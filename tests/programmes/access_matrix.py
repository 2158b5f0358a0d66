"""Access matrix entries for the programmes app (see tests/urlmatrix.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from exercises.models import Exercise
from programmes.models import PlanGoal, PlanIntervention, ProgrammeTemplate, TemplatePhase
from tests.programmes.helpers import ensure_library, make_plan
from tests.urlmatrix import ADMIN_ONLY, ALL_STAFF, CLINICAL, CLINICAL_POST, OWN_CLINIC


def _plan(ctx):
    return [ctx["plan"].pk]


def _rx(ctx):
    return [ctx["plan"].pk, ctx["prescription"].pk]


# Reminder preferences are not clinical: every staff role of the clinic.
OWN_PATIENT = {**ALL_STAFF, "colleague": 404}
# The unsubscribe link works for anyone holding it (no login).
EVERYONE = dict.fromkeys(
    ["anonymous", "patient", "reception", "clinician", "colleague", "clinic_admin"], 200
)
ALERTS = {**CLINICAL, "colleague": 200}  # the list is scoped, not refused
ALERT_POST = {**CLINICAL, "clinician": 405, "clinic_admin": 405}

STAFF_MATRIX = {
    "reminders:preferences": (lambda ctx: [ctx["patient_record"].pk], OWN_PATIENT),
    "alerts:list": (None, ALERTS),
    "alerts:acknowledge": (lambda ctx: [ctx["alert"].pk], ALERT_POST),
    "alerts:resolve": (lambda ctx: [ctx["alert"].pk], ALERT_POST),
    "alerts:snooze": (lambda ctx: [ctx["alert"].pk], ALERT_POST),
    "reminders:unsubscribe": (lambda ctx: [ctx["unsubscribe_token"]], EVERYONE),
    "exercises:list": (None, ALL_STAFF),
    "exercises:create": (None, ADMIN_ONLY),
    "exercises:detail": (lambda ctx: [ctx["clinic_exercise"].pk], OWN_CLINIC),
    "programmes:template-list": (None, ALL_STAFF),
    "programmes:template-detail": (lambda ctx: [ctx["shipped_template"].pk], ALL_STAFF),
    "programmes:plan-create": (lambda ctx: [ctx["patient_record"].pk], CLINICAL),
    "programmes:plan-detail": (_plan, CLINICAL),
    "programmes:plan-edit": (_plan, CLINICAL),
    "programmes:plan-versions": (_plan, CLINICAL),
    "programmes:plan-handout": (_plan, CLINICAL),
    "programmes:prescription-edit": (_rx, CLINICAL),
    "programmes:plan-activate": (_plan, CLINICAL_POST),
    "programmes:plan-close": (_plan, CLINICAL_POST),
    "programmes:plan-pause": (_plan, CLINICAL_POST),
    "programmes:plan-resume": (_plan, CLINICAL_POST),
    "programmes:prescription-add": (_plan, CLINICAL_POST),
    "programmes:prescription-remove": (_rx, CLINICAL_POST),
    "programmes:prescription-move": (_rx, CLINICAL_POST),
    "programmes:goal-add": (_plan, CLINICAL_POST),
    "programmes:goal-remove": (lambda ctx: [ctx["plan"].pk, ctx["goal"].pk], CLINICAL_POST),
    "programmes:intervention-add": (_plan, CLINICAL_POST),
    "programmes:intervention-remove": (
        lambda ctx: [ctx["plan"].pk, ctx["intervention"].pk],
        CLINICAL_POST,
    ),
}

ADMIN_MODELS = {
    "exercises_exercise": ("clinic_exercise", "other_clinic_exercise"),
    "programmes_programmetemplate": ("clinic_template", "other_clinic_template"),
    "programmes_templatephase": ("clinic_phase", "other_clinic_phase"),
    "programmes_treatmentplan": ("plan", "other_plan"),
    "programmes_prescription": ("prescription", "other_prescription"),
    "reminders_reminderoccurrence": ("occurrence", "other_occurrence"),
    "tracking_sessionlog": ("session_log", "other_session_log"),
    "reminders_reminderpreference": ("reminder_preference", "other_reminder_preference"),
    "alerts_alert": ("alert", "other_alert"),
    "tracking_adherencesnapshot": ("snapshot", "other_snapshot"),
}
ADMIN_ADD_ALLOWED = {
    "exercises_exercise",
    "programmes_programmetemplate",
    "programmes_templatephase",
}


def _clinic_exercise(clinic, name):
    return Exercise.objects.create(
        clinic=clinic,
        slug=name.lower().replace(" ", "-"),
        name=name,
        body_region="knee",
        category="strength",
        default_reps=10,
        patient_steps="Stand up.\nSit down.",
    )


def _clinic_template(clinic, name):
    template = ProgrammeTemplate.objects.create(
        clinic=clinic,
        slug=name.lower().replace(" ", "-"),
        name=name,
        condition="Knee pain",
        duration_weeks=6,
        pain_rule="Up to 3/10.",
    )
    TemplatePhase.objects.create(template=template, number=1, name="Load", duration_weeks=6)
    return template


def extend_ctx(ctx) -> None:
    ensure_library()
    start = date(2026, 3, 2)
    ctx["clinic_exercise"] = _clinic_exercise(ctx["clinic"], "Riverside step drill")
    ctx["other_clinic_exercise"] = _clinic_exercise(ctx["other_clinic"], "Harbour hop drill")
    ctx["clinic_template"] = _clinic_template(ctx["clinic"], "Riverside knee plan")
    ctx["other_clinic_template"] = _clinic_template(ctx["other_clinic"], "Harbour knee plan")
    ctx["clinic_phase"] = ctx["clinic_template"].phases.get()
    ctx["other_clinic_phase"] = ctx["other_clinic_template"].phases.get()
    ctx["shipped_template"] = ProgrammeTemplate.objects.get(clinic=None, slug="achilles-alfredson")
    clinician, colleague = ctx["users"]["clinician"], ctx["users"]["colleague"]
    plan = make_plan(ctx["patient_record"], clinician, start_on=start)
    other = make_plan(ctx["other_patient_record"], colleague, start_on=start)
    ctx["plan"], ctx["other_plan"] = plan, other
    ctx["prescription"] = plan.current_version().prescriptions.first()
    ctx["other_prescription"] = other.current_version().prescriptions.first()
    ctx["goal"] = PlanGoal.objects.create(
        plan=plan,
        term="short",
        description="Walk pain-free",
        free_measure="minutes",
        target_value=30,
        target_on=date(2026, 4, 1),
    )
    ctx["intervention"] = PlanIntervention.objects.create(
        plan=plan, kind="manual", sessions_per_week=1, weeks=6
    )
    _extend_reminders(ctx)


def _activity(ctx, patient, plan, suffix: str) -> None:
    from alerts.services import alert_raise
    from reminders.models import ReminderOccurrence, ReminderPreference
    from reminders.tokens import unsubscribe_token
    from tracking.models import AdherenceSnapshot, SessionLog

    prescription = plan.current_version().prescriptions.first()
    ctx["occurrence" + suffix] = ReminderOccurrence.objects.create(
        patient=patient,
        channel="email",
        local_date=date(2026, 3, 3),
        slot="08:00",
        due_at=datetime(2026, 3, 3, 8, tzinfo=UTC),
    )
    ctx["session_log" + suffix] = SessionLog.objects.create(
        patient=patient,
        version=prescription.version,
        prescription=prescription,
        performed_on=date(2026, 3, 3),
        outcome="done",
    )
    ctx["reminder_preference" + suffix] = ReminderPreference.objects.create(patient=patient)
    ctx["alert" + suffix] = alert_raise(
        patient=patient, kind="no_logs", urgency=3, summary="No exercise logged for 5 days"
    )
    ctx["snapshot" + suffix] = AdherenceSnapshot.objects.create(
        patient=patient,
        week_start=date(2026, 3, 2),
        prescribed=14,
        completed=7,
        percent=50,
        threshold_percent=80,
        adherent=False,
        rule_version="sessions-v1",
    )
    if not suffix:
        ctx["unsubscribe_token"] = unsubscribe_token(patient.pk)


def _extend_reminders(ctx) -> None:
    _activity(ctx, ctx["patient_record"], ctx["plan"], "")
    _activity(ctx, ctx["other_patient_record"], ctx["other_plan"], "_other")
    for key in ("occurrence", "session_log", "reminder_preference", "alert", "snapshot"):
        ctx["other_" + key] = ctx.pop(key + "_other")

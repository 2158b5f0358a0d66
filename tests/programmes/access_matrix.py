"""Access matrix entries for the programmes app (see tests/urlmatrix.py)."""

from __future__ import annotations

from datetime import date

from programmes.models import (
    Exercise,
    PlanGoal,
    PlanIntervention,
    ProgrammeTemplate,
    TemplatePhase,
)
from tests.programmes.helpers import ensure_library, make_plan
from tests.urlmatrix import ADMIN_ONLY, ALL_STAFF, CLINICAL, CLINICAL_POST, OWN_CLINIC


def _plan(ctx):
    return [ctx["plan"].pk]


def _rx(ctx):
    return [ctx["plan"].pk, ctx["prescription"].pk]


STAFF_MATRIX = {
    "programmes:exercise-list": (None, ALL_STAFF),
    "programmes:exercise-create": (None, ADMIN_ONLY),
    "programmes:exercise-detail": (lambda ctx: [ctx["clinic_exercise"].pk], OWN_CLINIC),
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
    "programmes_exercise": ("clinic_exercise", "other_clinic_exercise"),
    "programmes_programmetemplate": ("clinic_template", "other_clinic_template"),
    "programmes_templatephase": ("clinic_phase", "other_clinic_phase"),
    "programmes_treatmentplan": ("plan", "other_plan"),
    "programmes_prescription": ("prescription", "other_prescription"),
}
ADMIN_ADD_ALLOWED = {
    "programmes_exercise",
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

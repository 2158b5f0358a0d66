"""What the reminders and portal apps may ask of programmes (kept small and stable).

Dates are the patient's local dates (``Patient.local_today``): a programme day
is a day in the patient's own time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet, Subquery

from assessments import api as assessments_api
from exercises import services as exercises_services
from patients.models import Patient
from programmes.models import PlanStatus, Prescription, ProgrammeVersion, TreatmentPlan
from programmes.progression import CLAUDICATION_EXERCISES

if TYPE_CHECKING:
    from assessments.models import Assessment

__all__ = [
    "active_plan",
    "attach_clips",
    "attach_media",
    "ces_safety_netting_for",
    "exercises_due",
    "group_by_phase",
    "handout_pdf",
    "paused_plan",
    "version_on",
]


def _active_plans(patient: Patient) -> QuerySet[TreatmentPlan]:
    return TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).order_by(
        "-activated_at"
    )


def active_plan(patient: Patient) -> TreatmentPlan | None:
    """The patient's active plan (the most recently activated if, unusually, several)."""
    return _active_plans(patient).first()


def paused_plan(patient: Patient) -> TreatmentPlan | None:
    """The patient's paused plan (issue 13), if any: one query."""
    return (
        TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.PAUSED)
        .order_by("-updated_at")
        .first()
    )


def version_on(
    patient: Patient, day: date, *, prescriptions: QuerySet[Prescription] | None = None
) -> ProgrammeVersion | None:
    """The version of the patient's active plan in force on ``day`` (session
    logs point at this row), with its plan and its prescriptions: two queries.
    ``prescriptions`` is the queryset to prefetch; by default with their
    exercises, in programme order."""
    if prescriptions is None:
        prescriptions = Prescription.objects.select_related("exercise").order_by(
            "phase", "order", "id"
        )
    return (
        ProgrammeVersion.objects.filter(plan_id=Subquery(_active_plans(patient).values("id")[:1]))
        .in_force_on(day)
        .select_related("plan")
        .prefetch_related(Prefetch("prescriptions", queryset=prescriptions))
        .first()
    )


def exercises_due(patient: Patient, day: date) -> list[Prescription]:
    """The prescriptions due on ``day``, in programme order (empty on rest days)."""
    version = version_on(patient, day)
    return version.due_on(day) if version else []


def attach_clips(patient: Patient, prescriptions: Iterable[Prescription]) -> None:
    """``clips`` on each prescription: the clips of this patient (one query)."""
    from programmes.clips import attach_clips as attach

    attach(patient, prescriptions)


def handout_pdf(context: dict) -> bytes:
    """The handout (the context of ``programmes/plan_handout.html``) as a PDF."""
    from programmes.pdf import handout_pdf as make

    return make(context)


def attach_media(prescriptions: Iterable[Prescription], clinic_id: object) -> None:
    """Each prescription's exercise gets ``media_items``: the clinic's pictures
    and videos of it, in order (one query for all of them)."""
    exercises_services.attach_media([p.exercise for p in prescriptions], clinic_id)


def group_by_phase(prescriptions: Iterable[Prescription]) -> list[dict]:
    """Prescriptions (in programme order) as phases: ``{"number", "name",
    "rows"}``, for the plan page, the handout and the portal."""
    phases: list[dict] = []
    for p in prescriptions:
        if not phases or phases[-1]["number"] != p.phase:
            phases.append({"number": p.phase, "name": p.phase_name, "rows": []})
        phases[-1]["rows"].append(p)
    return phases


# The shipped sciatica template (SPEC 4.6): its plans are back-related leg pain.
BACK_RELATED_TEMPLATE_SLUGS = frozenset({"sciatica-graded-activity"})


def _back_related(patient: Patient, plan: TreatmentPlan | None) -> tuple[bool, Assessment | None]:
    """Whether the plan is for back-related leg pain, and the assessment that decided it
    (None when the sciatica template did): the plan's assessment when it has a working
    diagnosis; otherwise a plan from the sciatica template, or the patient's latest
    assessment with a working diagnosis."""
    assessment = plan.assessment if plan is not None and plan.assessment_id else None
    if assessment is not None and assessment.working_diagnosis:
        return assessments_api.is_back_related(assessment), assessment
    template = plan.template if plan is not None and plan.template_id else None
    if template is not None and template.slug in BACK_RELATED_TEMPLATE_SLUGS:
        return True, None
    latest = assessments_api.latest_diagnosed_assessment(patient)
    return assessments_api.is_back_related(latest), latest


def ces_safety_netting_for(patient: Patient, plan: TreatmentPlan | None = None) -> bool:
    """Whether the patient is given the cauda equina safety-netting advice (SPEC product
    decisions "Cauda equina"; SPEC 1.4 [S17]): back-related leg pain, unless the deciding
    assessment's cauda equina rule fired (then the patient is sent to A&E instead)."""
    related, assessment = _back_related(patient, plan)
    return related and (
        assessment is None or assessments_api.assessment_needs_ces_safety_netting(assessment)
    )


def back_related_leg_pain(patient: Patient, plan: TreatmentPlan | None) -> bool:
    """Whether the patient is asked the sciatica self-tracking questions (issue 14)."""
    return _back_related(patient, plan)[0]


def asks_claudication_onset(prescription: Prescription) -> bool:
    """Whether the session log asks when the claudication pain began (PAD walking)."""
    return prescription.exercise.slug in CLAUDICATION_EXERCISES

"""Condition templates, treatment plans and versioned home-exercise programmes.

The exercise library is in ``exercises``; what patients do with a programme
(logs, check-ins, adherence) is in ``tracking``.
"""

from programmes.models.clips import PrescriptionClip
from programmes.models.emails import ProgrammeEmail, ProgrammeEmailState
from programmes.models.plans import (
    GoalTerm,
    InterventionKind,
    PlanGoal,
    PlanIntervention,
    PlanStatus,
    TreatmentPlan,
    TreatmentPlanQuerySet,
)
from programmes.models.templates import (
    OutcomeSchedule,
    ProgrammeTemplate,
    ProgrammeTemplateQuerySet,
    TemplateExercise,
    TemplatePhase,
)
from programmes.models.versions import Prescription, ProgrammeVersion, ProgrammeVersionQuerySet

__all__ = [
    "GoalTerm",
    "InterventionKind",
    "OutcomeSchedule",
    "PlanGoal",
    "PlanIntervention",
    "PlanStatus",
    "Prescription",
    "PrescriptionClip",
    "ProgrammeEmail",
    "ProgrammeEmailState",
    "ProgrammeTemplate",
    "ProgrammeTemplateQuerySet",
    "ProgrammeVersion",
    "ProgrammeVersionQuerySet",
    "TemplateExercise",
    "TemplatePhase",
    "TreatmentPlan",
    "TreatmentPlanQuerySet",
]

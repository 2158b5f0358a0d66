"""Access-matrix entries for the assessment pages and admin (tests/urlmatrix.py)."""

from __future__ import annotations

from datetime import date

from assessments import services
from assessments.models import ResolutionKind
from tests.urlmatrix import CLINICAL, CLINICAL_POST


def _patient(ctx):
    return [ctx["patient_record"].pk]


def _assessment(ctx):
    return [ctx["patient_record"].pk, ctx["assessment"].pk]


STAFF_MATRIX = {
    "assessments:create": (_patient, CLINICAL),
    "assessments:detail": (_assessment, CLINICAL),
    "assessments:summary": (_assessment, CLINICAL),
    "assessments:print": (_assessment, CLINICAL),
    "assessments:pdf": (_assessment, CLINICAL),
    "assessments:measure": (lambda ctx: [*_assessment(ctx), "lefs"], CLINICAL),
    "assessments:section": (lambda ctx: [*_assessment(ctx), "history"], CLINICAL_POST),
    "assessments:sign": (_assessment, CLINICAL_POST),
    "assessments:resolve": (
        lambda ctx: [*_assessment(ctx), ctx["red_flag_event"].pk],
        CLINICAL_POST,
    ),
}

ADMIN_MODELS = {
    "assessments_assessment": ("assessment", "other_assessment"),
    "assessments_redflagevent": ("red_flag_event", "other_red_flag_event"),
    "assessments_redflagresolution": ("red_flag_resolution", "other_red_flag_resolution"),
    "assessments_outcomeresponse": ("outcome_response", "other_outcome_response"),
}
ADMIN_ADD_ALLOWED: set[str] = set()
OTHER_NAMES = {
    # simple-history version pages: tests/assessments/test_admin.py
    "admin:assessments_assessment_simple_history",
    "admin:assessments_redflagresolution_simple_history",
    "admin:assessments_outcomeresponse_simple_history",
}


def make_objects(patient, member, user, prefix=""):
    assessment = services.assessment_create(
        patient=patient, clinician=member, assessed_on=date(2026, 3, 2), by=user
    )
    (event,) = services.assessment_save_section(
        assessment=assessment,
        changes={"red_flag_screen": {"dvt_suspected": "present"}},
        section="screen",
        by=user,
    )
    (event2,) = services.assessment_save_section(
        assessment=assessment,
        changes={"red_flag_screen": {"dvt_suspected": "present", "inf_red_hot_swollen": "present"}},
        section="screen",
        by=user,
    )
    resolution = services.red_flag_resolve(
        event=event2, kind=ResolutionKind.OVERRIDE, note="Gout confirmed by GP", by=user
    )
    response = services.outcome_response_save(
        assessment=assessment,
        instrument_code="nprs",
        answers={"current": 5, "best": 2, "worst": 7},
        by=user,
    )
    return {
        f"{prefix}assessment": assessment,
        f"{prefix}red_flag_event": event,
        f"{prefix}red_flag_resolution": resolution,
        f"{prefix}outcome_response": response,
    }


def extend_ctx(ctx):
    users = ctx["users"]
    ctx.update(make_objects(ctx["patient_record"], ctx["clinician_member"], users["clinician"]))
    ctx.update(
        make_objects(
            ctx["other_patient_record"], ctx["colleague_member"], users["colleague"], "other_"
        )
    )

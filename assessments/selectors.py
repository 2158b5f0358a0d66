"""Read-side helpers for the assessment pages: constant query counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from assessments import decision_support, red_flags
from assessments.instruments import Change, get_instrument
from assessments.models import (
    Amendment,
    Assessment,
    AssessmentKind,
    OutcomeResponse,
    RedFlagEvent,
)


def assessment_for_page(user, patient, assessment_id) -> Assessment:
    """The assessment with its patient, clinician, events (and resolutions) and responses."""
    return (
        Assessment.objects.for_user(user)
        .filter(patient=patient)
        .select_related("patient__clinic", "clinician__user", "signed_by")
        .prefetch_related(
            Prefetch(
                "red_flags",
                queryset=RedFlagEvent.objects.select_related("resolution__by").order_by("fired_at"),
            ),
            "responses",
            Prefetch("amendments", queryset=Amendment.objects.select_related("by")),
        )
        .get(pk=assessment_id)
    )


@dataclass(frozen=True)
class ScoreLine:
    response: OutcomeResponse
    name: str
    total_display: str
    baseline: OutcomeResponse | None
    change: Change | None


def score_lines(assessment: Assessment) -> list[ScoreLine]:
    """Each response with its change against the episode baseline: the first
    score of the same instrument and version since the latest initial assessment."""
    responses = list(assessment.responses.all())
    if not responses:
        return []
    episode_start = (
        Assessment.objects.filter(
            patient_id=assessment.patient_id,
            kind=AssessmentKind.INITIAL,
            assessed_on__lte=assessment.assessed_on,
        )
        .order_by("-assessed_on")
        .values_list("assessed_on", flat=True)
        .first()
    ) or assessment.assessed_on
    candidates = (
        OutcomeResponse.objects.filter(
            patient_id=assessment.patient_id,
            instrument_code__in=[r.instrument_code for r in responses],
            assessed_on__gte=episode_start,
            assessed_on__lte=assessment.assessed_on,
            total__isnull=False,
        )
        .only(
            "id",
            "instrument_code",
            "instrument_version",
            "total",
            "answers",
            "assessed_on",
            "created_at",
        )
        .order_by("assessed_on", "created_at")
    )
    first: dict[tuple[str, str], OutcomeResponse] = {}
    for candidate in candidates:
        first.setdefault((candidate.instrument_code, candidate.instrument_version), candidate)
    lines = []
    for response in responses:
        instrument = get_instrument(response.instrument_code)
        baseline = first.get((response.instrument_code, response.instrument_version))
        change = None
        if baseline is not None and baseline.pk != response.pk and response.total is not None:
            if instrument.change_on_common_items:
                change = instrument.compare(baseline.answers, response.answers)
            else:
                change = instrument.change(baseline.total, response.total)
        lines.append(
            ScoreLine(
                response=response,
                name=instrument.name,
                total_display=instrument.format_total(response.total),
                baseline=baseline if baseline and baseline.pk != response.pk else None,
                change=change,
            )
        )
    return lines


def prompts_for(assessment: Assessment) -> list[decision_support.Prompt]:
    return decision_support.prompts(assessment.facts())


def open_red_flags_for_patients(patient_ids) -> list[RedFlagEvent]:
    return list(
        RedFlagEvent.objects.filter(patient_id__in=patient_ids)
        .unactioned()
        .select_related("patient", "assessment")
        .order_by("fired_at")[:50]
    )


def urgency_label(code: str) -> str:
    return red_flags.Urgency.LABELS.get(code, code)

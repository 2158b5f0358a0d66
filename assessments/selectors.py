"""Read-side helpers for the assessment pages: constant query counts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
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
from patients.models import Patient


def assessment_for_page(user: User, patient: Patient, assessment_id: uuid.UUID) -> Assessment:
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


def open_red_flags_for_patients(patient_ids: Iterable[uuid.UUID]) -> list[RedFlagEvent]:
    return list(
        RedFlagEvent.objects.filter(patient_id__in=patient_ids)
        .unactioned()
        .select_related("patient", "assessment")
        .order_by("fired_at")[:50]
    )


def urgency_label(code: str) -> str:
    return red_flags.Urgency.LABELS.get(code, code)


# --- Portal (issue 6): a patient's outcome trends, in plain words ---

TREND_POINTS_MAX = 200  # per patient: bounded, however long the history


@dataclass
class Trend:
    code: str
    name: str
    version: str
    labels: list[str]
    values: list[float]
    baseline: float
    baseline_on: date
    mcid: float | None
    higher_is_better: bool
    band: str
    summary: str

    @property
    def chart(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "labels": self.labels,
            "values": self.values,
            "baseline": self.baseline,
            "mcid": self.mcid,
        }


def _short(name: str) -> str:
    # "Lower Extremity Functional Scale (LEFS)" -> "LEFS"
    return name.rsplit("(", 1)[-1].rstrip(")") if "(" in name else name


def _when(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def patient_outcome_trends(patient: Patient) -> list[Trend]:
    """Each instrument and version the patient has scores for, clinician- and
    patient-entered together (one series per instrument + version, never mixed),
    with the change since the first score against the MCID. One query."""
    rows = list(
        OutcomeResponse.objects.filter(patient=patient, total__isnull=False)
        .order_by("instrument_code", "instrument_version", "-assessed_on", "-created_at")
        .values("instrument_code", "instrument_version", "assessed_on", "total", "band")[
            :TREND_POINTS_MAX
        ]
    )
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in reversed(rows):  # oldest first within each series
        groups.setdefault((row["instrument_code"], row["instrument_version"]), []).append(row)
    trends = []
    for (code, version), points in sorted(groups.items()):
        try:
            instrument = get_instrument(code)
        except KeyError:
            continue
        first, last = points[0], points[-1]
        short = _short(instrument.name)
        change = instrument.change(first["total"], last["total"])
        mcid_text = ""
        if instrument.mcid is not None:
            mcid_text = (
                f"; a change of {instrument.format_total(instrument.mcid)} points or more is a "
                "real change"
            )
        if len(points) == 1 or change is None:
            summary = (
                f"Your first {short} score, on {_when(first['assessed_on'])}, was "
                f"{instrument.format_total(first['total'])}"
                f" (range {instrument.format_total(instrument.minimum)} to "
                f"{instrument.format_total(instrument.maximum)}){mcid_text}."
            )
        else:
            diff = last["total"] - first["total"]
            moved = "rose" if diff > 0 else "fell" if diff < 0 else "stayed the same"
            points_text = (
                f" {instrument.format_total(abs(diff))} point{'s' if abs(diff) != 1 else ''}"
                if diff
                else ""
            )
            better = (
                " (better)" if change.improvement > 0 else " (worse)" if change.improvement else ""
            )
            summary = (
                f"Your {short} {moved}{points_text}{better} since "
                f"{_when(first['assessed_on'])}{mcid_text}."
            )
            if change.mcid_met is not None and diff:
                summary += (
                    " That is a real change."
                    if change.mcid_met
                    else " That is not yet a real change."
                )
        if last["band"]:
            summary += f" Your latest score is in the band: {last['band']}."
        trends.append(
            Trend(
                code=code,
                name=short,
                version=version,
                labels=[p["assessed_on"].isoformat() for p in points],
                values=[p["total"] for p in points],
                baseline=first["total"],
                baseline_on=first["assessed_on"],
                mcid=instrument.mcid,
                higher_is_better=instrument.higher_is_better,
                band=last["band"],
                summary=summary,
            )
        )
    return trends

"""Read-side helpers for the assessment pages: constant query counts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

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
    ScreenState,
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


# ---------------------------------------------------------------------------
# The whole record of one assessment, for the summary, print and PDF (issue 13):
# every recorded history, symptom and examination field, the red-flag screen
# and each instrument's items; nothing that was left blank.
# ---------------------------------------------------------------------------

HISTORY_FIELDS = (
    "onset_on",
    "mechanism",
    "side",
    "duration_weeks",
    "aggravating_factors",
    "easing_factors",
    "pattern_24h",
    "pmh_diabetes",
    "pmh_smoking",
    "pmh_cancer",
    "pmh_previous_dvt",
    "pmh_recent_surgery_or_immobilisation",
    "pmh_bedridden_3_days",
    "medications",
    "occupation",
    "activity_level",
    "goals",
)
SYMPTOM_FIELDS = (
    "regions",
    "distribution",
    "pain_types",
    "pain_quality",
    "nprs_current",
    "nprs_best",
    "nprs_worst",
    "numbness",
    "tingling",
    "weakness",
    "swelling",
    "redness",
    "warmth",
    "exertional",
    "relieved_by_rest",
    "rest_relief_minutes",
    "relieved_by_sitting_or_flexion",
    "relieved_by_elevation",
    "night_pain",
    "morning_stiffness_minutes",
)
EXAMINATION_FIELDS = (
    "reflexes",
    "straight_leg_raise",
    "slump",
    "pulses",
    "abi_left",
    "abi_right",
    "calf_circumference_diff_cm",
    "knee_flexion_deg",
)


@dataclass(frozen=True)
class RecordLine:
    label: str
    value: str


def _display(assessment: Assessment, name: str) -> str | None:
    """The recorded value in words, or None when nothing was recorded (a
    False checkbox is "no"; only history's yes/no items list a "No")."""
    field = Assessment._meta.get_field(name)
    value = getattr(assessment, name)
    if value is None or value == "" or value == [] or value == {}:
        return None
    if getattr(field, "choices", None):
        return str(getattr(assessment, f"get_{name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else None
    if isinstance(value, list):
        return ", ".join(
            str(v).replace(":", " (").replace("_", " ") + (")" if ":" in str(v) else "")
            for v in value
        )
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    return str(value)


def _label(name: str) -> str:
    field = Assessment._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _lines(assessment: Assessment, names: Iterable[str]) -> list[RecordLine]:
    lines = []
    for name in names:
        text = _display(assessment, name)
        if text is not None:
            label = _label(name)
            lines.append(RecordLine(label[:1].upper() + label[1:], text))
    return lines


@dataclass(frozen=True)
class InstrumentRecord:
    name: str
    version: str
    entered_by: str
    total: str
    band: str
    complete: bool
    items: list[RecordLine]


def _answer_text(item: Any, value: Any) -> str:
    for option in item.options:
        if option.value == value:
            return (
                f"{option.label} ({option.value:g})"
                if isinstance(option.value, (int, float))
                else option.label
            )
    if isinstance(value, bool):
        return "Present" if value else "Absent"
    return str(value)


def instrument_records(assessment: Assessment) -> list[InstrumentRecord]:
    """Each instrument of the assessment (Wells and Ottawa included) with every
    item as answered and the score."""
    records = []
    for response in assessment.responses.all():
        try:
            instrument = get_instrument(response.instrument_code)
        except KeyError:
            continue
        by_code = {i.code: i for i in instrument.item_defs}
        items = []
        for code, value in response.answers.items():
            item = by_code.get(code)
            label = response.labels.get(code) or (item.label if item else code)
            items.append(RecordLine(label, _answer_text(item, value) if item else str(value)))
        records.append(
            InstrumentRecord(
                name=instrument.name,
                version=response.instrument_version,
                entered_by=response.get_entered_by_display(),
                total=instrument.format_total(response.total),
                band=response.band,
                complete=response.complete,
                items=items,
            )
        )
    return records


@dataclass(frozen=True)
class AssessmentRecord:
    history: list[RecordLine]
    pmh_no: list[str]
    symptoms: list[RecordLine]
    myotomes: list[tuple[str, str, str]]
    examination: list[RecordLine]
    screen: list[tuple[str, str, str]]
    instruments: list[InstrumentRecord]


def assessment_record(assessment: Assessment) -> AssessmentRecord:
    """Every recorded field of the assessment in words (no queries beyond the
    responses, which the summary view has prefetched)."""
    pmh_no = [
        _label(n) for n in HISTORY_FIELDS if n.startswith("pmh_") and not getattr(assessment, n)
    ]
    myotomes = []
    for m in red_flags.MYOTOMES:
        left = getattr(assessment, f"power_{m.lower()}_left")
        right = getattr(assessment, f"power_{m.lower()}_right")
        if left is not None or right is not None:
            myotomes.append(
                (m, "—" if left is None else f"{left}/5", "—" if right is None else f"{right}/5")
            )
    states = dict(ScreenState.choices)
    screen = [
        (item.group, item.label, states.get(assessment.red_flag_screen[item.code], "?"))
        for item in red_flags.SCREEN_ITEMS
        if assessment.red_flag_screen.get(item.code) not in (None, "", ScreenState.NOT_ASSESSED)
    ]
    return AssessmentRecord(
        history=_lines(assessment, HISTORY_FIELDS),
        pmh_no=pmh_no,
        symptoms=_lines(assessment, SYMPTOM_FIELDS),
        myotomes=myotomes,
        examination=_lines(assessment, EXAMINATION_FIELDS),
        screen=screen,
        instruments=instrument_records(assessment),
    )

"""Sciatica self-tracking (issue 14): at each portal check-in, patients with back-related
leg pain (``programmes.api.back_related_leg_pain``) report back pain and leg pain
separately (0-10), how far down the leg the pain reaches, and numbness or weakness.

The rules (each awaiting clinical review like every rule here):

- trend: the leg pain reaching further down the leg than at the previous sciatica
  check-in is peripheralising, less far centralising, the same stable (radicular pain
  "radiating from the back / buttock below the knee", SPEC 3 PP7 [S26, S70]; the
  direction words are the product's [D]);
- alert: peripheralising raises a "sciatica worse" alert, soon [D]; weakness in one leg
  that was not reported at the previous sciatica check-in (or at the first one) raises it
  as urgent: a new neurological deficit needs same-day action (SPEC 1.9 [S22]; a
  self-report, so the clinician checks power on the Oxford scale);
- routing: weakness in both legs is the self-screen's "both legs" answer (SPEC 1.4
  bilateral deficit, SPEC 1.9 bilateral -> E [S13, S14, S15]): the check-in stores, alerts,
  advises and pauses exactly as for that answer. The cauda equina questions (saddle
  numbness, bladder or bowel) are the self-screen's own, asked at the same check-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.models import Alert, AlertKind, AlertUrgency
from alerts.services import alert_condition_cleared, alert_raise
from patients.models import Patient
from tracking.models import CheckIn, LegExtent, LegWeakness, SciaticaTrend

BOTH_LEGS_CODE = "both_legs"  # the self-screen question a bilateral weakness answers


@dataclass(frozen=True)
class SciaticaAnswers:
    back_pain: int
    leg_pain: int
    leg_extent: int
    numbness: bool
    weakness: int

    def __post_init__(self) -> None:
        if not (0 <= self.back_pain <= 10 and 0 <= self.leg_pain <= 10):
            raise ValueError("Choose a number from 0 to 10.")
        if self.leg_extent not in LegExtent.values or self.weakness not in LegWeakness.values:
            raise ValueError("Choose one of the answers shown.")


def self_screen_codes(answers: SciaticaAnswers) -> list[str]:
    """Self-screen answers the sciatica answers amount to (routing, SPEC 1.4 / 1.9)."""
    return [BOTH_LEGS_CODE] if answers.weakness == LegWeakness.BOTH_LEGS else []


def trend(previous_extent: int | None, extent: int) -> str:
    """Centralising, stable or peripheralising against the previous extent (PP7 [D])."""
    if previous_extent is None:
        return SciaticaTrend.FIRST
    if extent > previous_extent:
        return SciaticaTrend.PERIPHERALISING
    if extent < previous_extent:
        return SciaticaTrend.CENTRALISING
    return SciaticaTrend.STABLE


def new_weakness(previous_weakness: int | None, weakness: int) -> bool:
    """Weakness in one leg not reported at the previous sciatica check-in (SPEC 1.9)."""
    return weakness == LegWeakness.ONE_LEG and previous_weakness in (None, LegWeakness.NONE)


def alert_for(trend_value: str, weakness_is_new: bool) -> tuple[AlertUrgency, str] | None:
    """The alert's urgency and summary, or None (no alert)."""
    reasons = []
    if weakness_is_new:
        reasons.append("new weakness in one leg (SPEC 1.9: check power today)")
    if trend_value == SciaticaTrend.PERIPHERALISING:
        reasons.append("leg pain reaching further down the leg (peripheralising)")
    if not reasons:
        return None
    urgency = AlertUrgency.URGENT if weakness_is_new else AlertUrgency.SOON
    return urgency, "Sciatica check-in: " + "; ".join(reasons) + "."


def sciatica_record(
    *, patient: Patient, check_in: CheckIn, answers: SciaticaAnswers
) -> Alert | None:
    """Store the answers and the trend on the check-in (against the previous sciatica
    check-in) and raise or clear the "sciatica worse" alert. Two or three queries."""
    previous = (
        CheckIn.objects.filter(patient=patient, leg_extent__isnull=False)
        .exclude(pk=check_in.pk)
        .order_by("-created_at")
        .values("leg_extent", "leg_weakness")
        .first()
    )
    check_in.back_pain = answers.back_pain
    check_in.leg_pain = answers.leg_pain
    check_in.leg_extent = answers.leg_extent
    check_in.leg_numbness = answers.numbness
    check_in.leg_weakness = answers.weakness
    before: dict[str, int | None] = previous or {"leg_extent": None, "leg_weakness": None}
    check_in.sciatica_trend = trend(before["leg_extent"], answers.leg_extent)
    check_in.save(
        update_fields=[
            "back_pain",
            "leg_pain",
            "leg_extent",
            "leg_numbness",
            "leg_weakness",
            "sciatica_trend",
        ]
    )
    found = alert_for(
        check_in.sciatica_trend,
        new_weakness(before["leg_weakness"], answers.weakness),
    )
    if found is None:
        alert_condition_cleared(patient=patient, kind=AlertKind.SCIATICA_WORSE)
        return None
    urgency, summary = found
    return alert_raise(
        patient=patient, kind=AlertKind.SCIATICA_WORSE, urgency=urgency, summary=summary
    )

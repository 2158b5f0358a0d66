"""What each shipped template says about pain and progression, as data that the
symptom-driven progression rules (``tracking.progression``) read. Pure data; SPEC section
and source ids on each entry. Clinic-settable numbers live on ``Clinic`` (``progression_*``).
"""

from __future__ import annotations

from dataclasses import dataclass

from programmes.models import Prescription

# Dose steps when an exercise has no progression/regression link to follow ([D]: the SPEC
# gives no increments; SPEC 4.1 "increase walking distance or speed as tolerated").
DURATION_STEP_MIN = 5
REPS_STEP = 2
HOLD_STEP_S = 5
SETS_TARGET = 3
# Exercises whose log asks when the claudication pain began (SPEC 2.5b COT, 4.1 [S78]).
CLAUDICATION_EXERCISES = frozenset(
    {"walking-intervals-claudication", "treadmill-intermittent-walking"}
)


@dataclass(frozen=True)
class PainRule:
    """The template's pain rule in numbers.

    ``ceiling``: pain during exercise (0-10) at or below which a session is within the
    rule; ``above_baseline``: the ceiling is the patient's baseline plus the clinic's
    allowed rise (SPEC 4.5) instead; ``progress_at_most``: pain at or below which progress
    may be proposed (0 = only when pain-free); ``follow_links``: False when the library's
    progression link is unsuitable for this condition (the clinician decides)."""

    spec: str
    ceiling: int | None = None
    above_baseline: bool = False
    progress_at_most: int | None = None
    follow_links: bool = True
    walking: bool = False  # PAD: claudication pain is the dose; progress by minutes walked
    # Answers "not back to usual by the next morning" running that propose a regression
    # (SPEC 4.5 [M]: 2, like the pain run [D]; SPEC 4.7 [S93]: soreness beyond 24 h -> 1).
    morning_run: int = 2


PAIN_RULES: dict[str, PainRule] = {
    # SPEC 4.1 [S78]: walk to moderate-to-maximum claudication: pain is expected; progress
    # walking time as tolerated.
    "pad-set": PainRule("4.1 [S78]", walking=True),
    # SPEC 4.2 [S81]: soreness expected; progress (add load) when pain-free.
    "achilles-alfredson": PainRule("4.2 [S81]", ceiling=5, progress_at_most=0),
    # Insertional (awaiting review): up to 3/10, settled by the next morning; no heel
    # drops off a step, so the library link from one-leg calf raises is not followed.
    "achilles-insertional": PainRule("3 PP8 [D]", ceiling=3, follow_links=False),
    "plantar-heel-stretch": PainRule("4.3 [M]", ceiling=3),
    "pfp-hip-knee": PainRule("4.4 [D]", ceiling=3),
    # SPEC 4.5 [M]: pain at most 2 points above baseline, no increase the next day.
    "knee-oa-quads": PainRule("4.5 [M]", above_baseline=True),
    # SPEC 4.6: sliders pain-free [D/M].
    "sciatica-graded-activity": PainRule("4.6 [D/M]", ceiling=2, progress_at_most=0),
    # SPEC 4.7 [S93]: hops with pain at most 2/10; no pain during running.
    "bsi-return-to-running": PainRule("4.7 [S93]", ceiling=2, progress_at_most=0, morning_run=1),
    "ankle-sprain": PainRule("4.8 [D]", ceiling=3),
    "hamstring-strain": PainRule("4.8 [D]", ceiling=2),
    "cecs-gait-retraining": PainRule("4.8 [D]", ceiling=3),
}
# A plan without a shipped template: pain against the patient's baseline (SPEC 4.5 [M]).
DEFAULT_RULE = PainRule("4.5 [M]", above_baseline=True)


def pain_rule_for(template_slug: str | None) -> PainRule:
    return PAIN_RULES.get(template_slug or "", DEFAULT_RULE)


def dose_step(prescription: Prescription, direction: int) -> dict[str, int]:
    """The next dose step up (+1) or down (-1), or {} when there is none ([D] steps)."""
    p = prescription
    if p.duration_min:
        value = p.duration_min + direction * DURATION_STEP_MIN
        return {"duration_min": value} if 5 <= value <= 60 else {}
    if p.reps:
        if direction > 0 and p.sets < SETS_TARGET:
            return {"sets": p.sets + 1}
        if direction < 0 and p.sets > 1 and p.reps <= 5:
            return {"sets": p.sets - 1}
        value = p.reps + direction * REPS_STEP
        return {"reps": value} if 5 <= value <= 30 else {}
    if p.hold_s:
        value = p.hold_s + direction * HOLD_STEP_S
        return {"hold_s": value} if 5 <= value <= 120 else {}
    return {}

"""The patient's red-flag self-screen (portal check-in): plain-words questions,
each with the SPEC 1.0 urgency level a "yes" reaches and what the patient must
do. Data, no ORM: the check-in service stores the answers and raises the alert.

A home self-screen cannot examine, so each question maps to the level the SPEC
gives the suspected condition, never lower.
"""

from __future__ import annotations

from dataclasses import dataclass

EMERGENCY = "E"
SAME_DAY = "U"


@dataclass(frozen=True)
class ScreenQuestion:
    code: str
    text: str
    urgency: str


QUESTIONS: tuple[ScreenQuestion, ...] = (
    # Suspected DVT: level U whatever the Wells score (SPEC 1.1 and [D] DVT; [S1, S2, S3]).
    ScreenQuestion("calf", "New swelling, redness or warmth in your calf", SAME_DAY),
    # Cauda equina: any new or worsening saddle sensory loss is level E
    # (SPEC 1.4 and [D] Cauda equina; [S13, S14, S16]).
    ScreenQuestion(
        "saddle", "New numbness or tingling around your back passage or genitals", EMERGENCY
    ),
    # Cauda equina: bladder or bowel disturbance, level E (SPEC 1.4; [S13, S14, S21]).
    ScreenQuestion(
        "bladder_bowel",
        "New trouble passing urine, or new trouble controlling your bladder or bowel",
        EMERGENCY,
    ),
    # New or progressive motor deficit or acute foot drop: same day, level U
    # (SPEC 1.0 and 1.9; [S15, S22]).
    ScreenQuestion(
        "weakness",
        "New weakness in your leg, or your foot dropping or catching when you walk",
        SAME_DAY,
    ),
    # Acute limb ischaemia: a new cold, pale or numb limb is level E (SPEC 1.2; [S6, S9]).
    ScreenQuestion("cold_foot", "A foot that has turned cold, pale or numb", EMERGENCY),
    # Infection: fever with a red, hot, swollen limb is level E (SPEC 1.5 and [D]
    # Infection; [S18, S19, S20]).
    ScreenQuestion("fever_red_leg", "A fever (hot and shivery) with a red, hot leg", EMERGENCY),
    # Cauda equina / bilateral neurology: bilateral sciatica or a bilateral deficit is level
    # E (SPEC 1.4 [S13, S14, S15]; SPEC 1.9 and [D] Neurological deficit: bilateral -> E).
    ScreenQuestion(
        "both_legs",
        "New pain, numbness or weakness in both legs, or weakness that is getting worse",
        EMERGENCY,
    ),
    # Acute compartment syndrome: a tense, swollen compartment with pain out of proportion
    # after trauma, a tight cast or bandage, or hard exercise is level E (SPEC 1.6;
    # [S23, S24, S25]). The question names all three parts of the app rule.
    ScreenQuestion(
        "tight_calf",
        "A tight, swollen calf or shin with pain that keeps getting worse (after an injury, a "
        "tight cast or bandage, or hard exercise)",
        EMERGENCY,
    ),
    # Suspected pulmonary embolism: a swollen leg with breathlessness or chest pain needs
    # emergency care now (999). Not a SPEC rule of its own: NICE NG158 (venous
    # thromboembolic diseases; the DVT pathway of SPEC 1.1 [S1, S2]); awaiting clinical
    # sign-off like every rule here.
    ScreenQuestion(
        "leg_breathless",
        "A swollen or painful leg together with breathlessness or chest pain",
        EMERGENCY,
    ),
)

# Answers that call for an ambulance (999) rather than getting to A&E yourself.
CALL_999 = frozenset({"leg_breathless"})

BY_CODE = {q.code: q for q in QUESTIONS}

# What the patient sees at once (SPEC 1.0: E = emergency department now;
# U = seen by a doctor the same day).
ADVICE = {
    EMERGENCY: {
        "title": "Go to A&E or call 999 now",
        "text": (
            "What you told us can be a sign of a serious problem that needs a doctor straight "
            "away. Go to your nearest A&E (emergency department) now, or call 999. Do not do "
            "your exercises today. Your physiotherapist has been told."
        ),
    },
    SAME_DAY: {
        "title": "See a doctor today",
        "text": (
            "What you told us needs a doctor to check you today. Call your GP surgery now and "
            "ask for an urgent same-day appointment, or go to an urgent treatment centre, or "
            "call NHS 111. Do not wait for your next physiotherapy appointment, and stop your "
            "exercises until a doctor has seen you. If it gets worse quickly, call 999. Your "
            "physiotherapist has been told."
        ),
    },
}


ADVICE_999 = {
    "title": "Call 999 now",
    "text": (
        "A swollen or painful leg with breathlessness or chest pain can be a sign of a blood "
        "clot in the lungs. Call 999 now for an ambulance; do not drive yourself. Do not do "
        "your exercises today. Your physiotherapist has been told."
    ),
}


def advice_for(codes) -> dict[str, str] | None:
    """What the patient is told at once: 999 for a suspected pulmonary embolism, otherwise
    the advice of the most urgent level answered (None when nothing was reported)."""
    if any(c in CALL_999 for c in codes):
        return ADVICE_999
    return ADVICE.get(urgency_of(codes))


def urgency_of(codes) -> str:
    """The most urgent level among the questions answered yes ("" for none)."""
    levels = {BY_CODE[c].urgency for c in codes if c in BY_CODE}
    if EMERGENCY in levels:
        return EMERGENCY
    if SAME_DAY in levels:
        return SAME_DAY
    return ""

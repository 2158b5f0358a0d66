"""The patient's red-flag self-screen (portal check-in): plain-words questions,
each with the SPEC 1.0 urgency level a "yes" reaches and what the patient must
do. Data, no ORM: the check-in service stores the answers and raises the alert.

A home self-screen cannot examine, so each question maps to the level the SPEC
gives the suspected condition, never lower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

StrOrPromise = str | Promise

EMERGENCY = "E"
SAME_DAY = "U"


@dataclass(frozen=True)
class ScreenQuestion:
    code: str
    text: StrOrPromise  # lazy: the patient's language in the portal, English for staff
    urgency: str


QUESTIONS: tuple[ScreenQuestion, ...] = (
    # Suspected DVT: level U whatever the Wells score (SPEC 1.1 and [D] DVT; [S1, S2, S3]).
    ScreenQuestion("calf", _("New swelling, redness or warmth in your calf"), SAME_DAY),
    # Cauda equina: any new or worsening saddle sensory loss is level E
    # (SPEC 1.4 and [D] Cauda equina; [S13, S14, S16]).
    ScreenQuestion(
        "saddle", _("New numbness or tingling around your back passage or genitals"), EMERGENCY
    ),
    # Cauda equina: bladder or bowel disturbance, level E (SPEC 1.4; [S13, S14, S21]).
    ScreenQuestion(
        "bladder_bowel",
        _("New trouble passing urine, or new trouble controlling your bladder or bowel"),
        EMERGENCY,
    ),
    # New or progressive motor deficit or acute foot drop: same day, level U
    # (SPEC 1.0 and 1.9; [S15, S22]).
    ScreenQuestion(
        "weakness",
        _("New weakness in your leg, or your foot dropping or catching when you walk"),
        SAME_DAY,
    ),
    # Acute limb ischaemia: a new cold, pale or numb limb is level E (SPEC 1.2; [S6, S9]).
    ScreenQuestion("cold_foot", _("A foot that has turned cold, pale or numb"), EMERGENCY),
    # Infection: fever with a red, hot, swollen limb is level E (SPEC 1.5 and [D]
    # Infection; [S18, S19, S20]).
    ScreenQuestion("fever_red_leg", _("A fever (hot and shivery) with a red, hot leg"), EMERGENCY),
    # Cauda equina / bilateral neurology: bilateral sciatica or a bilateral deficit is level
    # E (SPEC 1.4 [S13, S14, S15]; SPEC 1.9 and [D] Neurological deficit: bilateral -> E).
    ScreenQuestion(
        "both_legs",
        _("New pain, numbness or weakness in both legs, or weakness that is getting worse"),
        EMERGENCY,
    ),
    # Acute compartment syndrome: a tense, swollen compartment with pain out of proportion
    # after trauma, a tight cast or bandage, or hard exercise is level E (SPEC 1.6;
    # [S23, S24, S25]). The question names all three parts of the app rule.
    ScreenQuestion(
        "tight_calf",
        _(
            "A tight, swollen calf or shin with pain that keeps getting worse (after an injury, "
            "a tight cast or bandage, or hard exercise)"
        ),
        EMERGENCY,
    ),
    # Suspected pulmonary embolism: a swollen leg with breathlessness or chest pain needs
    # emergency care now (999). Not a SPEC rule of its own: NICE NG158 (venous
    # thromboembolic diseases; the DVT pathway of SPEC 1.1 [S1, S2]); awaiting clinical
    # sign-off like every rule here.
    ScreenQuestion(
        "leg_breathless",
        _("A swollen or painful leg together with breathlessness or chest pain"),
        EMERGENCY,
    ),
)

# Answers that call for an ambulance (999) rather than getting to A&E yourself.
CALL_999 = frozenset({"leg_breathless"})

BY_CODE = {q.code: q for q in QUESTIONS}

# What the patient sees at once (SPEC 1.0: E = emergency department now;
# U = seen by a doctor the same day).
ADVICE: dict[str, dict[str, StrOrPromise]] = {
    EMERGENCY: {
        "title": _("Go to A&E or call 999 now"),
        "text": _(
            "What you told us can be a sign of a serious problem that needs a doctor straight "
            "away. Go to your nearest A&E (emergency department) now, or call 999. Do not do "
            "your exercises today. Your physiotherapist has been told."
        ),
    },
    SAME_DAY: {
        "title": _("See a doctor today"),
        "text": _(
            "What you told us needs a doctor to check you today. Call your GP surgery now and "
            "ask for an urgent same-day appointment, or go to an urgent treatment centre, or "
            "call NHS 111. Do not wait for your next physiotherapy appointment, and stop your "
            "exercises until a doctor has seen you. If it gets worse quickly, call 999. Your "
            "physiotherapist has been told."
        ),
    },
}


ADVICE_999: dict[str, StrOrPromise] = {
    "title": _("Call 999 now"),
    "text": _(
        "A swollen or painful leg with breathlessness or chest pain can be a sign of a blood "
        "clot in the lungs. Call 999 now for an ambulance; do not drive yourself. Do not do "
        "your exercises today. Your physiotherapist has been told."
    ),
}


def advice_for(codes) -> dict[str, StrOrPromise] | None:
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


# --- Red-flag words in a patient's message (issue 16) --------------------------
#
# Words a patient might write that echo the self-screen's red-flag answers. A
# message is never blocked: a match makes the portal say what was noticed and
# offer the check-in (the self-screen above) before sending; sent anyway, it
# raises an urgent alert for the clinician. Matching is on whole words and
# phrases, case-insensitive; it is a prompt, not a diagnosis.


@dataclass(frozen=True)
class RedFlagWords:
    code: str
    # What the patient is told was noticed: marked here (gettext_noop), translated
    # where the portal shows it; the staff alert keeps the English.
    label: str
    phrases: tuple[str, ...]


RED_FLAG_WORDS: tuple[RedFlagWords, ...] = (
    # Cauda equina: saddle sensory loss or paraesthesia (SPEC 1.4; [S13, S14, S16]).
    RedFlagWords(
        "saddle",
        gettext_noop("numbness around your back passage or genitals"),
        (
            "saddle",
            "numb bum",
            "numb bottom",
            "numb genitals",
            "numbness in my groin",
            "numb groin",
            "numb between my legs",
            "can't feel my bottom",
            "cannot feel my bottom",
        ),
    ),
    # Cauda equina: bladder or bowel disturbance (SPEC 1.4; [S13, S14, S21]).
    RedFlagWords(
        "bladder_bowel",
        gettext_noop("trouble passing urine or controlling your bladder or bowel"),
        (
            "can't pass urine",
            "cannot pass urine",
            "can't pee",
            "cannot pee",
            "can't wee",
            "incontinent",
            "incontinence",
            "wet myself",
            "lost control of my bladder",
            "lost control of my bowel",
            "bladder control",
            "bowel control",
            "retention",
        ),
    ),
    # Cauda equina: bilateral sciatica or bilateral deficit (SPEC 1.4 and [D]
    # Neurological deficit: bilateral deficit is E; [S13, S14, S15]).
    RedFlagWords(
        "both_legs",
        gettext_noop("symptoms in both legs"),
        ("both legs", "both my legs", "both feet", "both my feet"),
    ),
    # New motor deficit or acute foot drop (SPEC 1.0 and 1.9; [S15, S22]).
    RedFlagWords(
        "weakness",
        gettext_noop("new weakness or a dropping foot"),
        ("foot drop", "foot dropping", "dropped foot", "leg gave way", "legs gave way"),
    ),
    # Acute limb ischaemia: cold, pale or numb limb (SPEC 1.2; [S6, S9]).
    RedFlagWords(
        "cold_foot",
        gettext_noop("a cold, pale or numb foot or leg"),
        ("cold foot", "foot is cold", "pale foot", "foot is white", "leg is cold", "numb foot"),
    ),
    # Infection with systemic features (SPEC 1.5 and [D] Infection; [S18, S19, S20]).
    RedFlagWords(
        "fever",
        gettext_noop("a fever with a red, hot leg"),
        ("fever", "feverish", "shivering", "shivery", "hot and red", "red and hot"),
    ),
    # Suspected DVT (SPEC 1.1 and [D] DVT; [S1, S2, S3]).
    RedFlagWords(
        "calf",
        gettext_noop("a swollen, red or warm calf"),
        ("swollen calf", "calf is swollen", "calf swelling", "red calf", "hot calf"),
    ),
    # Chest pain or breathlessness with a suspected DVT can mean a pulmonary
    # embolism: the NICE pathway the SPEC cites for DVT (SPEC 1.1; NICE NG158,
    # [S2]). Not a SPEC 1.x rule of its own: marked for clinical sign-off.
    RedFlagWords(
        "chest",
        gettext_noop("chest pain or breathlessness"),
        (
            "chest pain",
            "pain in my chest",
            "breathless",
            "short of breath",
            "shortness of breath",
            "can't breathe",
            "cannot breathe",
            "coughing blood",
            "coughing up blood",
        ),
    ),
)

RED_FLAG_WORDS_BY_CODE = {group.code: group for group in RED_FLAG_WORDS}


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("cant ", "can't ")
    return " " + re.sub(r"[^a-z0-9']+", " ", text).strip() + " "


def red_flag_words_in(text: str) -> list[str]:
    """Codes of the word groups the text contains, in list order."""
    normalised = _normalise(text)
    return [
        group.code
        for group in RED_FLAG_WORDS
        if any(f" {_normalise(p).strip()} " in normalised for p in group.phrases)
    ]

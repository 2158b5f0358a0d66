"""The patient-facing text of an exercise in the patient's language (issue 18).

The shipped library is written in English (``library_data``); each further
language has a content module keyed by the exercise's stable slug
(``library_pl``). A clinic's own exercises, a slug with no entry, and an entry
that no longer matches the English steps (a library update changed their
number) fall back to the English text, which says so (``language`` is "en" and
the pages mark it ``lang="en"`` with an "In English" label), never to a blank.

Clinician-facing text (aim, cues, contraindications) stays in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation

from exercises.library_pl import EXERCISES_PL

ENGLISH = "en"
# Language (first part of a Django language code) -> slug -> text.
LIBRARY_TRANSLATIONS: dict[str, dict[str, dict[str, Any]]] = {"pl": EXERCISES_PL}
# The parts every translated entry has (tests/exercises/test_library_translations.py).
TEXT_KEYS = ("name", "steps", "feel", "stop")


@dataclass(frozen=True)
class PatientText:
    name: str
    steps: tuple[str, ...]
    feel: str
    stop: str
    language: str  # "en" or the translation's language
    # English shown for another language: the pages label it and mark it lang="en".
    fallback: bool = False


def base_language(language: str | None) -> str:
    return (language or ENGLISH).split("-")[0].lower()


def english_text(exercise: Any, *, fallback: bool = False) -> PatientText:
    return PatientText(
        name=exercise.name,
        steps=tuple(exercise.steps),
        feel=exercise.patient_feel,
        stop=exercise.patient_stop,
        language=ENGLISH,
        fallback=fallback,
    )


def translated_entry(exercise: Any, language: str) -> dict[str, Any] | None:
    """The library translation of a shipped exercise, if it is complete and in
    step with the English (same number of steps)."""
    if exercise.clinic_id is not None:
        return None  # a clinic's own exercise: only the clinic's words exist
    entry = LIBRARY_TRANSLATIONS.get(language, {}).get(exercise.slug)
    if not entry or not entry.get("name") or len(entry.get("steps", ())) != len(exercise.steps):
        return None
    if (exercise.patient_feel and not entry.get("feel")) or (
        exercise.patient_stop and not entry.get("stop")
    ):
        return None  # incomplete: all English rather than a mix or a blank
    return entry


def patient_text(exercise: Any, language: str | None = None) -> PatientText:
    """The name, steps, what to feel and when to stop, in ``language`` (the
    active language by default), else in English."""
    code = base_language(language or translation.get_language())
    if code == ENGLISH:
        return english_text(exercise)
    entry = translated_entry(exercise, code)
    if entry is None:
        return english_text(exercise, fallback=True)
    return PatientText(
        name=entry["name"],
        steps=tuple(entry["steps"]),
        feel=entry.get("feel", "") if exercise.patient_feel else "",
        stop=entry.get("stop", "") if exercise.patient_stop else "",
        language=code,
    )


def library_name(slug: str, english: str, language: str | None = None) -> str:
    """A shipped exercise's name in ``language`` (the active one by default), from
    its slug alone, for text stored earlier (a progression notice); ``english``
    when there is no translation. Only for exercises of the shipped library: the
    caller passes the slug of a clinic's own exercise as ""."""
    code = base_language(language or translation.get_language())
    if code == ENGLISH or not slug:
        return english
    entry = LIBRARY_TRANSLATIONS.get(code, {}).get(slug)
    return entry["name"] if entry and entry.get("name") else english

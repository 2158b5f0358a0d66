"""Issue 18: the exercise library in Polish. Every shipped exercise has a
complete Polish entry in step with the English; a clinic's own exercise, a
missing or out-of-step entry falls back to English, marked so; the dose line
follows the active language and stays as it was in English."""

from __future__ import annotations

import pytest
from django.utils import translation

from exercises import content
from exercises.library_data import EXERCISES
from exercises.library_pl import EXERCISES_PL
from exercises.models import EVERY_DAY, Exercise, days_mask, dose_text
from tests.factories import ClinicFactory
from tests.programmes.helpers import exercise

POLISH_LETTERS = set("ąćęłńóśźż")


def test_every_library_exercise_has_a_complete_polish_entry():
    slugs = {spec["slug"] for spec in EXERCISES}
    assert set(EXERCISES_PL) == slugs, "an entry per shipped exercise, none for an unknown slug"
    for spec in EXERCISES:
        entry = EXERCISES_PL[spec["slug"]]
        english_steps = spec["patient_steps"].splitlines()
        assert set(entry) == set(content.TEXT_KEYS), spec["slug"]
        assert len(entry["steps"]) == len(english_steps), spec["slug"]
        assert all(step.strip() for step in entry["steps"]), spec["slug"]
        assert entry["name"].strip() and entry["name"] != spec["name"], spec["slug"]
        assert bool(entry["feel"]) == bool(spec["patient_feel"]), spec["slug"]
        assert bool(entry["stop"]) == bool(spec["patient_stop"]), spec["slug"]
        # Written in Polish, not English copied across.
        for english, polish in zip(english_steps, entry["steps"], strict=True):
            assert english != polish, (spec["slug"], english)
        text = " ".join([entry["name"], *entry["steps"], entry["feel"], entry["stop"]]).lower()
        assert POLISH_LETTERS & set(text), spec["slug"]


def test_the_safety_texts_keep_their_warnings_in_polish():
    # The emergency advice of the shared stop texts survives translation.
    assert "999" in EXERCISES_PL["walking-intervals-claudication"]["stop"]
    assert "SOR" in EXERCISES_PL["sciatic-nerve-slider-seated"]["stop"]
    assert "pęcherza" in EXERCISES_PL["sciatic-nerve-slider-seated"]["stop"]


@pytest.mark.django_db
def test_a_shipped_exercise_in_polish_and_in_english():
    heel_drop = exercise("eccentric-heel-drop-straight-knee")
    polish = content.patient_text(heel_drop, "pl")
    assert polish.name == "Ekscentryczne opuszczanie pięty, kolano proste"
    assert polish.steps[0].startswith("Stań przodostopiem bolącej stopy")
    assert "ścięgna Achillesa" in polish.feel and "utykanie" in polish.stop
    assert polish.language == "pl" and not polish.fallback
    with translation.override("pl"):
        assert heel_drop.patient_text == polish
    english = content.patient_text(heel_drop, "en-gb")
    assert english.name == heel_drop.name and list(english.steps) == heel_drop.steps
    assert not english.fallback


@pytest.mark.django_db
def test_a_clinics_own_exercise_falls_back_to_english_even_with_a_library_slug():
    own = Exercise.objects.create(
        clinic=ClinicFactory(),
        slug="clamshell",
        name="Our clamshell",
        body_region="hip",
        category="strength",
        patient_steps="Lie on your side.\nLift the knee.",
        patient_feel="Work in the hip.",
    )
    text = content.patient_text(own, "pl")
    assert text.name == "Our clamshell" and text.steps == ("Lie on your side.", "Lift the knee.")
    assert text.fallback and text.language == "en" and text.stop == ""


@pytest.mark.django_db
def test_an_entry_out_of_step_with_the_english_falls_back_whole(monkeypatch):
    step_up = exercise("step-up")
    short = {**EXERCISES_PL["step-up"], "steps": EXERCISES_PL["step-up"]["steps"][:2]}
    monkeypatch.setitem(EXERCISES_PL, "step-up", short)
    text = content.patient_text(step_up, "pl")
    assert text.fallback and text.name == step_up.name and list(text.steps) == step_up.steps
    monkeypatch.delitem(EXERCISES_PL, "step-up")
    assert content.patient_text(step_up, "pl").fallback


def test_dose_lines_in_polish_and_unchanged_in_english():
    mon_wed = days_mask([0, 2])
    with translation.override("en-gb"):
        assert dose_text(sets=3, reps=15, hold_s=None, duration_min=None) == "3 x 15 reps"
        assert (
            dose_text(
                sets=2, reps=10, hold_s=5, duration_min=None, sessions_per_day=2, days=mon_wed
            )
            == "2 x 10 reps, hold 5 s, 2x a day, Mon, Wed"
        )
        assert dose_text(sets=1, reps=None, hold_s=None, duration_min=30, days=EVERY_DAY) == (
            "30 min, Every day"
        )
        assert dose_text(sets=3, reps=None, hold_s=45, duration_min=None) == "3 x hold 45 s"
    with translation.override("pl"):
        assert dose_text(sets=3, reps=15, hold_s=None, duration_min=None) == "3 x 15 powt."
        assert (
            dose_text(
                sets=2, reps=10, hold_s=5, duration_min=None, sessions_per_day=2, days=mon_wed
            )
            == "2 x 10 powt., przytrzymaj 5 s, 2 razy dziennie, Pon, Śr"
        )
        assert dose_text(sets=1, reps=None, hold_s=None, duration_min=30, days=EVERY_DAY) == (
            "30 min, Codziennie"
        )
        assert dose_text(sets=3, reps=None, hold_s=45, duration_min=None) == (
            "3 x przytrzymanie 45 s"
        )


def test_a_stored_notice_names_a_shipped_exercise_in_the_patients_language():
    library_name = content.library_name
    assert library_name("clamshell", "Clamshells", "pl") == "Muszelka"
    assert library_name("clamshell", "Clamshells", "en") == "Clamshells"
    # A clinic's own exercise is stored without a slug: its own name, as written.
    assert library_name("", "Our step-ups", "pl") == "Our step-ups"
    assert library_name("no-such-exercise", "Something", "pl") == "Something"

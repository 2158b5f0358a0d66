"""The shipped library and the SPEC section 4 templates: instantiating a
template gives exactly the SPEC dosage."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from exercises.models import EVERY_DAY, Category, Exercise, days_mask
from programmes import services
from programmes.library import library_sync
from programmes.models import ProgrammeTemplate
from tests.programmes.helpers import ensure_library, make_plan

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)  # a Monday
MON_WED_FRI = days_mask([0, 2, 4])

# Every exercise the issue names, by slug.
NAMED_IN_ISSUE = [
    "walking-intervals-claudication",
    "calf-raise-double",
    "eccentric-heel-drop-straight-knee",
    "eccentric-heel-drop-bent-knee",
    "plantar-fascia-specific-stretch",
    "quadriceps-sets",
    "short-arc-quads",
    "long-arc-quads",
    "mini-squat-30",
    "step-up",
    "step-down",
    "clamshell",
    "side-lying-hip-abduction",
    "glute-bridge",
    "hamstring-stretch-supine",
    "calf-stretch-wall",
    "soleus-stretch-wall",
    "sciatic-nerve-slider-seated",
    "sciatic-nerve-tensioner-seated",
    "single-leg-balance",
    "walk-run-intervals",
]


def _rows(plan):
    version = plan.current_version()
    return list(version.prescriptions.select_related("exercise").order_by("phase", "order"))


def _by_slug(plan):
    return {p.exercise.slug: p for p in _rows(plan)}


def _published(plan, by):
    with time_machine.travel(START, tick=False):
        services.plan_activate(plan=plan, by=by)
    plan.refresh_from_db()
    return plan


def test_the_library_has_at_least_60_exercises_written_for_patients_and_clinicians():
    ensure_library()
    shipped = list(Exercise.objects.shipped())
    assert len(shipped) >= 60
    assert {e.category for e in shipped} == set(Category.values)
    for e in shipped:
        assert len(e.steps) >= 3, e.slug
        assert e.patient_feel and e.patient_stop, e.slug
        assert e.clinician_aim and e.clinician_cues and e.contraindications, e.slug
        assert e.licence and e.author, e.slug
    slugs = {e.slug for e in shipped}
    assert set(NAMED_IN_ISSUE) <= slugs


def test_progressions_and_regressions_link_exercises():
    ensure_library()
    quad_sets = Exercise.objects.get(clinic=None, slug="quadriceps-sets")
    assert quad_sets.progression.slug == "short-arc-quads"
    assert quad_sets.progression.regression == quad_sets


def test_loading_the_library_again_changes_nothing():
    ensure_library()
    assert library_sync() == {"exercises": 0, "templates": 0}


def test_pad_set_template(clinician, patient_record):
    # SPEC 4.1: >= 30 min, >= 3 sessions a week, 12 weeks, warm-up and cool-down [S78, S80].
    plan = make_plan(patient_record, clinician, slug="pad-set", start_on=START)
    rows = _by_slug(plan)
    walk = rows["walking-intervals-claudication"]
    assert (walk.sets, walk.duration_min, walk.reps, walk.hold_s) == (1, 30, None, None)
    assert walk.days_of_week == MON_WED_FRI and walk.sessions_per_day == 1
    assert walk.start_on == START and walk.end_on == START + timedelta(weeks=12, days=-1)
    assert {"warm-up-marching", "cool-down-walk"} <= set(rows)
    assert "moderate to strong" in plan.pain_rule
    assert [(o.instrument_code, o.at_weeks) for o in plan.outcomes.all()] == [
        ("6MWT", [0, 6, 12]),
        ("WIQ", [0, 6, 12]),
    ]
    _published(plan, clinician)
    # CMS: 36 sessions over 12 weeks [S80].
    assert plan.sessions_prescribed(START, START + timedelta(weeks=12)) == 36


def test_alfredson_template(clinician, patient_record):
    # SPEC 4.2: 3 x 15 each, twice daily, 7 days a week, 12 weeks = 168 sessions [S81, S82].
    plan = make_plan(patient_record, clinician, slug="achilles-alfredson", start_on=START)
    rows = _by_slug(plan)
    assert set(rows) == {"eccentric-heel-drop-straight-knee", "eccentric-heel-drop-bent-knee"}
    for p in rows.values():
        assert (p.sets, p.reps, p.sessions_per_day, p.days_of_week) == (3, 15, 2, EVERY_DAY)
        assert (p.end_on - p.start_on).days + 1 == 84
    assert [(o.instrument_code, o.at_weeks) for o in plan.outcomes.all()] == [
        ("VISA-A", [0, 6, 12])
    ]
    assert plan.template.awaiting_clinical_review is False
    _published(plan, clinician)
    assert plan.sessions_prescribed(START, START + timedelta(days=200)) == 168


def test_plantar_heel_template(clinician, patient_record):
    # SPEC 4.3: 10 reps x 10 s hold, 3 x daily [M]; 8 weeks [S83].
    plan = make_plan(patient_record, clinician, slug="plantar-heel-stretch", start_on=START)
    (p,) = _rows(plan)
    assert p.exercise.slug == "plantar-fascia-specific-stretch"
    assert (p.reps, p.hold_s, p.sessions_per_day, p.days_of_week) == (10, 10, 3, EVERY_DAY)
    assert (p.end_on - p.start_on).days + 1 == 56
    assert plan.template.awaiting_clinical_review is True  # the dose is [M]


def test_patellofemoral_template_combines_hip_and_knee(clinician, patient_record):
    # SPEC 4.4: hip + knee [S84, S85]; 3 x 10, 3 days a week [D]; 6 weeks [S86].
    plan = make_plan(patient_record, clinician, slug="pfp-hip-knee", start_on=START)
    rows = _by_slug(plan)
    assert {"clamshell", "side-lying-hip-abduction"} <= set(rows)  # hip
    assert {"mini-squat-30", "step-down"} <= set(rows)  # knee
    for p in rows.values():
        assert (p.sets, p.reps, p.days_of_week) == (3, 10, MON_WED_FRI)
        assert p.end_on == START + timedelta(weeks=6, days=-1)
    assert plan.template.awaiting_clinical_review is True


def test_knee_oa_template_is_criterion_based_with_resistance_and_aerobic_work(
    clinician, patient_record
):
    # SPEC 4.5 [S87]: stage 1 quad sets hold 6-7 s, 5-7 reps, 3-5 x daily; the stages are
    # moved on by the pain criterion, not by date; progressive resistance 60-80 % 1RM,
    # 8-12 reps, >= 2 days a week; aerobic activity 30-60 min a day.
    plan = make_plan(patient_record, clinician, slug="knee-oa-quads", start_on=START)
    rows = _by_slug(plan)
    assert set(rows) == {"quadriceps-sets", "sit-to-stand", "stationary-cycling"}
    quads = rows["quadriceps-sets"]
    assert (quads.reps, quads.hold_s, quads.sessions_per_day) == (5, 6, 3)
    # One stage at a time for the whole programme: no date-driven stage change.
    assert quads.end_on == START + timedelta(weeks=12, days=-1)
    assert not {"short-arc-quads", "long-arc-quads", "mini-squat-30"} & set(rows)
    assert quads.exercise.progression.slug == "short-arc-quads"
    resistance = rows["sit-to-stand"]
    assert 8 <= resistance.reps <= 12 and "60-80 % of 1RM" in resistance.load
    assert bin(resistance.days_of_week).count("1") >= 2
    assert rows["stationary-cycling"].duration_min >= 30
    assert "not the calendar" in plan.progression_criteria
    assert "2 points above baseline" in plan.progression_criteria
    first = plan.outcomes.first()
    assert (first.instrument_code, first.every_weeks) == ("LEFS", 2)


def test_sciatica_template_has_pain_free_sliders_and_graded_walking(clinician, patient_record):
    # SPEC 4.6: keep active [S88]; sliders 10 reps, 2-3 x daily [D/M].
    plan = make_plan(patient_record, clinician, slug="sciatica-graded-activity", start_on=START)
    sliders = [p for p in _rows(plan) if p.exercise.slug == "sciatic-nerve-slider-seated"]
    assert sliders and all((p.reps, p.sessions_per_day) == (10, 2) for p in sliders)
    assert any(p.exercise.slug == "walking-graded-activity" for p in _rows(plan))
    assert "emergency" in plan.pain_rule
    assert plan.template.awaiting_clinical_review is True


def test_bone_stress_template_checks_criteria_before_walk_run(clinician, patient_record):
    # SPEC 4.7: criteria [S92]; 30 min walk, 10 s single-leg stand, squat x 10 [S93, S94].
    plan = make_plan(patient_record, clinician, slug="bsi-return-to-running", start_on=START)
    phase1 = {p.exercise.slug: p for p in _rows(plan) if p.phase == 1}
    assert phase1["brisk-walk"].duration_min == 30
    assert phase1["single-leg-balance"].hold_s == 10
    assert phase1["single-leg-squat"].reps == 10
    run = next(p for p in _rows(plan) if p.exercise.slug == "walk-run-intervals")
    assert run.phase == 3 and run.start_on == START + timedelta(weeks=3)
    assert "radiological healing" in plan.progression_criteria
    assert plan.template.awaiting_clinical_review is True


def test_bone_stress_template_hops_only_after_bony_tenderness_has_resolved(
    clinician, patient_record
):
    # SPEC 4.7 criterion 1 [S92]: resolution of bony tenderness comes first; the hop
    # exercise's own contraindication is an unhealed bone stress injury.
    plan = make_plan(patient_record, clinician, slug="bsi-return-to-running", start_on=START)
    hops = [p for p in _rows(plan) if p.exercise.slug == "hop-on-the-spot"]
    assert hops and all(p.phase == 2 and p.start_on >= START + timedelta(weeks=2) for p in hops)
    phase1 = ProgrammeTemplate.objects.get(clinic=None, slug="bsi-return-to-running").phases.get(
        number=1
    )
    assert "No bony tenderness" in phase1.progression_criteria
    assert not phase1.items.filter(exercise__slug="hop-on-the-spot").exists()


def test_pad_walking_steps_do_not_double_the_warm_up_and_say_the_pain_in_words():
    ensure_library()
    walk = Exercise.objects.get(clinic=None, slug="walking-intervals-claudication")
    assert "5 minutes" not in walk.patient_steps
    assert "out of 5" not in walk.patient_steps
    assert "moderate to strong" in walk.patient_steps
    assert "separate exercise on your plan" in walk.patient_steps


def test_cecs_pain_rule_says_it_eases_slowly():
    # SPEC 3 PP3: CECS pain subsides very slowly or incompletely [S26, S71].
    ensure_library()
    template = ProgrammeTemplate.objects.get(clinic=None, slug="cecs-gait-retraining")
    assert "ease quickly" not in template.pain_rule
    assert "eases only slowly" in template.pain_rule


def test_patellofemoral_template_has_an_open_chain_quadriceps_exercise(clinician, patient_record):
    plan = make_plan(patient_record, clinician, slug="pfp-hip-knee", start_on=START)
    lunge = _by_slug(plan)["long-arc-quads"]
    assert "90 to 45 degrees" in lunge.notes


def test_plantar_heel_template_schedules_only_implemented_measures(clinician, patient_record):
    from assessments.instruments import get_instrument

    plan = make_plan(patient_record, clinician, slug="plantar-heel-stretch", start_on=START)
    codes = [o.instrument_code for o in plan.outcomes.all()]
    assert "FFI" not in codes and codes == ["NPRS", "LEFS"]
    for code in codes:
        assert get_instrument(code.lower())


def test_insertional_achilles_template_keeps_calf_raises_on_the_flat(clinician, patient_record):
    plan = make_plan(patient_record, clinician, slug="achilles-insertional", start_on=START)
    rows = _rows(plan)
    slugs = {p.exercise.slug for p in rows}
    assert {"isometric-calf-hold", "calf-raise-double", "calf-raise-single"} <= slugs
    assert not {"eccentric-heel-drop-straight-knee", "eccentric-heel-drop-bent-knee"} & slugs
    assert plan.template.awaiting_clinical_review is True
    assert "not off a step" in next(p for p in rows if p.exercise.slug == "calf-raise-single").notes
    first = plan.outcomes.first()
    assert (first.instrument_code, first.at_weeks) == ("VISA-A", [0, 6, 12])


@pytest.mark.parametrize(
    "slug", ["ankle-sprain", "hamstring-strain", "cecs-gait-retraining", "achilles-insertional"]
)
def test_unsourced_templates_are_marked_awaiting_clinical_review(slug):
    ensure_library()
    assert ProgrammeTemplate.objects.get(clinic=None, slug=slug).awaiting_clinical_review


def test_the_template_pages_show_which_await_clinical_review(client, clinician):
    ensure_library()
    client.force_login(clinician)
    body = client.get(reverse("programmes:template-list")).content.decode()
    assert "Hamstring strain rehabilitation" in body
    assert (
        body.count("Awaiting clinical review")
        == ProgrammeTemplate.objects.filter(awaiting_clinical_review=True).count()
    )
    alfredson = ProgrammeTemplate.objects.get(slug="achilles-alfredson")
    page = client.get(reverse("programmes:template-detail", args=[alfredson.pk])).content.decode()
    assert "3 x 15 reps, 2x a day, Every day" in page
    assert "Awaiting clinical review" not in page

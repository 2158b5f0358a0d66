"""Red-flag rules of clinical round 2 (issue 14): each threshold tested on both sides.

The pure engine is exercised on fact dictionaries; the history and onset-date paths go
through the service and the page, as a clinician enters them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessments import red_flags, services
from assessments.red_flags import evaluate


def fired(**facts) -> dict[str, str]:
    screen = {k: "present" for k, v in facts.pop("screen", {}).items() if v}
    return {f.rule_id: f.urgency for f in evaluate({"screen": screen, **facts})}


def test_ruleset_version_is_bumped():
    assert red_flags.RULESET_VERSION == "rf-2026.2"


# --- SPEC 1.3: CLTI escalates to E with infection or deterioration within 2 weeks -----


def test_clti_alone_stays_u2():
    assert fired(screen={"clti_rest_pain": 1}) == {"RF-CLTI": "U2"}
    assert fired(screen={"clti_wound_or_gangrene": 1}, onset_days=15) == {"RF-CLTI": "U2"}


@pytest.mark.parametrize(
    "sign", ["inf_red_hot_swollen", "inf_systemic", "inf_necrotising", "inf_bone_joint"]
)
def test_clti_with_any_infection_sign_is_an_emergency(sign):
    result = fired(screen={"clti_wound_or_gangrene": 1, sign: 1})
    assert result["RF-CLTI-E"] == "E"
    assert "RF-CLTI" not in result  # the U2 rule yields to the E rule


@pytest.mark.parametrize(("days", "emergency"), [(0, True), (14, True), (15, False)])
def test_clti_deterioration_window_counts_from_the_onset_date(days, emergency):
    result = fired(screen={"clti_rest_pain": 1}, onset_days=days)
    assert ("RF-CLTI-E" in result) is emergency
    assert ("RF-CLTI" in result) is not emergency


def test_clti_with_a_recorded_sudden_deterioration_is_an_emergency():
    assert "RF-CLTI-E" in fired(screen={"clti_rest_pain": 1, "ali_recent_onset": 1})


# --- SPEC 1.5: necrotising soft-tissue infection on either sign alone ------------------


def test_pain_out_of_proportion_or_crepitus_alone_is_an_emergency():
    assert fired(screen={"inf_necrotising": 1}) == {"RF-INF-NEC": "E"}


def test_no_necrotising_flag_without_the_sign():
    assert "RF-INF-NEC" not in fired(screen={"inf_red_hot_swollen": 1, "inf_systemic": 1})


# --- SPEC 1.5: septic arthritis / osteomyelitis ----------------------------------------


def test_suspected_bone_or_joint_infection_is_same_day():
    assert fired(screen={"inf_bone_joint": 1}) == {"RF-INF-BONE-JOINT": "U"}


def test_bone_or_joint_infection_with_systemic_features_is_sepsis():
    result = fired(screen={"inf_bone_joint": 1, "inf_systemic": 1})
    assert result == {"RF-INF-SEPSIS": "E"}


def test_systemic_features_alone_fire_no_infection_rule():
    assert fired(screen={"inf_systemic": 1}) == {}


# --- SPEC 1.8: history of cancer --------------------------------------------------------


def test_history_of_cancer_alone_is_routine_review():
    assert fired(screen={"mal_history_cancer": 1}) == {"RF-MAL-SINGLE": "R"}
    assert fired(pmh_cancer=True) == {"RF-MAL-SINGLE": "R"}


def test_no_malignancy_flag_without_cancer_or_features():
    assert fired(pmh_cancer=False) == {}


def test_history_of_cancer_with_another_feature_is_urgent_referral():
    assert fired(pmh_cancer=True, screen={"mal_night_pain": 1}) == {"RF-MAL": "U2"}


def test_history_of_cancer_with_a_cord_compression_feature_is_an_emergency():
    assert fired(pmh_cancer=True, screen={"mscc_feature": 1}) == {"RF-MSCC": "E"}


# --- SPEC 1.1: history items reach the Wells score -------------------------------------


@pytest.mark.parametrize(
    "history", ["pmh_bedridden_3_days", "pmh_recent_surgery_or_immobilisation"]
)
def test_history_items_score_wells_item_three(history):
    # Active cancer (1) + bedridden / surgery from the history (1) = 2: DVT likely.
    result = evaluate({"screen": {"wells_active_cancer": "present"}, history: True})
    dvt = next(f for f in result if f.rule_id == "RF-DVT")
    assert "score 2 (likely)" in dvt.detail


def test_without_the_history_items_wells_stays_at_one():
    assert "RF-DVT" not in fired(screen={"wells_active_cancer": 1})


def test_both_history_items_score_one_point_together():
    answers = red_flags.wells_answers(
        {"pmh_bedridden_3_days": True, "pmh_recent_surgery_or_immobilisation": True}
    )
    assert answers["bedridden_or_major_surgery"] is True
    assert "RF-DVT" not in fired(
        pmh_bedridden_3_days=True, pmh_recent_surgery_or_immobilisation=True
    )


def test_a_yes_in_the_history_wins_over_absent_on_the_screen():
    facts = {
        "screen": {"wells_bedridden_or_major_surgery": "absent", "wells_previous_dvt": "present"},
        "pmh_bedridden_3_days": True,
    }
    assert "RF-DVT" in fired(**facts)


# --- SPEC 1.9: widespread neurology / myelopathy ---------------------------------------


def test_widespread_neurology_is_an_emergency():
    assert fired(screen={"neuro_widespread": 1}) == {"RF-NEURO-WIDESPREAD": "E"}


def test_no_widespread_flag_when_absent():
    assert evaluate({"screen": {"neuro_widespread": "absent"}}) == []


# --- SPEC 1.2: the acute limb ischaemia window from the onset date ---------------------


@pytest.mark.parametrize(("days", "fires"), [(0, True), (14, True), (15, False)])
def test_acute_limb_ischaemia_window_from_the_onset_date(days, fires):
    assert ("RF-ALI" in fired(screen={"ali_cold_pale_pulseless": 1}, onset_days=days)) is fires


def test_an_onset_after_the_assessment_never_counts_as_recent():
    assert "RF-ALI" not in fired(screen={"ali_sudden_rest_pain": 1}, onset_days=-1)


def test_no_onset_date_and_no_deterioration_item_does_not_fire():
    assert "RF-ALI" not in fired(screen={"ali_paraesthesia_paralysis": 1}, onset_days=None)


# --- through the service and the page ----------------------------------------------------


@pytest.fixture
def assessment(patient_record, clinician):
    return services.assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=date(2026, 3, 16),
        by=clinician,
    )


def _save(assessment, user, section, changes):
    return {
        e.rule_id
        for e in services.assessment_save_section(
            assessment=assessment, changes=changes, section=section, by=user
        )
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("onset", "fires"), [(date(2026, 3, 2), True), (date(2026, 3, 1), False)])
def test_recorded_onset_date_opens_the_window(assessment, clinician, onset, fires):
    _save(assessment, clinician, "history", {"onset_on": onset})
    fired_ids = _save(
        assessment, clinician, "screen", {"red_flag_screen": {"ali_cold_pale_pulseless": "present"}}
    )
    assert ("RF-ALI" in fired_ids) is fires
    if fires:
        event = assessment.red_flags.get(rule_id="RF-ALI")
        assert event.ruleset_version == "rf-2026.2"
        assert "onset 14 day(s) ago" in event.detail


@pytest.mark.django_db
def test_service_refuses_an_onset_after_the_assessment(assessment, clinician):
    with pytest.raises(services.AssessmentError, match="after the assessment date"):
        _save(assessment, clinician, "history", {"onset_on": date(2026, 3, 17)})
    assessment.refresh_from_db()
    assert assessment.onset_on is None


@pytest.mark.django_db
def test_history_bedridden_reaches_wells_through_the_service(assessment, clinician):
    _save(assessment, clinician, "screen", {"red_flag_screen": {"wells_active_cancer": "present"}})
    assert not assessment.red_flags.filter(rule_id="RF-DVT").exists()
    assert "RF-DVT" in _save(assessment, clinician, "history", {"pmh_bedridden_3_days": True})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("onset", "accepted"),
    [("2026-03-16", True), ("2026-03-17", False), ("1899-12-31", False), ("1900-01-01", True)],
)
def test_history_form_bounds_the_onset_date(client, clinician, assessment, onset, accepted):
    client.force_login(clinician)
    url = reverse("assessments:section", args=[assessment.patient_id, assessment.pk, "history"])
    response = client.post(url, {"history-onset_on": onset})
    assessment.refresh_from_db()
    if accepted:
        assert response.status_code == 302
        assert assessment.onset_on == date.fromisoformat(onset)
    else:
        assert response.status_code == 400
        assert assessment.onset_on is None
        text = response.content.decode()
        # The assessment-date rule, or the bounds every stored date has
        # (clinic.dates: "Enter a date from 1 Jan 1900 to 31 Dec 2100.").
        assert "after the assessment date" in text or "from 1 Jan 1900" in text


def test_window_constant_matches_spec():
    assert red_flags.ALI_WINDOW_DAYS == 14
    assert date(2026, 3, 16) - timedelta(days=14) == date(2026, 3, 2)


# --- cauda equina safety-netting for back-related leg pain (SPEC 1.4 [S17]) --------------

SAFETY_HEADING = "Back-related leg pain: when to get help straight away"


def _diagnose(assessment, user, diagnosis):
    _save(assessment, user, "impression", {"working_diagnosis": diagnosis})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("diagnosis", "shown"),
    [("lumbar_radicular_pain", True), ("neurogenic_claudication", True), ("knee_oa", False)],
)
def test_summary_and_print_show_safety_netting_for_back_related_leg_pain(
    client, clinician, assessment, diagnosis, shown
):
    _diagnose(assessment, clinician, diagnosis)
    client.force_login(clinician)
    for name in ("summary", "print"):
        page = client.get(
            reverse(f"assessments:{name}", args=[assessment.patient_id, assessment.pk])
        ).content.decode()
        assert (SAFETY_HEADING in page) is shown, name
        assert ("saddle" in page) is shown


@pytest.mark.django_db
def test_no_safety_netting_when_the_cauda_equina_rule_fired(client, clinician, assessment):
    _diagnose(assessment, clinician, "lumbar_radicular_pain")
    _save(assessment, clinician, "screen", {"red_flag_screen": {"ces_saddle": "present"}})
    client.force_login(clinician)
    page = client.get(
        reverse("assessments:summary", args=[assessment.patient_id, assessment.pk])
    ).content.decode()
    assert SAFETY_HEADING not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("slug", "shown"), [("sciatica-graded-activity", True),
                                             ("achilles-alfredson", False)])  # fmt: skip
def test_handouts_programme_and_check_in_show_it_for_a_sciatica_plan(
    client, clinician, patient, patient_record, slug, shown
):
    from programmes import services as programme_services
    from tests.programmes.helpers import make_plan

    plan = make_plan(patient_record, clinician, slug=slug, start_on=patient_record.local_today())
    programme_services.plan_activate(plan=plan, by=clinician)
    client.force_login(clinician)
    staff = client.get(reverse("programmes:plan-handout", args=[plan.pk])).content.decode()
    assert (SAFETY_HEADING in staff) is shown
    client.force_login(patient)
    for name in ("portal:handout", "portal:programme", "portal:check-in"):
        page = client.get(reverse(name)).content.decode()
        assert (SAFETY_HEADING in page) is shown, name


@pytest.mark.django_db
def test_the_latest_assessment_decides_without_a_template(
    client, clinician, patient, patient_record, assessment
):
    client.force_login(patient)
    assert SAFETY_HEADING not in client.get(reverse("portal:check-in")).content.decode()
    _diagnose(assessment, clinician, "lumbar_radicular_pain")
    assert SAFETY_HEADING in client.get(reverse("portal:check-in")).content.decode()

"""Sign / amend workflow, the red-flag engine and gate, baselines, and the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from assessments import services
from assessments.api import patient_has_unactioned_red_flags
from assessments.models import (
    Amendment,
    AssessmentStatus,
    RedFlagEvent,
    ResolutionKind,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(patient_record, clinician):
    return services.assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=date(2026, 3, 2),
        by=clinician,
    )


def screen(assessment, user, **items):
    return services.assessment_save_section(
        assessment=assessment,
        changes={"red_flag_screen": {k: "present" for k in items}},
        section="screen",
        by=user,
    )


def url(name, assessment, *extra):
    return reverse(f"assessments:{name}", args=[assessment.patient_id, assessment.pk, *extra])


# --- red-flag engine ----------------------------------------------------------------


def test_a_positive_wells_screen_fires_an_urgent_dvt_event(assessment, clinician):
    (event,) = screen(assessment, clinician, wells_active_cancer=1, wells_previous_dvt=1)
    assert (event.rule_id, event.urgency) == ("RF-DVT", "U")
    assert "Wells two-level score 2 (likely)" in event.detail
    assert patient_has_unactioned_red_flags(assessment.patient)


def test_a_wells_score_of_one_alone_does_not_fire(assessment, clinician):
    assert screen(assessment, clinician, wells_active_cancer=1) == []


@pytest.mark.parametrize(
    ("items", "rule", "urgency"),
    [
        ({"ces_saddle": 1}, "RF-CES", "E"),
        ({"ali_recent_onset": 1, "ali_cold_pale_pulseless": 1}, "RF-ALI", "E"),
        ({"inf_red_hot_swollen": 1, "inf_systemic": 1}, "RF-INF-SEPSIS", "E"),
        ({"inf_red_hot_swollen": 1}, "RF-INF", "U"),
        ({"acs_context": 1, "acs_pain_passive_stretch": 1, "acs_tense_compartment": 1},
         "RF-ACS", "E"),
        ({"clti_rest_pain": 1}, "RF-CLTI", "U2"),
        ({"ottawa_malleolar_zone_pain": 1, "ottawa_medial_malleolus_tenderness": 1},
         "RF-FRACTURE", "U"),
        ({"mal_history_cancer": 1, "mscc_feature": 1}, "RF-MSCC", "E"),
        ({"mal_weight_loss": 1, "mal_night_pain": 1}, "RF-MAL", "U2"),
        ({"mal_weight_loss": 1}, "RF-MAL-SINGLE", "R"),
    ],
)  # fmt: skip
def test_each_rule_fires_with_its_urgency(assessment, clinician, items, rule, urgency):
    fired = screen(assessment, clinician, **items)
    assert (rule, urgency) in {(e.rule_id, e.urgency) for e in fired}


@pytest.mark.parametrize(
    "items",
    [
        {"ali_cold_pale_pulseless": 1},  # no recent onset
        {"acs_pain_passive_stretch": 1, "acs_tense_compartment": 1},  # no context
        {"ottawa_medial_malleolus_tenderness": 1},  # no zone pain
        {"knee_fibula_head_tenderness": 1},  # no acute knee injury
    ],
)
def test_rules_do_not_fire_on_incomplete_patterns(assessment, clinician, items):
    assert screen(assessment, clinician, **items) == []


def test_ottawa_knee_counts_age_55_after_an_acute_injury(clinic, clinician):
    from tests.factories import PatientFactory

    older = PatientFactory(clinic=clinic, date_of_birth=date(1971, 3, 2))  # 55 on 2 Mar 2026
    younger = PatientFactory(clinic=clinic, date_of_birth=date(1971, 3, 3))  # 54
    for patient, fires in ((older, True), (younger, False)):
        a = services.assessment_create(
            patient=patient,
            clinician=clinician.staff_member,
            assessed_on=date(2026, 3, 2),
            by=clinician,
        )
        fired = screen(a, clinician, knee_acute_injury=1)
        assert bool(fired) is fires


def test_a_rule_fires_once_per_assessment_and_events_are_immutable(assessment, clinician):
    (event,) = screen(assessment, clinician, dvt_suspected=1)
    assert screen(assessment, clinician, dvt_suspected=1) == []
    assert RedFlagEvent.objects.count() == 1
    event.title = "changed"
    with pytest.raises(Exception, match="immutable"):
        event.save()
    with pytest.raises(TypeError):
        RedFlagEvent.objects.filter(pk=event.pk).update(title="x")
    with pytest.raises(Exception, match="immutable"):
        event.delete()


def _power(assessment, user, **grades):
    services.assessment_save_section(
        assessment=assessment,
        changes={f"power_{k}": v for k, v in grades.items()},
        section="examination",
        by=user,
    )
    return set(assessment.red_flags.values_list("rule_id", flat=True))


def test_neurological_deficit_is_compared_with_the_previous_assessment(patient_record, clinician):
    first = services.assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=date(2026, 3, 1),
        by=clinician,
    )
    assert _power(first, clinician, l5_left=4, l5_right=5) == set()
    second = services.assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=date(2026, 3, 8),
        by=clinician,
        kind="review",
    )
    # Unchanged grade 4: no flag. A drop of one grade: U.
    assert _power(second, clinician, l5_left=4, l5_right=5) == set()
    assert _power(second, clinician, l5_left=3, l5_right=5) == {"RF-NEURO"}


def test_new_grade_three_is_a_deficit_and_bilateral_is_an_emergency(assessment, clinician):
    assert _power(assessment, clinician, l4_left=4) == set()  # first assessment, grade 4
    assert _power(assessment, clinician, l4_left=3, l4_right=3) == {"RF-NEURO-BILAT"}


# --- sign / amend and the gate ------------------------------------------------------


def test_signing_is_blocked_while_a_red_flag_has_no_action(assessment, clinician):
    (event,) = screen(assessment, clinician, dvt_suspected=1)
    with pytest.raises(services.UnactionedRedFlagsError):
        services.assessment_sign(assessment=assessment, by=clinician)
    services.red_flag_resolve(
        event=event, kind=ResolutionKind.ACTION, action="same_day_gp", by=clinician
    )
    assert not patient_has_unactioned_red_flags(assessment.patient)
    services.assessment_sign(assessment=assessment, by=clinician)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SIGNED and assessment.signed_by == clinician


def test_an_override_needs_a_reason(assessment, clinician):
    (event,) = screen(assessment, clinician, dvt_suspected=1)
    with pytest.raises(services.AssessmentError):
        services.red_flag_resolve(event=event, kind=ResolutionKind.OVERRIDE, by=clinician)
    services.red_flag_resolve(
        event=event, kind=ResolutionKind.OVERRIDE, note="Entered in error", by=clinician
    )
    with pytest.raises(services.AssessmentError):
        services.red_flag_resolve(
            event=event, kind=ResolutionKind.OVERRIDE, note="again", by=clinician
        )


def test_a_signed_assessment_changes_only_by_amendment_with_a_reason(assessment, clinician):
    services.assessment_sign(assessment=assessment, by=clinician)
    with pytest.raises(services.AssessmentLockedError):
        services.assessment_save_section(
            assessment=assessment, changes={"goals": "Run 5 km"}, section="history", by=clinician
        )
    services.assessment_save_section(
        assessment=assessment,
        changes={"goals": "Run 5 km"},
        section="history",
        by=clinician,
        reason="Goal added after phone call",
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AMENDED
    assert assessment.goals == "Run 5 km"
    amendment = Amendment.objects.get()
    assert (amendment.reason, amendment.by) == ("Goal added after phone call", clinician)
    latest = assessment.history.first()
    assert latest.history_user == clinician
    assert "Goal added" in latest.history_change_reason


def test_the_page_refuses_a_section_save_on_a_signed_assessment_without_reason(
    client, assessment, clinician
):
    services.assessment_sign(assessment=assessment, by=clinician)
    client.force_login(clinician)
    response = client.post(url("section", assessment, "history"), {"history-goals": "x"})
    assert response.status_code == 400
    assert "give a reason" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.goals == ""


def test_sign_button_shows_why_it_is_blocked(client, assessment, clinician):
    screen(assessment, clinician, dvt_suspected=1)
    client.force_login(clinician)
    response = client.post(url("sign", assessment), follow=True)
    assert "Record an action" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


# --- responses and baselines --------------------------------------------------------


def test_score_is_frozen_with_versions_and_change_is_against_the_episode_baseline(
    patient_record, clinician, client
):
    first = services.assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=date(2026, 3, 1),
        by=clinician,
    )
    lefs_answers = {code: 2 for code in __import__(
        "assessments.instruments", fromlist=["get_instrument"]
    ).get_instrument("lefs").items}  # fmt: skip
    r1 = services.outcome_response_save(
        assessment=first, instrument_code="lefs", answers=lefs_answers, by=clinician
    )
    assert (r1.total, r1.instrument_version, r1.scoring_rule_version) == (40, "1999", "lefs-sum-1")
    review = services.assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=date(2026, 4, 1),
        by=clinician,
        kind="review",
    )
    services.outcome_response_save(
        assessment=review,
        instrument_code="lefs",
        answers={**lefs_answers, "usual_work": 4, "hobbies": 4, "bath": 4, "car": 4, "hopping": 4},
        by=clinician,
    )
    client.force_login(clinician)
    body = client.get(url("summary", review)).content.decode()
    assert "10.0 points" in body and "important improvement" in body
    # A later rule revision never rewrites the stored score.
    r1.refresh_from_db()
    assert r1.result["total"] == 40


def test_invalid_instrument_answers_are_a_form_error(client, assessment, clinician):
    client.force_login(clinician)
    response = client.post(
        url("measure", assessment, "visa_a"), {"q8a": "7", "q8b": "4", "q1": "5"}
    )
    assert response.status_code == 400
    assert "exactly one" in response.content.decode()
    assert not assessment.responses.exists()


def test_lefs_total_is_computed_on_save(client, assessment, clinician):
    client.force_login(clinician)
    data = {code: "3" for code in __import__(
        "assessments.instruments", fromlist=["get_instrument"]
    ).get_instrument("lefs").items}  # fmt: skip
    response = client.post(url("measure", assessment, "lefs"), data)
    assert response.status_code == 302
    assert assessment.responses.get().total == 60
    live = client.post(url("measure", assessment, "lefs"), {**data, "preview": "1"})
    assert "60" in live.content.decode()


# --- pages --------------------------------------------------------------------------


def test_section_save_with_htmx_returns_the_workspace_with_the_banner(
    client, assessment, clinician
):
    client.force_login(clinician)
    data = {"screen-dvt_suspected": "present"}
    response = client.post(url("section", assessment, "screen"), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="workspace"' in body and "Suspected deep vein thrombosis" in body
    assert "<html" not in body


def test_bad_input_is_a_form_error_not_a_500(client, assessment, clinician):
    client.force_login(clinician)
    response = client.post(
        url("section", assessment, "examination"), {"examination-power_l4_left": "9"}
    )
    assert response.status_code == 400
    assert "Oxford power is graded 0 to 5" in response.content.decode()


def test_open_red_flags_show_on_the_patient_page_and_dashboard(
    client, assessment, clinician, reception
):
    screen(assessment, clinician, dvt_suspected=1)
    client.force_login(clinician)
    patient_page = client.get(reverse("patients:detail", args=[assessment.patient_id]))
    assert "red-flag-banner" in patient_page.content.decode()
    assert "Suspected deep vein thrombosis" in client.get(reverse("dashboard")).content.decode()
    client.force_login(reception)
    for page in (reverse("patients:detail", args=[assessment.patient_id]), reverse("dashboard")):
        body = client.get(page).content.decode()
        assert "deep vein" not in body and "Assessments" not in body
    assert client.get(url("detail", assessment)).status_code == 403


def test_creating_an_assessment_from_the_page(client, patient_record, clinician):
    client.force_login(clinician)
    response = client.post(
        reverse("assessments:create", args=[patient_record.pk]),
        {"kind": "initial", "assessed_on": "2026-03-02"},
    )
    assert response.status_code == 302
    assert patient_record.assessments.get().clinician == clinician.staff_member


def test_assessment_page_query_count_is_constant(
    client, assessment, clinician, django_assert_max_num_queries
):
    client.force_login(clinician)
    client.get(url("detail", assessment))  # warm caches (session, content types)

    def page_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("detail", assessment)).status_code == 200
        return len(ctx.captured_queries)

    base = page_queries()
    screen(assessment, clinician, dvt_suspected=1, ces_saddle=1, clti_rest_pain=1)
    for code, answers in (("nprs", {"current": 3}), ("psfs", {"activity_1": 4})):
        services.outcome_response_save(
            assessment=assessment, instrument_code=code, answers=answers, by=clinician
        )
    # session, user, staff member, clinics, patient, assessment, previous-assessment,
    # events+resolutions, responses, amendments, episode start, baseline candidates
    assert page_queries() <= base + 2
    with django_assert_max_num_queries(16):
        client.get(url("detail", assessment))


def test_a_draft_saves_itself_on_change_and_shows_new_red_flags(client, assessment, clinician):
    client.force_login(clinician)
    data = {"screen-dvt_suspected": "present", "autosave": "1"}
    response = client.post(url("section", assessment, "screen"), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "Draft saved at" in body
    # The red-flag list is swapped out of band with the rule that fired.
    assert 'hx-swap-oob="true"' in body and "Suspected deep vein thrombosis" in body
    assert 'id="workspace"' not in body
    assessment.refresh_from_db()
    assert assessment.red_flags.count() == 1


def test_an_autosave_with_bad_input_says_so_and_saves_nothing(client, assessment, clinician):
    client.force_login(clinician)
    data = {"examination-power_l4_left": "9", "autosave": "1"}
    response = client.post(url("section", assessment, "examination"), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Not saved yet: Oxford power is graded 0 to 5" in body
    assessment.refresh_from_db()
    assert assessment.power_l4_left is None


def test_only_drafts_offer_autosave(client, assessment, clinician):
    client.force_login(clinician)
    page = client.get(url("detail", assessment)).content.decode()
    assert "Saves automatically" in page
    services.assessment_sign(assessment=assessment, by=clinician)
    page = client.get(url("detail", assessment)).content.decode()
    assert "Saves automatically" not in page

"""My programme and handout, check-in with the red-flag self-screen and the
staff alert, questionnaires, reminders with the calendar feed, My data."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from alerts.models import Alert, AlertKind, AlertUrgency
from assessments.models import EnteredBy, OutcomeResponse
from clinic.models import AuditAction, AuditEvent
from reminders.models import CalendarFeed, ReminderPreference
from tracking import services as activity
from tracking.models import CheckIn, SessionLog

pytestmark = pytest.mark.django_db

NO_FLAGS = {
    "flag_calf": "no",
    "flag_saddle": "no",
    "flag_bladder_bowel": "no",
    "flag_weakness": "no",
    "flag_cold_foot": "no",
    "flag_fever_red_leg": "no",
    "flag_both_legs": "no",
    "flag_tight_calf": "no",
    "flag_leg_breathless": "no",
}


# --- My programme ---


def test_my_programme_lists_every_exercise_with_dosage_and_links_the_handout(portal, active_plan):
    body = portal.get(reverse("portal:programme")).content.decode()
    for p in active_plan.current_version().prescriptions.all():
        assert p.exercise.name in body and p.dose in body
    assert reverse("portal:handout") in body
    handout = portal.get(reverse("portal:handout")).content.decode()
    assert "Your home exercise programme" in handout
    assert "Back to my programme" in handout
    assert reverse("programmes:plan-detail", args=[active_plan.pk]) not in handout
    assert active_plan.working_diagnosis == "" or active_plan.working_diagnosis not in handout


def test_handout_without_a_plan_is_404(portal):
    assert portal.get(reverse("portal:handout")).status_code == 404


# --- Check-in ---


def test_a_check_in_without_red_flags_is_stored_and_raises_nothing(portal, patient_record):
    response = portal.post(reverse("portal:check-in"), {"pain_now": "4", **NO_FLAGS})
    body = response.content.decode()
    assert "Thank you" in body and "pain 4 out of 10" in body
    check_in = CheckIn.objects.get()
    assert (check_in.patient, check_in.pain_now, check_in.red_flags, check_in.urgency) == (
        patient_record,
        4,
        [],
        "",
    )
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    "flag, urgency, advice",
    [
        ("flag_saddle", "E", "Go to A&amp;E or call 999 now"),
        ("flag_bladder_bowel", "E", "Go to A&amp;E or call 999 now"),
        ("flag_cold_foot", "E", "Go to A&amp;E or call 999 now"),
        ("flag_fever_red_leg", "E", "Go to A&amp;E or call 999 now"),
        ("flag_both_legs", "E", "Go to A&amp;E or call 999 now"),
        ("flag_tight_calf", "E", "Go to A&amp;E or call 999 now"),
        ("flag_leg_breathless", "E", "Call 999 now"),
        ("flag_calf", "U", "See a doctor today"),
        ("flag_weakness", "U", "See a doctor today"),
    ],
)
def test_a_red_flag_shows_urgent_advice_at_once_and_raises_an_urgent_alert(
    portal, patient_record, flag, urgency, advice
):
    response = portal.post(reverse("portal:check-in"), {"pain_now": "6", **NO_FLAGS, flag: "yes"})
    body = response.content.decode()
    assert advice in body
    check_in = CheckIn.objects.get()
    assert check_in.urgency == urgency
    assert check_in.red_flags == [flag.removeprefix("flag_")]
    alert = Alert.objects.get()
    assert (alert.patient, alert.kind, alert.urgency) == (
        patient_record,
        AlertKind.RED_FLAG_REPORTED,
        AlertUrgency.URGENT,
    )
    assert check_in.alert == alert


def test_emergency_wins_over_same_day_and_a_second_report_keeps_one_open_alert(portal):
    data = {"pain_now": "7", **NO_FLAGS, "flag_calf": "yes", "flag_saddle": "yes"}
    body = portal.post(reverse("portal:check-in"), data).content.decode()
    assert "Go to A&amp;E or call 999 now" in body
    portal.post(reverse("portal:check-in"), data)
    assert CheckIn.objects.count() == 2
    # One red-flag alert (and, for pain 7/10, one pain alert): none twice.
    assert Alert.objects.filter(kind=AlertKind.RED_FLAG_REPORTED).count() == 1
    assert Alert.objects.filter(kind=AlertKind.PAIN_HIGH).count() == 1


def test_breathlessness_with_a_swollen_leg_wins_over_other_emergencies(portal):
    data = {"pain_now": "3", **NO_FLAGS, "flag_saddle": "yes", "flag_leg_breathless": "yes"}
    body = portal.post(reverse("portal:check-in"), data).content.decode()
    assert "Call 999 now" in body and "do not drive yourself" in body
    assert "A swollen or painful leg together with breathlessness or chest pain" in body
    check_in = CheckIn.objects.get()
    assert check_in.urgency == "E"
    assert check_in.red_flags == ["saddle", "leg_breathless"]
    assert "leg_breathless" in Alert.objects.get(kind=AlertKind.RED_FLAG_REPORTED).summary


def test_the_new_self_screen_questions_are_asked(portal):
    body = portal.get(reverse("portal:check-in")).content.decode()
    for text in (
        "New pain, numbness or weakness in both legs",
        "A tight, swollen calf or shin with pain that keeps getting worse",
        "A swollen or painful leg together with breathlessness or chest pain",
    ):
        assert text in body


def test_an_incomplete_check_in_gets_clear_messages_and_stores_nothing(portal):
    response = portal.post(reverse("portal:check-in"), {"flag_calf": "yes"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a number from 0 to 10." in body and "Answer yes or no." in body
    assert not CheckIn.objects.exists() and not Alert.objects.exists()


def test_the_clinician_sees_the_reported_red_flag_on_the_dashboard(
    client, patient, clinician, colleague, reception
):
    client.force_login(patient)
    client.post(reverse("portal:check-in"), {"pain_now": "5", **NO_FLAGS, "flag_saddle": "yes"})
    client.force_login(clinician)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Red-flag symptoms reported by the patient" in body and "Quigley" in body
    for other in (colleague, reception):
        client.force_login(other)
        body = client.get(reverse("dashboard")).content.decode()
        assert "Red-flag symptoms reported by the patient" not in body


# --- Questionnaires ---


def test_due_questionnaires_follow_the_plan_schedule(portal, active_plan):
    # Alfredson: VISA-A at weeks 0, 6 and 12 (SPEC 4.2); week 0 is today.
    body = portal.get(reverse("portal:questionnaires")).content.decode()
    assert "VISA-A" in body and "Due since" in body


def _visa_answers(**overrides):
    answers = {f"q{n}": "5" for n in range(1, 7)}
    answers.update({"q7": "4", "q8b": "10"})
    answers.update(overrides)
    return answers


def test_a_questionnaire_is_generated_from_the_registry_scored_and_explained(
    portal, active_plan, patient_record
):
    page = portal.get(reverse("portal:questionnaire", args=["visa_a"])).content.decode()
    assert "How many single-leg hops can you do without pain?" in page
    response = portal.post(reverse("portal:questionnaire", args=["visa_a"]), _visa_answers())
    body = response.content.decode()
    saved = OutcomeResponse.objects.get()
    assert saved.assessment is None and saved.entered_by == EnteredBy.PATIENT
    assert (saved.instrument_code, saved.instrument_version, saved.scoring_rule_version) == (
        "visa_a",
        "2001",
        "visa-a-1",
    )
    assert saved.total == 5 * 6 + 4 + 10
    assert saved.result["total"] == saved.total
    assert "<strong>44</strong> out of 100" in body
    assert "Your first VISA-A score" in body
    listing = portal.get(reverse("portal:questionnaires")).content.decode()
    assert "Done on" in listing


def test_change_since_baseline_counts_clinician_and_patient_entries_as_one_series(
    portal, patient_record, clinician, today
):
    from assessments.instruments import get_instrument
    from assessments.services import (
        assessment_create,
        outcome_response_save,
        patient_questionnaire_save,
    )

    codes = get_instrument("lefs").items
    assessment = assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=today - timedelta(days=28),
        by=clinician,
    )
    baseline = outcome_response_save(
        assessment=assessment,
        instrument_code="lefs",
        answers=dict.fromkeys(codes, 2),  # 40
        by=clinician,
    )
    assert baseline.entered_by == EnteredBy.CLINICIAN
    later = dict.fromkeys(codes, 3)
    later.update({codes[0]: 4, codes[1]: 4})  # 62
    patient_questionnaire_save(patient=patient_record, code="lefs", answers=later)
    body = portal.get(reverse("portal:progress")).content.decode()
    assert "Your LEFS rose 22 points (better) since" in body
    assert "a change of 9 points or more is a real change" in body
    assert "That is a real change." in body
    # The clinician's assessment page sees the patient's entry in the same series.
    series = OutcomeResponse.objects.series(patient_record, "lefs", "1999")
    assert [r.entered_by for r in series] == [EnteredBy.CLINICIAN, EnteredBy.PATIENT]
    assert OutcomeResponse.objects.for_user(clinician).count() == 2


def test_an_incomplete_questionnaire_says_what_is_missing(portal):
    answers = _visa_answers()
    del answers["q3"]
    response = portal.post(reverse("portal:questionnaire", args=["visa_a"]), answers)
    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
    both = _visa_answers(q8a="14")
    response = portal.post(reverse("portal:questionnaire", args=["visa_a"]), both)
    assert response.status_code == 400
    assert "answer exactly one of 8A, 8B or 8C" in response.content.decode()
    assert not OutcomeResponse.objects.exists()


def test_an_unknown_or_clinician_only_questionnaire_is_404(portal):
    for code in ("psfs", "wells_dvt", "nope"):
        assert portal.get(reverse("portal:questionnaire", args=[code])).status_code == 404


# --- Reminders and the calendar feed ---


def test_reminder_settings_are_saved_paused_and_unsubscribed(portal, patient_record):
    data = {
        "enabled": "on",
        "channel": "sms",
        "time_1": "07:30",
        "time_2": "18:00",
        "days": ["0", "2", "4"],
        "quiet_start": "",
        "quiet_end": "",
        "paused_until": "",
        "action": "save",
    }
    assert portal.post(reverse("portal:reminders"), data).status_code == 302
    pref = ReminderPreference.objects.get(patient=patient_record)
    assert (pref.enabled, pref.channel, pref.local_times, pref.days_of_week) == (
        True,
        "sms",
        ["07:30", "18:00"],
        0b10101,
    )
    portal.post(reverse("portal:reminders"), {**data, "paused_until": "2099-01-01"})
    response = portal.post(
        reverse("portal:reminders"), {**data, "days": [], "quiet_start": "22:00"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one day." in body and "Give both ends of the quiet hours" in body
    portal.post(reverse("portal:reminders"), {"action": "unsubscribe"})
    pref.refresh_from_db()
    assert pref.enabled is False


def test_the_portal_reminder_form_makes_the_same_checks_as_the_staff_page(portal, patient_record):
    patient_record.mobile_phone = ""
    patient_record.save()
    data = {"enabled": "on", "channel": "sms", "time_1": "23:00", "days": ["0"], "action": "save"}
    body = portal.post(reverse("portal:reminders"), data).content.decode()
    assert "There is no mobile number on the record." in body
    data = {**data, "channel": "email", "quiet_start": "22:00", "quiet_end": "07:00"}
    body = portal.post(reverse("portal:reminders"), data).content.decode()
    assert "The quiet hours cover every reminder time" in body
    body = portal.post(
        reverse("portal:reminders"),
        {**data, "quiet_start": "", "quiet_end": "", "paused_until": "2020-01-01"},
    ).content.decode()
    assert "The pause cannot end in the past." in body
    assert not ReminderPreference.objects.filter(patient=patient_record).exists()


def test_the_calendar_feed_has_only_exercise_sessions_and_can_be_revoked(
    portal, client, active_plan, patient_record
):
    response = portal.post(reverse("portal:reminders"), {"action": "feed-new"})
    body = response.content.decode()
    url = body.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    path = url.split("testserver", 1)[1]
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(patient=patient_record)
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    client.logout()
    ics = client.get(path)
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert text.count("SUMMARY:Exercise session") >= 2 * 28  # twice a day
    for secret in ("Quigley", "Achilles", "Eccentric", "eccentric", patient_record.clinic.name):
        assert secret not in text
    portal.force_login(patient_record.user)
    portal.post(reverse("portal:reminders"), {"action": "feed-new"})
    assert client.get(path).status_code == 404  # the old link stops working
    portal.post(reverse("portal:reminders"), {"action": "feed-revoke"})
    assert not CalendarFeed.objects.exists()


def test_a_guessed_calendar_token_is_404(client):
    assert client.get(reverse("portal:calendar-feed", args=["guess"])).status_code == 404


# --- My data ---


def test_my_data_downloads_everything_as_json_and_is_audited(
    portal, active_plan, patient_record, today
):
    p = active_plan.current_version().prescriptions.first()
    activity.session_log_save(
        patient=patient_record,
        prescription=p,
        performed_on=today,
        session_number=1,
        outcome="skipped",
        skip_reason="forgot",
    )
    portal.post(reverse("portal:check-in"), {"pain_now": "2", **NO_FLAGS})
    response = portal.get(reverse("portal:my-data-download"))
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    assert data["patient_id"] == str(patient_record.pk)
    titles = [s["title"] for s in data["sections"]]
    assert "Home exercise and check-ins" in titles
    text = json.dumps(data)
    assert "forgot" in text and "Quigley" in text and "red-flag self-screen answers" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, patient_id=patient_record.pk
    ).exists()
    assert SessionLog.objects.count() == 1

"""Sciatica self-tracking (issue 14, ``tracking.sciatica``): asked at the portal check-in
for plans of back-related leg pain only; the trend on each side of each step; the alert
for peripheralising or new weakness (SPEC 1.9) and none otherwise; weakness in both legs
routed as the self-screen's "both legs" answer (SPEC 1.4), alert, advice and pause."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alerts.models import Alert, AlertKind, AlertUrgency
from programmes import services as programme_services
from programmes.models import PlanStatus
from tests.programmes.helpers import make_plan
from tracking import self_screen
from tracking.models import CheckIn, LegExtent, LegWeakness, SciaticaTrend
from tracking.sciatica import alert_for, new_weakness, trend

pytestmark = pytest.mark.django_db

NO_FLAGS = {f"flag_{q.code}": "no" for q in self_screen.QUESTIONS}
QUESTION = "How far down your leg does the pain reach?"


def answers(extent=LegExtent.THIGH, weakness=LegWeakness.NONE, numb="no", back=3, leg=5):
    return {
        "pain_now": "4",
        **NO_FLAGS,
        "back_pain": str(back),
        "leg_pain": str(leg),
        "leg_extent": str(int(extent)),
        "leg_numbness": numb,
        "leg_weakness": str(int(weakness)),
    }


@pytest.fixture
def sciatica_plan(patient_record, clinician):
    plan = make_plan(
        patient_record,
        clinician,
        slug="sciatica-graded-activity",
        start_on=patient_record.local_today(),
    )
    programme_services.plan_activate(plan=plan, by=clinician)
    return plan


@pytest.fixture
def portal(client, patient):
    client.force_login(patient)
    return client


# --- the rules, each side of each step ---------------------------------------------------


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        (None, LegExtent.FOOT, SciaticaTrend.FIRST),
        (LegExtent.THIGH, LegExtent.BELOW_KNEE, SciaticaTrend.PERIPHERALISING),
        (LegExtent.THIGH, LegExtent.THIGH, SciaticaTrend.STABLE),
        (LegExtent.THIGH, LegExtent.BUTTOCK, SciaticaTrend.CENTRALISING),
        (LegExtent.BUTTOCK, LegExtent.NONE, SciaticaTrend.CENTRALISING),
        (LegExtent.NONE, LegExtent.BUTTOCK, SciaticaTrend.PERIPHERALISING),
    ],
)
def test_trend_on_each_side_of_each_step(before, now, expected):
    assert trend(before, now) == expected


@pytest.mark.parametrize(
    ("before", "now", "is_new"),
    [
        (None, LegWeakness.ONE_LEG, True),  # first report: nothing to compare, alert
        (LegWeakness.NONE, LegWeakness.ONE_LEG, True),
        (LegWeakness.ONE_LEG, LegWeakness.ONE_LEG, False),
        (LegWeakness.NONE, LegWeakness.NONE, False),
        (LegWeakness.BOTH_LEGS, LegWeakness.ONE_LEG, False),
    ],
)
def test_new_weakness_only_when_not_reported_before(before, now, is_new):
    assert new_weakness(before, now) is is_new


def test_alert_urgency_urgent_for_new_weakness_soon_for_peripheralising_none_otherwise():
    assert alert_for(SciaticaTrend.PERIPHERALISING, False)[0] == AlertUrgency.SOON
    assert alert_for(SciaticaTrend.STABLE, True)[0] == AlertUrgency.URGENT
    assert alert_for(SciaticaTrend.PERIPHERALISING, True)[0] == AlertUrgency.URGENT
    for quiet in (SciaticaTrend.FIRST, SciaticaTrend.STABLE, SciaticaTrend.CENTRALISING):
        assert alert_for(quiet, False) is None


# --- the portal and the record ------------------------------------------------------------


def test_asked_only_for_back_related_leg_pain(portal, patient_record, clinician):
    other = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    programme_services.plan_activate(plan=other, by=clinician)  # Alfredson
    assert QUESTION not in portal.get(reverse("portal:check-in")).content.decode()
    # Posting the sciatica answers anyway stores none of them.
    portal.post(reverse("portal:check-in"), answers(weakness=LegWeakness.ONE_LEG))
    check_in = CheckIn.objects.get()
    assert check_in.leg_extent is None and check_in.back_pain is None
    assert not Alert.objects.filter(kind=AlertKind.SCIATICA_WORSE).exists()


def test_missing_answers_are_asked_again(portal, sciatica_plan):
    body = portal.get(reverse("portal:check-in")).content.decode()
    assert QUESTION in body and "Your back pain right now" in body and "Below the knee" in body
    data = answers()
    del data["leg_extent"]
    response = portal.post(reverse("portal:check-in"), data)
    assert response.status_code == 400 and not CheckIn.objects.exists()


def test_peripheralising_alerts_centralising_does_not_and_the_record_shows_it(
    client, portal, patient, patient_record, clinician, sciatica_plan
):
    portal.post(reverse("portal:check-in"), answers(extent=LegExtent.THIGH))
    assert CheckIn.objects.get().sciatica_trend == SciaticaTrend.FIRST
    portal.post(reverse("portal:check-in"), answers(extent=LegExtent.BUTTOCK, leg=3))
    latest = CheckIn.objects.order_by("-created_at").first()
    assert (latest.back_pain, latest.leg_pain, latest.leg_extent) == (3, 3, LegExtent.BUTTOCK)
    assert latest.sciatica_trend == SciaticaTrend.CENTRALISING
    assert not Alert.objects.filter(kind=AlertKind.SCIATICA_WORSE).exists()
    portal.post(reverse("portal:check-in"), answers(extent=LegExtent.FOOT, leg=7))
    assert CheckIn.objects.order_by("-created_at").first().sciatica_trend == "peripheralising"
    alert = Alert.objects.get(kind=AlertKind.SCIATICA_WORSE)
    assert alert.urgency == AlertUrgency.SOON and "peripheralising" in alert.summary
    sciatica_plan.refresh_from_db()
    assert sciatica_plan.status == PlanStatus.ACTIVE  # an alert, not a red-flag pause

    client.force_login(clinician)
    page = client.get(reverse("patients:detail", args=[patient_record.pk])).content.decode()
    assert "Sciatica: leg pain reaches thigh → buttock → foot (peripheralising" in page
    assert "back 3/10, leg 7/10; reaches: foot; no numbness; weakness: no" in page
    assert "Centralising" in page and "Peripheralising" in page


def test_new_weakness_in_one_leg_raises_an_urgent_alert_once(portal, sciatica_plan):
    portal.post(reverse("portal:check-in"), answers())
    assert not Alert.objects.filter(kind=AlertKind.SCIATICA_WORSE).exists()
    portal.post(reverse("portal:check-in"), answers(weakness=LegWeakness.ONE_LEG))
    alert = Alert.objects.get(kind=AlertKind.SCIATICA_WORSE)
    assert alert.urgency == AlertUrgency.URGENT and "new weakness" in alert.summary
    assert not Alert.objects.filter(kind=AlertKind.RED_FLAG_REPORTED).exists()


def test_weakness_in_both_legs_routes_as_the_self_screen_does(portal, sciatica_plan):
    response = portal.post(reverse("portal:check-in"), answers(weakness=LegWeakness.BOTH_LEGS))
    body = response.content.decode()
    assert "Go to A&amp;E or call 999 now" in body
    check_in = CheckIn.objects.get()
    assert check_in.red_flags == ["both_legs"] and check_in.urgency == "E"
    assert check_in.answers["both_legs"] is True
    assert Alert.objects.filter(kind=AlertKind.RED_FLAG_REPORTED).exists()
    sciatica_plan.refresh_from_db()
    assert sciatica_plan.status == PlanStatus.PAUSED


def test_a_cauda_equina_answer_on_the_same_check_in_routes(portal, sciatica_plan):
    portal.post(reverse("portal:check-in"), {**answers(), "flag_bladder_bowel": "yes"})
    check_in = CheckIn.objects.get()
    assert check_in.urgency == "E" and check_in.leg_extent == LegExtent.THIGH
    sciatica_plan.refresh_from_db()
    assert sciatica_plan.status == PlanStatus.PAUSED


def test_the_questions_are_in_polish(portal, patient_record, sciatica_plan):
    patient_record.preferred_language = "pl"
    patient_record.save()
    body = portal.get(reverse("portal:check-in")).content.decode()
    assert QUESTION not in body
    assert "Poniżej kolana" in body

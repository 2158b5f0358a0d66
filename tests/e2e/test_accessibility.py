"""Issue 18: accessibility checked by a real engine. axe-core (WCAG 2.1 A/AA)
on every portal page at 360 px and at desktop width, the login and reset pages,
and the main staff pages; the phone tab bar fits and has 44 px targets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from assessments.instruments import get_instrument
from assessments.services import (
    assessment_create,
    outcome_response_save,
    patient_questionnaire_save,
)
from programmes import services
from tests.e2e.axe import AxeReport
from tests.e2e.conftest import staff_login
from tests.factories import PASSWORD
from tests.programmes.helpers import make_plan
from tracking.models import CheckIn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/portal/login/",
    "/portal/password-reset/",
    "/portal/password-reset/sent/",
    "/portal/password-reset/MQ/bad-token/",
    "/portal/password-reset/done/",
    "/portal/invite/not-a-real-token/",
]
PORTAL_PAGES = [
    "/portal/",
    "/portal/programme/",
    "/portal/check-in/",
    "/portal/questionnaires/",
    "/portal/questionnaires/visa_a/",
    "/portal/questionnaires/lefs/",
    "/portal/progress/",
    "/portal/reminders/",
    "/portal/my-data/",
    "/portal/more/",
]


@pytest.fixture
def portal_data(patient, patient_record, clinician):
    """A patient part way through a programme, with check-ins and scores, so
    that the pages show their cards, charts and calendar."""
    today = patient_record.local_today()
    patient_record.consent_portal = True
    patient_record.save()
    plan = make_plan(patient_record, clinician, start_on=today)
    services.plan_activate(plan=plan, by=clinician)
    CheckIn.objects.create(patient=patient_record, checked_on=today, pain_now=3)
    patient_questionnaire_save(
        patient=patient_record,
        code="visa_a",
        answers={"q1": 5, "q2": 5, "q3": 5, "q4": 5, "q5": 5, "q6": 5, "q7": 4, "q8b": 10},
    )
    assessment = assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=today - timedelta(days=1),
        by=clinician,
    )
    outcome_response_save(
        assessment=assessment,
        instrument_code="lefs",
        answers=dict.fromkeys(get_instrument("lefs").items, 2),
        by=clinician,
    )
    return {"plan": plan, "assessment": assessment}


def portal_login(page, email="zelda.quigley@patients.example", password=PASSWORD):
    page.goto("/portal/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/portal/")


def _check_pages(page, urls, *, phone: bool, report: AxeReport):
    for url in urls:
        response = page.goto(url)
        assert response.status in (200, 410), url
        page.wait_for_load_state("networkidle")
        report.check(page, f"{url} at {'360 px' if phone else 'desktop'}")
        if phone:
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, url


def test_portal_pages_at_360_px_have_no_violations_and_fit(phone_page, portal_data):
    report = AxeReport()
    _check_pages(phone_page, PUBLIC_PAGES, phone=True, report=report)
    portal_login(phone_page)
    _check_pages(phone_page, PORTAL_PAGES, phone=True, report=report)
    report.assert_clean()
    # The tab bar: five destinations, every one at least 44 px each way.
    phone_page.goto("/portal/progress/")
    tabs = phone_page.get_by_role("navigation", name="Portal tabs").get_by_role("link")
    assert [t.split("\n")[-1].strip() for t in tabs.all_inner_texts()] == [
        "Today",
        "Check-in",
        "Questionnaires",
        "Progress",
        "More",
    ]
    for box in (tabs.nth(i).bounding_box() for i in range(5)):
        assert box["height"] >= 44 and box["width"] >= 44
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    # The header's long bar is not shown on a phone.
    assert not phone_page.get_by_role("navigation", name="Portal", exact=True).is_visible()
    phone_page.get_by_role("link", name="More").click()
    phone_page.get_by_role("link", name="Reminders").click()
    assert phone_page.url.endswith("/portal/reminders/")


def test_portal_pages_at_desktop_width_have_no_violations(page, portal_data):
    report = AxeReport()
    _check_pages(page, PUBLIC_PAGES, phone=False, report=report)
    portal_login(page)
    _check_pages(page, PORTAL_PAGES, phone=False, report=report)
    report.assert_clean()
    # Wide screens keep the header bar; no tab bar.
    assert page.get_by_role("navigation", name="Portal", exact=True).is_visible()
    assert not page.get_by_role("navigation", name="Portal tabs").is_visible()


def test_main_staff_pages_have_no_violations(page, portal_data, clinician, patient_record):
    report = AxeReport()
    page.goto("/accounts/login/")
    report.check(page, "staff login")
    staff_login(page, "clinician", PASSWORD)
    urls = [
        "/",
        "/patients/",
        f"/patients/{patient_record.pk}/",
        reverse("programmes:plan-detail", args=[portal_data["plan"].pk]),
        reverse("assessments:detail", args=[patient_record.pk, portal_data["assessment"].pk]),
    ]
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        report.check(page, url)
    report.assert_clean()

"""Browser test (issue 3): a clinician fills an initial assessment with a positive
Wells screen, sees the urgent banner, records the action, scores a LEFS, signs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments.instruments import get_instrument
from assessments.models import Assessment, AssessmentStatus
from tests.e2e.conftest import staff_login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinician_page(page, clinician):
    staff_login(page, clinician.username, PASSWORD)
    return page


def test_initial_assessment_with_positive_wells_then_action_lefs_and_sign(
    clinician_page, patient_record, screenshot
):
    page = clinician_page
    page.goto(f"/patients/{patient_record.pk}/")
    page.get_by_role("link", name="New assessment").click()
    page.get_by_role("button", name="Start assessment").click()
    page.wait_for_selector("#workspace")

    # Red-flag screen: two Wells features present (two-level score 2 = likely).
    page.check("#id_screen-wells_active_cancer_2")
    page.check("#id_screen-wells_previous_dvt_2")
    page.get_by_role("button", name="Save red-flag screen").click()
    banner = page.locator(".red-flag[data-urgency='U']")
    banner.wait_for()
    assert "Suspected deep vein thrombosis" in banner.inner_text()
    assert "Wells two-level score 2 (likely)" in banner.inner_text()

    # Signing is refused while the flag has no action.
    page.get_by_role("button", name="Sign assessment").click()
    assert "Record an action" in page.content()

    page.select_option(".red-flag select[name=action]", "same_day_gp")
    page.locator(".red-flag").get_by_role("button", name="Record").click()
    page.locator(".red-flag .resolution").wait_for()
    assert "Same-day GP" in page.locator(".red-flag .resolution").inner_text()

    # LEFS: all items "a little bit of difficulty" (3) -> 60 / 80.
    page.get_by_role("link", name="LEFS").click()
    for item in get_instrument("lefs").items:
        page.select_option(f"#id_{item}", "3")
    page.locator("#live-total").filter(has_text="60").wait_for()
    page.get_by_role("button", name="Save and score").click()
    row = page.locator("#scores tr[data-instrument='lefs'] .total")
    row.wait_for()
    assert row.inner_text().strip() == "60"

    page.get_by_role("button", name="Sign assessment").click()
    page.locator("#assessment-status", has_text="Signed").wait_for()
    screenshot(page, "assessment-flow-signed")

    assessment = Assessment.objects.get(patient=patient_record)
    assert assessment.status == AssessmentStatus.SIGNED
    assert assessment.responses.get(instrument_code="lefs").total == 60
    assert assessment.red_flags.get().resolution.action == "same_day_gp"


def test_a_draft_section_saves_itself_after_a_change(clinician_page, patient_record, clinician):
    from datetime import date

    from assessments import services

    assessment = services.assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=date(2026, 3, 2),
        by=clinician,
    )
    page = clinician_page
    page.goto(f"/patients/{patient_record.pk}/assessments/{assessment.pk}/")
    page.get_by_label("Medications").fill("Naproxen 500 mg")
    page.get_by_label("Medications").press("Tab")
    expect(page.locator("#history-autosave")).to_contain_text("Draft saved at")
    assessment.refresh_from_db()
    assert assessment.medications == "Naproxen 500 mg"

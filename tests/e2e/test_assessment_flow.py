"""Browser test (issue 3): a clinician fills an initial assessment with a positive
Wells screen, sees the urgent banner, records the action, scores a LEFS, signs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from assessments.instruments import get_instrument
from assessments.models import Assessment, AssessmentStatus

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinician_page(live_server, clinician):
    from playwright.sync_api import sync_playwright

    # A logged-in session without driving the login form (its flow is tested elsewhere).
    client = Client()
    client.force_login(clinician)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def test_initial_assessment_with_positive_wells_then_action_lefs_and_sign(
    clinician_page, patient_record
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
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "assessment-flow-signed.png"), full_page=True)

    assessment = Assessment.objects.get(patient=patient_record)
    assert assessment.status == AssessmentStatus.SIGNED
    assert assessment.responses.get(instrument_code="lefs").total == 60
    assert assessment.red_flags.get().resolution.action == "same_day_gp"

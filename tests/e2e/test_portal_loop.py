"""The patient portal loop in Chromium at a phone viewport: staff invite, the
patient sets a password, logs today's exercises (one skipped with a reason),
answers a check-in with a red flag and sees the urgent advice, and the
clinician then sees the alert on the dashboard. Portal pages run under the CSP."""

import re
import shutil
from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from programmes import services
from tests.e2e.conftest import staff_login
from tests.e2e.test_csp import _watch_console
from tests.factories import PASSWORD
from tests.programmes.helpers import make_plan
from tracking import self_screen
from tracking.models import SessionLog

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PATIENT_PASSWORD = "calf raises by the stairs"


def _keep(path: Path) -> None:
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS_SCREENSHOTS / path.name)


def test_the_portal_loop(page, phone_page, screenshot, clinician, patient_record):
    patient_record.consent_portal = True
    patient_record.save()
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    services.plan_activate(plan=plan, by=clinician)
    first, second = plan.current_version().prescriptions.order_by("order", "id")

    # Staff invite the patient.
    staff_login(page, "clinician", PASSWORD)
    page.goto(f"/patients/{patient_record.pk}/")
    page.get_by_role("button", name="Invite to portal").click()
    expect(page.get_by_text("Invitation sent to zelda.quigley@patients.example")).to_be_visible()
    # The email's link is absolute (the site's configured address): follow its path here.
    link = re.search(r"https?://[^/\s]+(/portal/invite/\S+/)", mail.outbox[-1].body).group(1)

    # The patient sets a password and lands on Today (a phone, 360 px wide).
    phone = phone_page
    problems = _watch_console(phone)
    phone.goto(link)
    phone.locator("#id_new_password1").fill(PATIENT_PASSWORD)
    phone.get_by_label("New password again").fill(PATIENT_PASSWORD)
    phone.get_by_role("button", name="Set password and continue").click()
    expect(phone.get_by_role("heading", name="Hello Zelda")).to_be_visible()

    # Log the first exercise as done (HTMX swaps the card) ...
    card = phone.locator(f"#ex-{first.pk}")
    card.get_by_label("Pain during (0 = none, 10 = worst)").select_option("2")
    card.get_by_role("button", name="Done", exact=True).click()
    expect(phone.locator(f"#ex-{first.pk}")).to_contain_text("Session 1: Done")
    # ... and skip the second one with a one-tap reason.
    phone.locator(f"#ex-{second.pk}").get_by_role("button", name="Forgot").click()
    expect(phone.locator(f"#ex-{second.pk}")).to_contain_text("Skipped (Forgot)")
    assert sorted(SessionLog.objects.values_list("outcome", "skip_reason")) == [
        ("done", ""),
        ("skipped", "forgot"),
    ]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _keep(screenshot(phone, "portal-today"))

    # A check-in with a red flag: the urgent advice shows at once.
    phone.get_by_role("link", name="Check-in", exact=True).click()
    phone.get_by_role("group", name=re.compile("Your pain right now")).get_by_label(
        "5", exact=True
    ).check()
    for question in self_screen.QUESTIONS:
        answer = "Yes" if question.code == "saddle" else "No"
        phone.get_by_role("group", name=question.text).get_by_label(answer, exact=True).check()
    phone.get_by_role("button", name="Send my check-in").click()
    expect(phone.get_by_role("heading", name="Go to A&E or call 999 now")).to_be_visible()

    # Progress, on the phone: charts drawn from static files, text summaries.
    phone.get_by_role("link", name="Progress", exact=True).click()
    expect(phone.get_by_text("Your pain at check-in on")).to_be_visible()
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("typeof window.Chart") == "function"
    _keep(screenshot(phone, "portal-progress"))

    # Every portal page loads under the CSP without a console error.
    for url in (
        "/portal/",
        "/portal/programme/",
        "/portal/programme/handout/",
        "/portal/check-in/",
        "/portal/questionnaires/",
        "/portal/questionnaires/visa_a/",
        "/portal/progress/",
        "/portal/reminders/",
        "/portal/my-data/",
    ):
        response = phone.goto(url)
        assert response.status == 200, url
        phone.wait_for_load_state("networkidle")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, url
    assert problems == [], "\n".join(problems)

    # The clinician sees the alert on the dashboard.
    page.goto("/")
    panel = page.locator("#dashboard-alerts")
    expect(panel).to_contain_text("Urgent")
    expect(panel).to_contain_text("Red-flag symptoms reported by the patient")
    expect(panel).to_contain_text("Zelda Quigley")

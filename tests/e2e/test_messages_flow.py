"""Secure messages in Chromium (issue 16): a patient on a 360 px phone writes
about an exercise with red-flag words, is offered the check-in, sends anyway;
the clinician sees the badge, the urgent alert and the "about" link, replies;
the reply reaches the phone by polling and the patient's message shows as read."""

from django.urls import reverse
from playwright.sync_api import expect

from programmes import services
from tests.e2e.conftest import staff_login
from tests.e2e.test_csp import _watch_console
from tests.factories import PASSWORD
from tests.programmes.helpers import make_plan

TEXT = "The heel drops hurt at the bottom and now both legs feel odd. Should I stop?"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_message_round_trip_at_360_px(page, phone_page, screenshot, clinician, patient):
    record = patient.patient
    plan = make_plan(record, clinician, start_on=record.local_today())
    services.plan_activate(plan=plan, by=clinician)
    first = plan.current_version().prescriptions.select_related("exercise").first()

    phone = phone_page
    problems = _watch_console(phone)
    phone.goto("/portal/login/")
    phone.get_by_label("Email").fill(record.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.goto("/portal/messages/")
    expect(phone.locator("#not-for-emergencies")).to_contain_text("not for emergencies")
    expect(phone.locator("#not-for-emergencies")).to_contain_text("999")
    phone.get_by_label("Your message").fill(TEXT)
    phone.get_by_label("About an exercise (optional)").select_option(str(first.pk))
    phone.get_by_role("button", name="Send message").click()

    # Red-flag words: what was noticed, the check-in offered, the text kept.
    expect(phone.locator("#red-flag-notice")).to_contain_text("symptoms in both legs")
    expect(phone.get_by_role("link", name="Do the check-in now")).to_be_visible()
    expect(phone.get_by_label("Your message")).to_have_value(TEXT)
    assert _fits(phone), "the Messages page is wider than the phone"
    screenshot(phone, "messages-red-flag-360")
    phone.get_by_role("button", name="Send anyway").click()
    expect(phone.get_by_text("Your physiotherapist has been alerted")).to_be_visible()
    expect(phone.locator("#thread")).to_contain_text("both legs feel odd")

    # The clinician: badge in the menu, the urgent alert, the thread with "about".
    staff_login(page, "clinician", PASSWORD)
    page.goto("/")
    expect(page.locator("#messages-badge")).to_contain_text("1")
    expect(page.locator("#messages-panel")).to_contain_text("1 conversation waiting")
    page.goto(reverse("alerts:list"))
    expect(page.locator("#alert-table")).to_contain_text("Red-flag words")
    expect(page.locator("#alert-table")).not_to_contain_text("both legs feel odd")
    page.goto(reverse("messaging:inbox"))
    page.get_by_role("link", name="Zelda Quigley").click()
    expect(page.locator("#thread")).to_contain_text("both legs feel odd")
    expect(page.locator(".about-link")).to_have_text(first.exercise.name)
    page.get_by_label("Reply").fill("Please stop the heel drops; I will phone you within the hour.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()

    # The reply reaches the phone without a reload (HTMX polling, 20 s).
    expect(phone.locator("#thread")).to_contain_text("I will phone you", timeout=45_000)
    expect(phone.locator("#thread .mine").first).to_contain_text("Read")
    assert _fits(phone)
    screenshot(phone, "messages-thread-360")
    assert not problems, problems

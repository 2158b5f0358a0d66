"""Issue 18: a keyboard-only walk of the portal loop on a phone-sized screen:
log in, log an exercise (focus stays in the card HTMX swapped), then the whole
VISA-A one question per screen with the question 8 branch, Back, leaving and
resuming the draft. axe-core checks the screens the loop reaches."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments.models import OutcomeResponse, QuestionnaireDraft
from programmes import services
from tests.e2e.axe import AxeReport
from tests.factories import PASSWORD
from tests.programmes.helpers import make_plan
from tracking.models import SessionLog

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _active(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? (e.id || '') + '|' + (e.textContent || '').trim().slice(0, 40)"
        " + '|' + (e.type || '') + '|' + (e.name || '') : '' }"
    )


def tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the JavaScript predicate `e => ...`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"() => {{ const e = document.activeElement; return !!e && ({predicate})(e); }}"
        ):
            return
    raise AssertionError(f"Tab never reached {predicate}; focus on {_active(page)}")


def answer(page, index: int) -> None:
    """Choose the option at `index` with the keyboard, then Enter (Next)."""
    tab_to(page, "e => e.type === 'radio'")
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_keyboard_only_portal_loop_with_the_visa_a(phone_page, patient, patient_record, clinician):
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    services.plan_activate(plan=plan, by=clinician)
    first = plan.current_version().prescriptions.order_by("order", "id").first()
    page, report = phone_page, AxeReport()

    # Log in: the email field has focus; Tab to the password; Enter.
    page.goto("/portal/login/")
    page.keyboard.type(patient_record.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello Zelda")).to_be_visible()

    # The skip link comes first.
    page.keyboard.press("Tab")
    assert _active(page).split("|")[1] == "Skip to content"
    # Log the first exercise as done: focus then sits on the new card's heading.
    tab_to(page, f"e => e.form && e.form.closest('#ex-{first.pk}') && e.value === 'done'")
    page.keyboard.press("Enter")
    expect(page.locator(f"#ex-{first.pk}")).to_contain_text("Session 1: Done")
    expect(page.locator(f"#ex-{first.pk}-h")).to_be_focused()
    assert SessionLog.objects.filter(prescription=first, outcome="done").count() == 1

    # To the questionnaires through the tab bar, then the VISA-A.
    tab_to(page, "e => e.closest('.portal-tabbar') && e.textContent.includes('Questionnaires')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/questionnaires/")
    tab_to(page, "e => e.getAttribute('href') === '/portal/questionnaires/visa_a/'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 1 of 9")).to_be_visible()
    report.check(page, "VISA-A question 1")
    for number in range(1, 7):
        expect(page.get_by_text(f"Question {number} of 9")).to_be_visible()
        answer(page, 5)  # 5 points
    expect(page.get_by_text("Question 7 of 9")).to_be_visible()
    answer(page, 1)  # modified training: 4 points

    # Question 8 asks which case applies; only that branch follows.
    expect(page.get_by_text("Question 8 of 9")).to_be_visible()
    expect(page.get_by_text("If you have", exact=False)).to_have_count(0)
    report.check(page, "VISA-A question 8 (which case)")
    answer(page, 2)  # pain that stops training: branch 8C
    expect(page.get_by_text("Question 9 of 9")).to_be_visible()
    expect(page.get_by_text("If you have pain that stops you")).to_be_visible()

    # Back (keyboard): question 8 shows the case chosen; choose 8B instead.
    tab_to(page, "e => e.value === 'back'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 8 of 9")).to_be_visible()
    expect(page.get_by_label("I have pain that stops me", exact=False)).to_be_checked()
    tab_to(page, "e => e.type === 'radio'")  # focus lands on the checked radio
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("but it does not stop you", exact=False)).to_be_visible()
    report.check(page, "VISA-A question 9 (branch 8B)")

    # Leave, come back: the draft carries on where the patient stopped.
    assert QuestionnaireDraft.objects.get().answers["q8"] == "q8b"
    page.goto("/portal/")
    page.goto("/portal/questionnaires/visa_a/")
    expect(page.get_by_text("Welcome back: you are carrying on where you stopped.")).to_be_visible()
    expect(page.get_by_text("Question 9 of 9")).to_be_visible()
    answer(page, 2)  # 11-20 minutes: 10 points in branch 8B
    expect(page.get_by_text("44", exact=True)).to_be_visible()
    report.check(page, "VISA-A result")
    response = OutcomeResponse.objects.get()
    assert response.total == 44 and response.answers["q8b"] == 10
    assert "q8c" not in response.answers and not QuestionnaireDraft.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    report.assert_clean()

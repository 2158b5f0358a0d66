"""Closing the loop in Chromium (issue 13): the patient logs sessions and a
red-flag check-in in the portal; the clinician finds them on the record, the
plan page and the caseload; the plan is paused (Today shows the advice and the
clinic's phone, no reminders are planned); the clinician resumes it with a note
and Today shows the exercises again."""

import re
from datetime import UTC, datetime, timedelta

import time_machine
from playwright.sync_api import expect

from programmes import services
from programmes.models import PlanStatus
from reminders.models import ReminderOccurrence, ReminderPreference
from reminders.planner import reminders_plan
from tests.e2e.conftest import staff_login
from tests.factories import PASSWORD
from tests.programmes.helpers import make_plan
from tracking import self_screen
from tracking.models import SessionLog


def test_home_activity_reaches_the_clinician_and_a_red_flag_pauses_the_programme(
    page, phone_page, screenshot, clinic, clinician, patient, patient_record
):
    clinic.phone = "+441214960123"
    clinic.save()
    patient_record.consent_reminders = True
    patient_record.save()
    ReminderPreference.objects.create(patient=patient_record, local_times=["08:00", "18:00"])
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    services.plan_activate(plan=plan, by=clinician)
    first, second = plan.current_version().prescriptions.order_by("order", "id")

    # The patient logs today's exercises: one done with pain 3, one skipped for pain.
    phone = phone_page
    phone.goto("/portal/login/")
    phone.locator("#id_email").fill(patient_record.email)
    phone.locator("#id_password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("heading", name="Hello Zelda")).to_be_visible()
    card = phone.locator(f"#ex-{first.pk}")
    card.get_by_label("Pain during (0 = none, 10 = worst)").select_option("3")
    card.get_by_role("button", name="Done", exact=True).click()
    expect(phone.locator(f"#ex-{first.pk}")).to_contain_text("Session 1: Done")
    phone.locator(f"#ex-{second.pk}").get_by_role("button", name="Pain", exact=True).click()
    expect(phone.locator(f"#ex-{second.pk}")).to_contain_text("Skipped (Pain)")
    assert SessionLog.objects.filter(patient=patient_record).count() == 2

    # A check-in with a same-day (U) red flag: the calf question.
    phone.get_by_role("link", name="Check-in", exact=True).click()
    phone.get_by_role("group", name=re.compile("Your pain right now")).get_by_label(
        "6", exact=True
    ).check()
    for question in self_screen.QUESTIONS:
        answer = "Yes" if question.code == "calf" else "No"
        phone.get_by_role("group", name=question.text).get_by_label(answer, exact=True).check()
    phone.get_by_role("button", name="Send my check-in").click()
    expect(phone.get_by_role("heading", name="See a doctor today")).to_be_visible()

    # Today now shows the advice and the clinic's phone instead of the exercises.
    phone.goto("/portal/")
    paused = phone.locator("#programme-paused")
    expect(paused).to_contain_text("See a doctor today")
    expect(paused).to_contain_text("0121 496 0123")
    expect(phone.get_by_role("button", name="Done", exact=True)).to_have_count(0)
    screenshot(phone, "portal-today-paused")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    # No reminder is planned while paused.
    ReminderOccurrence.objects.all().delete()
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=1), tick=False):
        reminders_plan()
    assert not ReminderOccurrence.objects.filter(patient=patient_record).exists()

    # The clinician: the record shows the sessions, the skip reason, the check-in.
    staff_login(page, "clinician", PASSWORD)
    page.goto(f"/patients/{patient_record.pk}/")
    at_home = page.locator("#at-home")
    expect(at_home).to_contain_text("Session log")
    expect(at_home.locator(".session-row")).to_have_count(2)
    expect(at_home).to_contain_text("Skipped: Pain")
    expect(page.locator("#missed-reasons")).to_contain_text("Pain 1")
    expect(page.locator("#check-ins")).to_contain_text(
        "answered yes: New swelling, redness or warmth in your calf"
    )
    expect(page.locator("#open-alerts")).to_contain_text("Urgent")
    expect(page.locator("#pain-summary")).to_contain_text("Check-in pain 6/10")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.Chart") == "function"
    screenshot(page, "record-at-home")

    # The caseload lists the patient as needing attention.
    page.get_by_role("link", name="Caseload").click()
    row = page.locator(".caseload-row", has_text="Zelda Quigley")
    expect(row).to_contain_text("Paused")
    expect(row).to_contain_text("urgent alert")

    # The plan page says why it paused; the clinician resumes it with a note.
    page.goto(f"/programmes/plans/{plan.pk}/")
    expect(page.locator("#plan-headline")).to_contain_text("This week")
    banner = page.locator("#plan-paused")
    expect(banner).to_contain_text("Red flag reported at a home check-in")
    expect(banner).to_contain_text("New swelling, redness or warmth in your calf")
    page.get_by_label("Note on resuming").fill("Seen by the GP today: DVT excluded (D-dimer).")
    page.get_by_role("button", name="Resume programme").click()
    expect(page.locator("#plan-status")).to_have_text("Active")
    page.locator("#pause-history summary").click()
    expect(page.locator("#pause-history")).to_contain_text("DVT excluded")

    # Today shows the exercises again.
    phone.goto("/portal/")
    expect(phone.locator("#programme-paused")).to_have_count(0)
    expect(phone.locator(f"#ex-{first.pk}")).to_be_visible()

"""Browser test: build a plan from the Alfredson template, change a dosage
inline (HTMX) and open the printable handout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programmes.models import Prescription
from tests.e2e.conftest import staff_login
from tests.factories import PASSWORD
from tests.programmes.helpers import ensure_library


@pytest.mark.e2e
def test_build_plan_from_alfredson_change_dosage_and_open_handout(
    live_server, page, screenshot, clinician, patient_record
):
    ensure_library()
    staff_login(page, clinician.username, PASSWORD)

    page.goto(live_server.url + reverse("patients:detail", args=[patient_record.pk]))
    page.click("text=New plan")
    page.select_option(
        "select[name=template]",
        label="Mid-portion Achilles tendinopathy: Alfredson eccentric protocol",
    )
    page.fill("input[name=start_on]", "2026-03-02")
    page.click("text=Create draft plan")
    page.wait_for_selector("text=Draft plan created")

    row = page.locator("tr[data-exercise=eccentric-heel-drop-straight-knee]")
    assert "3 x 15 reps" in row.inner_text()
    row.get_by_role("link", name="Edit").click()
    form = page.locator("form.prescription-form")
    form.locator("input[name=sets]").fill("4")
    form.locator("input[name=load]").fill("5 kg backpack")
    form.get_by_role("button", name="Save dosage").click()
    page.wait_for_selector(
        "tr[data-exercise=eccentric-heel-drop-straight-knee] >> text=4 x 15 reps"
    )
    # HTMX swapped the programme: no full page load, the message list is unchanged.
    assert page.locator("form.prescription-form").count() == 0
    rx = Prescription.objects.get(exercise__slug="eccentric-heel-drop-straight-knee")
    assert (rx.sets, rx.load) == (4, "5 kg backpack")
    screenshot(page, "plan_builder")

    page.click("#handout-link")
    page.wait_for_selector("text=Your home exercise programme")
    body = page.inner_text("body")
    assert "Riverside Physiotherapy" in body
    assert "4 x 15 reps" in body and "5 kg backpack" in body
    assert "How much pain is OK" in body
    assert rx.exercise.clinician_cues not in body
    page.emulate_media(media="print")
    assert not page.locator("text=Back to the plan").is_visible()
    screenshot(page, "plan_handout_print")

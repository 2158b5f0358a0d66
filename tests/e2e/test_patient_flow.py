"""A clinician logs in, creates a patient, finds them by search and opens the record."""

from playwright.sync_api import expect

from patients.models import Patient
from tests.e2e.conftest import staff_login
from tests.factories import PASSWORD


def test_a_clinician_creates_finds_and_opens_a_patient(page, screenshot, clinician, clinic):
    staff_login(page, "clinician", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="New patient").first.click()
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Date of birth").fill("1956-12-09")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Email", exact=True).fill("grace.hopper@patients.example")
    page.get_by_label("Mobile phone", exact=True).fill("+44 7911 123456")
    page.get_by_label("Referral reason").fill("Anterior knee pain on stairs")
    page.get_by_label("Consents to treatment").check()
    page.get_by_role("button", name="Save patient").click()

    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    record_number = Patient.objects.get(last_name="Hopper").record_number

    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_label("Search").fill(record_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Hopper, Grace").click()

    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    expect(page.locator("#referral-reason")).to_contain_text("Anterior knee pain on stairs")
    expect(page.get_by_text("Treatment: given, recorded by Clinician Staff")).to_be_visible()
    assert screenshot(page, "staff-patient-record").exists()


def test_a_typing_mistake_is_explained_in_the_browser(page, clinician, clinic):
    staff_login(page, "clinician", PASSWORD)
    page.goto("/patients/new/")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Date of birth").fill("2090-01-01")
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_text("Date of birth cannot be in the future.")).to_be_visible()
    expect(page.get_by_label("Last name")).to_have_value("Hopper")
    assert not Patient.objects.exists()

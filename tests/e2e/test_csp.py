"""The enforced Content Security Policy works with the staff UI and the admin:
every page loads with its scripts and styles and the console shows no CSP error.
(The portal app adds its pages to PAGES_BY_PERSONA when it exists.)"""

from playwright.sync_api import expect

from tests.e2e.conftest import staff_login
from tests.factories import PASSWORD


def _watch_console(page) -> list[str]:
    problems: list[str] = []

    def record(msg):
        if "favicon.ico" in msg.location.get("url", ""):
            return  # the admin pages link no favicon; the browser asks anyway
        if msg.type == "error" or "Content Security Policy" in msg.text:
            problems.append(f"{page.url}: {msg.text[:200]} {msg.location}")

    page.on("console", record)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_staff_pages_and_admin_run_under_the_csp(
    page, screenshot, clinic_admin, clinician, patient_record
):
    problems = _watch_console(page)
    staff_login(page, "clinicadmin", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    pages = [
        "/",
        "/patients/",
        "/patients/new/",
        f"/patients/{patient_record.pk}/",
        f"/patients/{patient_record.pk}/edit/",
        f"/patients/{patient_record.pk}/subject-access/",
        f"/patients/{patient_record.pk}/erasure/",
        "/audit/",
        "/accounts/2fa/recovery-codes/",
        "/admin/",
        "/admin/patients/patient/",
        f"/admin/patients/patient/{patient_record.pk}/change/",
        "/admin/patients/patient/add/",
        f"/admin/clinic/clinic/{patient_record.clinic_id}/change/",
        "/admin/clinic/staffmember/",
        "/admin/clinic/auditevent/",
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
    # Scripts do run: Bootstrap's collapse and the admin's JavaScript.
    page.goto(f"/admin/patients/patient/{patient_record.pk}/change/")
    assert page.evaluate("typeof window.django") == "object"
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto("/")
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Patients", exact=True)).to_be_visible()
    screenshot(page, "csp-staff-menu")
    assert problems == [], "\n".join(problems)


def test_the_second_factor_pages_run_under_the_csp(page, clinic):
    from clinic.twofactor import otp_enrolment_link_create
    from tests.factories import StaffMemberFactory, UserFactory

    member = StaffMemberFactory(user=UserFactory(username="newbie"), clinics=[clinic])
    problems = _watch_console(page)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("newbie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Without a device a password alone cannot go further (issue 19) ...
    expect(page.get_by_role("heading", name="Your account needs a second factor")).to_be_visible()
    problems.clear()  # that refusal is a 403 the console reports, as it should
    # ... until the member opens the enrolment link a clinic admin sent.
    page.goto(otp_enrolment_link_create(user=member.user))
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert page.evaluate("document.querySelector('img[alt^=\"QR code\"]').naturalWidth") > 0, (
        "the QR image (data: URI) was blocked"
    )
    assert problems == [], "\n".join(problems)

"""Stored XSS: script payloads typed into every free-text field, through the
forms people use, come back escaped on every page that shows them.

A new app adds its forms here: post payloads into each free-text field (use
``free_text_fields`` and ``payload_for``), then list the pages that show them
and pass their bodies to ``assert_escaped``.
"""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from patients.forms import ErasureRequestForm, PatientForm
from patients.models import ErasureRequest, Patient

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<script>x()</script>",  # short, for 20-character fields
]
# Fields whose format is validated (time zones) cannot hold a payload at all.
NOT_FREE_TEXT = {"time_zone"}


def free_text_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if type(field) is forms.CharField
        and name not in NOT_FREE_TEXT
        and not isinstance(field.widget, forms.HiddenInput)
    ]


def payload_for(form: forms.BaseForm, name: str, index: int) -> str:
    limit = form.fields[name].max_length or 10_000
    fitting = [p for p in PAYLOADS if len(p) <= limit]
    return fitting[index % len(fitting)]


def assert_escaped(body: str, where: str) -> None:
    for payload in PAYLOADS:
        assert payload not in body, f"unescaped {payload!r} on {where}"
    for marker in ("<script>alert", "<img src=x", "<svg onload", "<script>x()"):
        assert marker not in body, f"unescaped {marker!r} on {where}"


def _fill(form: forms.BaseForm, base: dict) -> dict:
    data = dict(base)
    for index, name in enumerate(free_text_fields(form)):
        data[name] = payload_for(form, name, index)
    return data


@pytest.mark.django_db
def test_patient_and_erasure_free_text_is_escaped_everywhere(
    client, clinic, clinician, clinic_admin
):
    client.force_login(clinician)
    form = PatientForm(staff_member=clinician.staff_member, user=clinician)
    fields = free_text_fields(form)
    assert {"first_name", "last_name", "referral_reason", "postcode", "gp_name"} <= set(fields)
    data = _fill(
        form,
        {
            "clinic": clinic.pk,
            "date_of_birth": "1970-03-04",
            "sex": "female",
            "preferred_language": "en",
            "time_zone": "Europe/London",
            "referral_source": "gp",
            "status": "active",
            "consent_treatment": "on",
        },
    )
    response = client.post(reverse("patients:create"), data)
    assert response.status_code == 302, response.context["form"].errors
    patient = Patient.objects.get()
    assert patient.last_name == data["last_name"]  # stored exactly as typed

    erasure_form = ErasureRequestForm()
    erasure_data = _fill(erasure_form, {"received_via": "email", "received_on": "2026-01-05"})
    response = client.post(reverse("patients:erasure", args=[patient.pk]), erasure_data)
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get()

    pages = [
        reverse("dashboard"),
        reverse("patients:list"),
        reverse("patients:list") + "?q=script",
        reverse("patients:detail", args=[patient.pk]),
        reverse("patients:edit", args=[patient.pk]),
        reverse("patients:subject-access", args=[patient.pk]),
        reverse("patients:erasure", args=[patient.pk]),
        reverse("patients:erasure-detail", args=[erasure.pk]),
    ]
    shown = 0
    for url in pages:
        body = client.get(url).content.decode()
        assert_escaped(body, url)
        shown += "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body
    assert shown >= 5, "the payload should be visible (escaped) on the record pages"

    client.force_login(clinic_admin)
    for url in (
        reverse("admin:patients_patient_changelist"),
        reverse("admin:patients_patient_change", args=[patient.pk]),
        reverse("admin:patients_patient_history", args=[patient.pk]),
    ):
        assert_escaped(client.get(url).content.decode(), url)


@pytest.mark.django_db
def test_clinic_and_staff_text_from_the_admin_is_escaped(
    client, clinic, clinician, clinic_admin, patient_record
):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:clinic_clinic_change", args=[clinic.pk]),
        {
            "name": PAYLOADS[0],
            "time_zone": "Europe/London",
            "retention_years": 8,
            "adherence_threshold_percent": 80,
            "no_log_alert_days": 5,
            "media_max_video_mb": 50,
            "programme_email_attach_pdf": "on",
            "progression_pain_rise": 2,
            "progression_min_sessions": 6,
            "progression_easy_run": 2,
            "progression_hard_run": 2,
            "progression_pain_skips": 2,
            "progression_onset_min": 8,
            "email": "",
            "phone": "",
            "address": PAYLOADS[1],
            "website": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = clinician.staff_member
    response = client.post(
        reverse("admin:clinic_staffmember_change", args=[member.pk]),
        {"clinics": [clinic.pk], "role": "clinician", "professional_registration": PAYLOADS[3]},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    for url in (
        reverse("admin:clinic_clinic_changelist"),
        reverse("admin:clinic_clinic_change", args=[clinic.pk]),
        reverse("admin:clinic_staffmember_change", args=[member.pk]),
        reverse("admin:clinic_clinic_history", args=[clinic.pk]),
    ):
        assert_escaped(client.get(url).content.decode(), url)
    client.force_login(clinician)
    shown = 0
    for url in (
        reverse("dashboard"),
        reverse("patients:list"),
        reverse("patients:detail", args=[patient_record.pk]),
        reverse("patients:subject-access", args=[patient_record.pk]),
    ):
        body = client.get(url).content.decode()
        assert_escaped(body, url)
        shown += "&lt;script&gt;" in body
    assert shown >= 2  # the clinic name on the record and the export


@pytest.mark.django_db
def test_a_username_typed_at_login_is_escaped_in_the_audit_log(client, clinic_admin):
    for payload in PAYLOADS:
        client.post(reverse("login"), {"username": payload, "password": "x" * 12})
    # Failed logins by unknown names belong to no clinic; the superuser's view shows them.
    from django.contrib.auth import get_user_model

    from tests.factories import TOTPDeviceFactory

    root = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    TOTPDeviceFactory(user=root)
    client.force_login(root)
    for url in (reverse("audit-log"), reverse("admin:clinic_auditevent_changelist")):
        response = client.get(url)
        assert response.status_code in (200, 403)
        assert_escaped(response.content.decode(), url)


@pytest.mark.django_db
def test_alert_resolution_notes_are_escaped_on_the_alert_list(client, clinician, patient_record):
    from alerts.forms import AlertResolveForm
    from alerts.services import alert_raise

    alert = alert_raise(patient=patient_record, kind="no_logs", urgency=3, summary="No logs")
    client.force_login(clinician)
    data = _fill(AlertResolveForm(), {})
    assert data, "the resolve form has a free-text note"
    client.post(reverse("alerts:resolve", args=[alert.pk]), data)
    body = client.get(reverse("alerts:list") + "?show=resolved").content.decode()
    assert "Resolved" in body
    assert_escaped(body, "alert list")


def test_portal_forms_have_no_free_text_and_echo_bad_choices_escaped(client, patient):
    """The portal's forms (issue 6) take choices, numbers, times and dates only;
    a forged choice value comes back escaped in the error message."""
    from assessments.instruments import get_instrument
    from portal.forms import (
        CheckInForm,
        ReminderPreferenceForm,
        SessionLogForm,
        questionnaire_form_class,
    )

    forms_ = [
        CheckInForm(),
        ReminderPreferenceForm(patient=patient.patient),
        SessionLogForm(sessions=2),
    ]
    forms_ += [questionnaire_form_class(get_instrument(c))() for c in ("lefs", "visa_a", "odi")]
    for form in forms_:
        assert free_text_fields(form) == [], type(form).__name__
    client.force_login(patient)
    body = client.post(
        reverse("portal:check-in"), {"pain_now": PAYLOADS[0], "flag_calf": PAYLOADS[1]}
    ).content.decode()
    assert_escaped(body, "portal check-in")


@pytest.mark.django_db
def test_messages_are_escaped_on_every_page_that_shows_them(
    client, clinician, patient, patient_record
):
    """Secure messages (issue 16): payloads sent by the patient and by staff
    through their forms come back escaped in the portal, the staff thread, a
    conversation filed to the record, the inbox and the subject-access export;
    links stay plain links."""
    from messaging.forms import PatientMessageForm, StaffReplyForm
    from tests.conftest import OTPClient

    portal = OTPClient()
    portal.force_login(patient)
    for index, payload in enumerate(PAYLOADS):
        form = PatientMessageForm()
        assert free_text_fields(form) == ["body"]
        data = _fill(form, {})
        data["body"] = payload + ' https://example.org/a"onmouseover=alert(1)'
        assert portal.post(reverse("portal:messages"), data).status_code == 302, index
    client.force_login(clinician)
    thread = reverse("messaging:thread", args=[patient_record.pk])
    reply = _fill(StaffReplyForm(), {})
    assert client.post(thread, reply).status_code == 302
    client.post(reverse("messaging:file", args=[patient_record.pk]))
    from messaging.models import FiledConversation

    filed = FiledConversation.objects.get()
    for url in (
        reverse("messaging:inbox"),
        thread,
        reverse("messaging:filed", args=[filed.pk]),
        reverse("patients:detail", args=[patient_record.pk]),
        reverse("patients:subject-access", args=[patient_record.pk]),
    ):
        body = client.get(url).content.decode()
        assert_escaped(body, url)
        assert 'onmouseover=alert(1)"' not in body.replace("&quot;", "")
    body = portal.get(reverse("portal:messages")).content.decode()
    assert_escaped(body, "portal messages")
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body

"""Secure messages (issue 16): the portal page, the staff inbox and thread,
limits, red-flag words, reception, the record (subject access, erasure,
filing)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from alerts.models import Alert, AlertKind, AlertUrgency
from clinic.models import AuditAction, AuditEvent
from messaging import services
from messaging.models import (
    Conversation,
    FiledConversation,
    Message,
    MessageNotice,
    MessagingSettings,
)
from patients.models import ErasureRequest
from patients.services import erasure_request_execute
from programmes import services as programme_services
from tests.conftest import OTPClient
from tests.patients.test_privacy import _discharge
from tests.programmes.helpers import make_plan

pytestmark = pytest.mark.django_db

QUESTION = "It hurts at the bottom of the heel drop, should I stop?"


@pytest.fixture
def portal(patient):
    client = OTPClient()
    client.force_login(patient)
    return client


@pytest.fixture
def staff(clinician):
    client = OTPClient()
    client.force_login(clinician)
    return client


def _send(portal, body, **extra):
    return portal.post(reverse("portal:messages"), {"body": body, **extra})


def test_round_trip_with_read_state_and_audit(portal, staff, patient_record, clinician):
    page = portal.get(reverse("portal:messages")).content.decode()
    assert "not for emergencies" in page and "999" in page and "A&amp;E" in page

    response = _send(portal, QUESTION)
    assert response.status_code == 302
    conversation = Conversation.objects.get(patient=patient_record)
    assert conversation.needs_reply and conversation.unread_by_staff == 1

    assert "1" in staff.get(reverse("messaging:badge")).content.decode()
    inbox = staff.get(reverse("messaging:inbox")).content.decode()
    assert "Quigley" in inbox and "Needs a reply" in inbox
    assert QUESTION not in inbox  # the inbox never shows the text

    thread = staff.get(reverse("messaging:thread", args=[patient_record.pk])).content.decode()
    assert "heel drop, should I stop?" in thread
    message = Message.objects.get()
    assert message.read_at is not None
    assert "unread" not in staff.get(reverse("messaging:badge")).content.decode()

    response = staff.post(
        reverse("messaging:thread", args=[patient_record.pk]),
        {"body": "Stop at the point of pain and keep the rest; we will call you."},
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert not conversation.needs_reply and conversation.unread_by_patient == 1

    page = portal.get(reverse("portal:messages")).content.decode()
    assert "we will call you" in page and "Read" in page
    reply = Message.objects.get(from_patient=False)
    assert reply.read_at is not None

    actions = list(
        AuditEvent.objects.filter(patient_id=patient_record.pk).values_list("action", flat=True)
    )
    assert actions.count(AuditAction.MESSAGE_SENT) == 2
    assert actions.count(AuditAction.MESSAGE_READ) >= 2


def test_a_new_patient_message_reopens_a_handled_conversation(portal, staff, patient_record):
    _send(portal, "First question")
    response = staff.post(reverse("messaging:handled", args=[patient_record.pk]))
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert not conversation.needs_reply
    handled = staff.get(reverse("messaging:inbox") + "?show=handled").content.decode()
    assert "Quigley" in handled
    assert "Quigley" not in staff.get(reverse("messaging:inbox")).content.decode()
    _send(portal, "Another question")
    conversation.refresh_from_db()
    assert conversation.needs_reply
    assert AuditEvent.objects.filter(action=AuditAction.MESSAGE_HANDLED).count() == 1


def test_the_length_limit_says_so_and_keeps_the_text(portal):
    long_text = "a" * 2001
    response = _send(portal, long_text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 2,000 characters" in page and "yours has 2001" in page
    assert long_text in page  # nothing lost
    assert not Message.objects.exists()
    assert _send(portal, "b" * 2000).status_code == 302


def test_rate_limits_per_patient_and_per_staff_member(portal, staff, patient_record, settings):
    settings.MESSAGES_PATIENT_PER_HOUR = 2
    settings.MESSAGES_STAFF_PER_HOUR = 1
    assert _send(portal, "one").status_code == 302
    assert _send(portal, "two").status_code == 302
    response = _send(portal, "three, kept")
    assert response.status_code == 429
    assert "three, kept" in response.content.decode()
    assert Message.objects.count() == 2
    url = reverse("messaging:thread", args=[patient_record.pk])
    assert staff.post(url, {"body": "reply one"}).status_code == 302
    response = staff.post(url, {"body": "reply two"})
    assert response.status_code == 429 and "reply two" in response.content.decode()


def test_html_is_never_rendered_and_links_are_made_safe(portal, staff, patient_record):
    _send(portal, "<b>bold</b> <script>alert(1)</script>\nsee https://example.org/x?a=1")
    for client, url in (
        (portal, reverse("portal:messages")),
        (staff, reverse("messaging:thread", args=[patient_record.pk])),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "<b>bold" not in page
        assert "&lt;b&gt;bold&lt;/b&gt;" in page
        assert 'href="https://example.org/x?a=1"' in page
        assert 'rel="nofollow noopener noreferrer"' in page
        assert "<br>see" in page


def test_red_flag_words_offer_the_check_in_then_send_anyway_alerts(portal, patient_record):
    text = "Since yesterday both legs feel numb and I can't pee properly"
    response = _send(portal, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "symptoms in both legs" in page
    assert "trouble passing urine" in page
    assert reverse("portal:check-in") in page and "Send anyway" in page
    assert text.replace("'", "&#x27;") in page  # the text is kept
    assert not Message.objects.exists() and not Alert.objects.exists()

    response = _send(portal, text, send_anyway="1")
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.sent_anyway and message.red_flags == ["bladder_bowel", "both_legs"]
    alert = Alert.objects.get(patient=patient_record)
    assert alert.kind == AlertKind.MESSAGE_RED_FLAG and alert.urgency == AlertUrgency.URGENT
    assert "numb" not in alert.summary and "pee" not in alert.summary  # never the text


def test_words_that_only_look_alike_do_not_match():
    from tracking.self_screen import red_flag_words_in

    assert red_flag_words_in("My calves are sore after the heel drops") == []
    assert red_flag_words_in("I feel breathless on the stairs") == ["chest"]
    assert red_flag_words_in("Both Legs ache") == ["both_legs"]
    assert red_flag_words_in("numbness in the saddle area") == ["saddle"]


def test_about_an_exercise_of_the_programme_in_force(portal, staff, patient_record, clinician):
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    version = programme_services.plan_activate(plan=plan, by=clinician)
    prescription = version.prescriptions.select_related("exercise").first()
    page = portal.get(reverse("portal:messages")).content.decode()
    assert prescription.exercise.name in page
    response = _send(portal, QUESTION, about=str(prescription.pk))
    assert response.status_code == 302
    assert Message.objects.get().about == prescription
    thread = staff.get(reverse("messaging:thread", args=[patient_record.pk])).content.decode()
    assert reverse("programmes:plan-detail", args=[plan.pk]) in thread
    # Something not in the programme in force is refused, with the text kept.
    response = _send(portal, "other", about="5b7c1ee0-0000-4000-8000-000000000000")
    assert response.status_code == 400 and "other" in response.content.decode()


def test_reception_sees_who_and_when_but_never_the_text(portal, reception, patient_record, clinic):
    _send(portal, QUESTION)
    client = OTPClient()
    client.force_login(reception)
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert "Quigley" in inbox and "from the patient" in inbox and QUESTION not in inbox
    thread_url = reverse("messaging:thread", args=[patient_record.pk])
    response = client.get(thread_url)
    assert response.status_code == 403 and "heel drop" not in response.content.decode()
    assert client.post(reverse("messaging:handled", args=[patient_record.pk])).status_code == 403

    MessagingSettings.objects.create(clinic=clinic, reception_triages_messages=True)
    assert "heel drop" in client.get(thread_url).content.decode()
    assert client.post(reverse("messaging:handled", args=[patient_record.pk])).status_code == 302
    # Triage, not clinical work: no reply, no filing.
    assert client.post(thread_url, {"body": "hello"}).status_code == 403
    assert client.post(reverse("messaging:file", args=[patient_record.pk])).status_code == 403
    assert Message.objects.count() == 1


def test_assign_to_a_clinician_of_the_same_clinic_only(
    portal, staff, patient_record, clinic, colleague
):
    from tests.conftest import _staff

    other = _staff("second", "clinician", clinic)
    _send(portal, QUESTION)
    url = reverse("messaging:assign", args=[patient_record.pk])
    assert staff.post(url, {"staff_member": other.pk}).status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.assigned_to == other
    # The staff notice waiting for the patient's message follows the assignment.
    assert MessageNotice.objects.get().staff_member == other
    staff.post(url, {"staff_member": colleague.staff_member.pk})
    conversation.refresh_from_db()
    assert conversation.assigned_to == other
    assert AuditEvent.objects.filter(action=AuditAction.MESSAGE_ASSIGNED).count() == 1


def test_filing_a_long_conversation_to_the_record(portal, staff, patient_record, settings):
    settings.MESSAGES_PATIENT_PER_HOUR = 100
    for n in range(4):
        _send(portal, f"Message {n} " + "x" * 1500)
    response = staff.post(reverse("messaging:file", args=[patient_record.pk]))
    filed = FiledConversation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{filed.pk}/")
    assert len(filed.transcript) > 4000 and filed.messages_count == 4
    assert "Zelda Quigley (patient)" in filed.transcript
    record = staff.get(reverse("patients:detail", args=[patient_record.pk])).content.decode()
    assert "Messages filed to the record" in record
    assert reverse("messaging:filed", args=[filed.pk]) in record
    assert "Message 3" in staff.get(reverse("messaging:filed", args=[filed.pk])).content.decode()


def test_messages_in_subject_access_and_blanked_by_erasure(
    portal, staff, clinic, clinic_admin, clinician, patient_record, settings
):
    # About erasure itself: no retention floor (tested in the security probe).
    settings.RETENTION_MIN_YEARS = 0
    _send(portal, QUESTION)
    staff.post(reverse("messaging:thread", args=[patient_record.pk]), {"body": "Reply text"})
    staff.post(reverse("messaging:file", args=[patient_record.pk]))
    data = staff.get(reverse("patients:subject-access-json", args=[patient_record.pk])).json()
    section = next(s for s in data["sections"] if s["title"] == "Messages with the care team")
    text = str(section)
    assert QUESTION in text and "Reply text" in text
    sources = {f["source"] for r in section["records"] for f in r["fields"]}
    assert sources == {"patient-entered", "clinician-entered"}

    clinic.retention_years = 0
    clinic.save()
    _discharge(patient_record, ago_days=1)
    request = ErasureRequest.objects.create(
        patient=patient_record, clinic=clinic, received_via="letter", received_on=date.today()
    )
    erasure_request_execute(erasure_request=request, by=clinic_admin)
    assert set(Message.objects.values_list("body", flat=True)) == {""}
    assert FiledConversation.objects.get().transcript == ""
    assert Message.objects.count() == 2  # ids and times stay


def test_a_poll_returns_the_thread_only_and_does_not_keep_the_session_alive(portal, patient_record):
    _send(portal, QUESTION)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_X_BACKGROUND_POLL": "1"}
    response = portal.get(reverse("portal:messages"), **headers)
    body = response.content.decode()
    assert 'id="thread"' in body and "<html" not in body and QUESTION[:20] in body
    portal.logout()
    response = portal.get(reverse("portal:messages"), **headers)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_services_refuse_over_the_rate_directly(patient_record, patient, settings):
    settings.MESSAGES_PATIENT_PER_HOUR = 1
    services.message_send_by_patient(patient=patient_record, user=patient, body="one")
    with pytest.raises(services.MessageRefusedError):
        services.message_send_by_patient(patient=patient_record, user=patient, body="two")


def test_background_polls_do_not_keep_an_idle_session_alive(portal):
    import time

    from clinic.security import SEEN_WRITE_INTERVAL_SECONDS, SESSION_SEEN_KEY

    session = portal.session
    old = int(time.time()) - SEEN_WRITE_INTERVAL_SECONDS - 5
    session[SESSION_SEEN_KEY] = old
    session.save()
    url = reverse("portal:messages")
    assert portal.get(url, HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND_POLL="1").status_code == 200
    assert portal.session[SESSION_SEEN_KEY] == old
    portal.get(url)  # the person using the page
    assert portal.session[SESSION_SEEN_KEY] > old


def test_a_poll_answers_no_content_until_something_changes(portal, staff, patient_record):
    from messaging.services import thread_version

    _send(portal, QUESTION)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_X_BACKGROUND_POLL": "1"}
    url = reverse("portal:messages")

    def version():
        return thread_version(Conversation.objects.get(), for_patient=True)

    seen = version()
    assert portal.get(url, {"version": seen}, **headers).status_code == 204
    reads = AuditEvent.objects.filter(action=AuditAction.MESSAGE_READ).count()
    staff.get(reverse("messaging:thread", args=[patient_record.pk]))
    staff.post(reverse("messaging:thread", args=[patient_record.pk]), {"body": "Answer here"})
    response = portal.get(url, {"version": seen}, **headers)
    body = response.content.decode()
    assert response.status_code == 200 and "Answer here" in body
    assert 'id="thread-status"' in body and 'hx-swap-oob="true"' in body
    # The staff side's reading shows as "Read" on the patient's message.
    assert "Read" in body
    assert AuditEvent.objects.filter(action=AuditAction.MESSAGE_READ).count() == reads + 2
    assert portal.get(url, {"version": version()}, **headers).status_code == 204


def test_a_patient_moved_to_another_clinic_takes_the_conversation_along(
    portal, staff, colleague, patient_record, other_clinic
):
    _send(portal, QUESTION)
    patient_record.clinic = other_clinic
    patient_record.save()
    assert "Quigley" not in staff.get(reverse("messaging:inbox")).content.decode()
    assert "1" not in staff.get(reverse("messaging:badge")).content.decode()
    elsewhere = OTPClient()
    elsewhere.force_login(colleague)
    assert "Quigley" in elsewhere.get(reverse("messaging:inbox")).content.decode()
    thread = elsewhere.get(reverse("messaging:thread", args=[patient_record.pk]))
    assert "heel drop" in thread.content.decode()

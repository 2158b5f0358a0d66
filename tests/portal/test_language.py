"""Issue 18: the patient's language. A patient whose preferred language is
Polish gets the portal, a reminder email and SMS, the invitation and reset
emails and the questionnaire screens in Polish; questionnaires without a
validated Polish translation stay in English, labelled so; staff pages stay in
English; the patient changes the language under More."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.urls import reverse

from clinic.models import AuditAction, AuditEvent
from reminders import messages as reminder_messages
from reminders.models import ReminderOccurrence

pytestmark = pytest.mark.django_db


@pytest.fixture
def polish(patient_record):
    patient_record.preferred_language = "pl"
    patient_record.save()
    return patient_record


def test_a_polish_patient_gets_the_portal_in_polish(portal, polish):
    response = portal.get(reverse("portal:today"))
    body = response.content.decode()
    assert '<html lang="pl">' in body and response["Content-Language"] == "pl"
    assert "Dzień dobry, Zelda" in body and "Przejdź do treści" in body
    assert ">Dziś</a>" in body and ">Kwestionariusze</a>" in body
    check_in = portal.get(reverse("portal:check-in")).content.decode()
    assert "Nowy obrzęk, zaczerwienienie lub ucieplenie łydki" in check_in
    assert "Wyślij samoocenę" in check_in


def test_a_questionnaire_without_a_validated_polish_version_stays_english_labelled(portal, polish):
    body = portal.get(reverse("portal:questionnaire", args=["visa_a"])).content.decode()
    assert "Pytanie 1 z 9" in body and "Dalej" in body
    assert "Ten kwestionariusz jest po angielsku" in body
    # The instrument's wording is the English original, marked as English.
    assert "For how many minutes do you have stiffness" in body
    assert '<div lang="en">' in body


def test_not_shipped_languages_fall_back_to_english(portal, patient_record):
    patient_record.preferred_language = "cy"  # Welsh: no catalogue shipped
    patient_record.save()
    body = portal.get(reverse("portal:today")).content.decode()
    assert '<html lang="en-gb">' in body and "Hello Zelda" in body


def test_the_patient_changes_the_language_under_more(portal, polish):
    more = portal.get(reverse("portal:more")).content.decode()
    assert 'value="en"' in more and 'value="pl"' in more and "Język" in more
    response = portal.post(reverse("portal:language"), {"language": "en", "next": "/portal/more/"})
    assert response.status_code == 302 and response["Location"] == "/portal/more/"
    polish.refresh_from_db()
    assert polish.preferred_language == "en"
    assert AuditEvent.objects.filter(action=AuditAction.PATIENT_CHANGE).exists()
    assert "Hello Zelda" in portal.get(reverse("portal:today")).content.decode()


def test_an_unknown_language_or_an_outside_next_changes_nothing(portal, polish):
    response = portal.post(
        reverse("portal:language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:more")
    polish.refresh_from_db()
    assert polish.preferred_language == "pl"
    body = portal.get(reverse("portal:more")).content.decode()
    assert "Wybierz jeden z pokazanych języków." in body


def test_before_login_the_choice_is_a_cookie_and_staff_pages_stay_english(client):
    response = client.post(reverse("portal:language"), {"language": "pl"})
    assert response["Location"] == reverse("portal:login")
    assert response.cookies["portal_language"].value == "pl"
    assert "Zaloguj się do swoich ćwiczeń" in client.get(reverse("portal:login")).content.decode()
    staff_login = client.get(reverse("login")).content.decode()
    assert "Zaloguj" not in staff_login


def test_a_reminder_email_and_sms_are_in_the_patients_language(polish):
    occurrence = ReminderOccurrence.objects.create(
        patient=polish,
        channel="email",
        local_date=date(2026, 3, 3),
        slot="08:00",
        due_at=datetime(2026, 3, 3, 8, tzinfo=UTC),
    )
    message = reminder_messages.build_email(occurrence, exercises=2, sessions=5)
    assert message.subject == "Zelda, Twoje ćwiczenia na dziś"
    assert "Dzisiejsze ćwiczenia domowe: 2 ćwiczenia, 5 sesji." in message.body
    assert "Wyłącz te przypomnienia" in message.alternatives[0][0]
    sms = reminder_messages.build_sms(occurrence, exercises=1, sessions=2)
    assert sms.body.startswith("Cześć Zelda, dziś: 1 ćwiczenie, 2 sesje.")
    # English for an English-speaking patient, from the same code.
    polish.preferred_language = "en"
    polish.save()
    occurrence.refresh_from_db()
    message = reminder_messages.build_email(occurrence, exercises=2, sessions=1)
    assert message.subject == "Zelda, your exercises for today"
    assert "Today's home exercises: 2 exercises, 1 session." in message.body


def test_invitation_and_reset_emails_are_in_the_patients_language(
    client, clinician, patient_record
):
    patient_record.preferred_language = "pl"
    patient_record.consent_portal = True
    patient_record.save()
    client.force_login(clinician)
    client.post(reverse("patients:invite", args=[patient_record.pk]))
    invitation = mail.outbox[-1]
    assert "Twój portal ćwiczeń" in invitation.subject
    assert "zaprasza Cię do portalu pacjenta" in invitation.body


def test_the_reset_email_follows_the_patient_not_the_page(client, patient, patient_record):
    patient_record.preferred_language = "pl"
    patient_record.save()
    patient.set_password("a long enough password")
    patient.save()
    client.post(reverse("portal:password-reset"), {"email": patient_record.email})
    assert mail.outbox[-1].subject == "Zresetuj hasło do portalu pacjenta"
    assert "Ktoś (mamy nadzieję, że Ty)" in mail.outbox[-1].body


def test_progress_summaries_and_dates_are_in_polish(portal, polish):
    from tracking.models import CheckIn

    day = polish.local_today()
    CheckIn.objects.create(patient=polish, checked_on=day, pain_now=4)
    body = portal.get(reverse("portal:progress")).content.decode()
    assert "Twój ból podczas samooceny" in body and "wynosił 4 na 10." in body
    # Polish month names in the genitive ("30 listopada 2026"), not English.
    assert day.strftime("%B") not in body.split("Twój ból podczas samooceny")[1][:80]


def test_library_exercises_are_in_polish_and_a_clinics_own_falls_back_to_english(
    portal, polish, clinician, today
):
    from exercises.models import Exercise
    from programmes import services
    from tests.programmes.helpers import make_plan

    plan = make_plan(polish, clinician, start_on=today)
    own = Exercise.objects.create(
        clinic=polish.clinic,
        slug="our-heel-walk",
        name="Heel walking (our version)",
        body_region="ankle",
        category="strength",
        patient_steps="Walk on your heels.\nKeep your toes up.",
        patient_feel="Work in the front of the shin.",
    )
    services.prescription_add(
        plan=plan, exercise=own, by=clinician, dose={"sets": 2, "reps": 10, "start_on": today}
    )
    services.plan_activate(plan=plan, by=clinician)
    for url in (reverse("portal:today"), reverse("portal:programme")):
        body = portal.get(url).content.decode()
        # The library's Alfredson heel drops: Polish name, steps and safety text.
        assert "Ekscentryczne opuszczanie pięty, kolano proste" in body
        assert "Zdrową nogą wespnij się na palce." in body
        assert "Kiedy przerwać:" in body and "wyraźnie silniejszy" in body
        assert "Eccentric heel drops" not in body
        # The clinic's own exercise: English, labelled and marked so.
        assert '<span lang="en">Heel walking (our version)</span>' in body
        assert "Po angielsku" in body and '<ol class="exercise-steps" lang="en">' in body
        assert "<li>Walk on your heels.</li>" in body
        assert "2 x 10 powt." in body


def test_the_messages_page_red_flag_notice_and_message_notice_are_in_polish(
    portal, polish, clinician
):
    from alerts.models import Alert
    from messaging import notices, services
    from messaging.models import MessageNotice, NoticeRecipient

    page = portal.get(reverse("portal:messages")).content.decode()
    assert "Wiadomości nie służą do nagłych przypadków." in page
    assert "zadzwoń pod 999 albo jedź teraz na SOR (A&amp;E)" in page
    assert "Wyślij wiadomość" in page and "Messages are not for emergencies" not in page
    body = "I have a numb bum since this morning"
    noticed = portal.post(reverse("portal:messages"), {"body": body}).content.decode()
    assert "Twoja wiadomość wspomina o: drętwienie w okolicy odbytu" in noticed
    assert "Wyślij mimo to" in noticed and body in noticed
    too_long = portal.post(reverse("portal:messages"), {"body": "x" * 2001}).content.decode()
    assert "Wiadomość może mieć najwyżej 2000 znaków; Twoja ma 2001." in too_long
    portal.post(reverse("portal:messages"), {"body": body, "send_anyway": "1"})
    # The clinician's alert keeps the English label.
    alert = Alert.objects.get(patient=polish)
    assert "numbness around your back passage or genitals" in alert.summary
    # The care team's reply: the patient's notice email is in Polish.
    polish.consent_reminders = True
    polish.save()
    services.message_send_by_staff(
        conversation=services.conversation_for(polish), user=clinician, body="Thanks"
    )
    notice = MessageNotice.objects.get(recipient=NoticeRecipient.PATIENT)
    message, _ = notices._patient_message(notice, notice.due_at)
    assert message.subject == f"Nowa wiadomość od {polish.clinic.name}"
    assert "Masz nową wiadomość od" in message.body
    assert "jedź na SOR (A&amp;E)" in message.alternatives[0][0]

"""Issue 18, the test the issue asks for: a patient whose preferred language is
Polish gets the portal, a reminder email and a questionnaire in Polish. Also
the programme email and the handout (HTML and PDF) with the exercise names,
steps, dose lines and headings in Polish; the English patient's stay English."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import OutcomeResponse
from programmes import emails
from programmes.models import ProgrammeVersion
from reminders import breaker, delivery, planner
from reminders.models import ReminderPreference
from tests.programmes.helpers import pdf_text
from tests.reminders.reminder_helpers import activated_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

HEEL_DROP_PL = "Ekscentryczne opuszczanie pięty, kolano proste"
HEEL_DROP_STEP_PL = "Zdrową nogą wespnij się na palce."


@pytest.fixture
def polish(patient_record, patient, clinician):
    """Zelda, Polish-speaking, with the portal, reminders at 08:00 and the
    Alfredson programme (two heel-drop exercises) started nine days ago."""
    patient_record.preferred_language = "pl"
    patient_record.consent_portal = True
    patient_record.consent_reminders = True
    patient_record.save()
    activated_plan(patient_record, clinician, start_on=patient_record.local_today() - timedelta(9))
    ReminderPreference.objects.create(patient=patient_record, local_times=["08:00"])
    return patient_record


def test_a_polish_patient_gets_the_portal_a_reminder_email_and_a_questionnaire_in_polish(
    client, patient, polish, monkeypatch, django_capture_on_commit_callbacks
):
    # The portal: Today with the exercise's Polish name, dose line and steps.
    client.force_login(patient)
    today = client.get(reverse("portal:today")).content.decode()
    assert '<html lang="pl">' in today and "Dzień dobry, Zelda" in today
    assert HEEL_DROP_PL in today and HEEL_DROP_STEP_PL in today
    assert "powt." in today and "Jak to wykonać" in today and "Po angielsku" not in today
    assert "Eccentric heel drops" not in today

    # A reminder email through the real path: planned, dispatched, delivered
    # (every channel's circuit breaker closed, as the reminder tests start).
    breaker.reset()
    queued: list[str] = []
    monkeypatch.setattr(delivery, "_enqueue", lambda batch: queued.extend(map(str, batch)))
    zone = ZoneInfo(polish.time_zone)
    eight = datetime.combine(polish.local_today(), time(8), tzinfo=zone)
    with time_machine.travel(eight - timedelta(hours=1), tick=False):
        planner.reminders_plan()
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(eight + timedelta(seconds=30), tick=False),
    ):
        assert delivery.reminders_dispatch() == 1
    (occurrence_id,) = queued
    with time_machine.travel(eight + timedelta(seconds=40), tick=False):
        assert delivery.reminder_deliver(occurrence_id=occurrence_id) == "sent"
    (reminder,) = mail.outbox
    assert reminder.to == [polish.email]
    assert reminder.subject == "Zelda, Twoje ćwiczenia na dziś"
    assert "Dzisiejsze ćwiczenia domowe: 2 ćwiczenia, 2 sesje." in reminder.body
    assert "Wyłącz te przypomnienia" in reminder.alternatives[0][0]

    # A questionnaire in Polish: the NPRS, answered screen by screen.
    url = reverse("portal:questionnaire", args=["nprs"])
    first = client.get(url).content.decode()
    assert "Numeryczna skala oceny bólu (NRS)" in first
    assert "Twój ból w tej chwili" in first and "0 Brak bólu" in first
    assert "10 Najsilniejszy możliwy ból" in first and "Pytanie 1 z 3" in first
    assert "Ten kwestionariusz jest po angielsku" not in first and '<div lang="en">' not in first
    assert "Your pain right now" not in first
    client.post(url, {"step": 1, "action": "next", "current": 5})
    second = client.get(f"{url}?step=2").content.decode()
    assert "Twój najmniejszy ból w ciągu ostatnich 24 godzin" in second
    client.post(url, {"step": 2, "action": "next", "best": 2})
    done = client.post(url, {"step": 3, "action": "next", "worst": 7}).content.decode()
    assert "Twój wynik" in done and "umiarkowany" in done
    response = OutcomeResponse.objects.get(patient=polish, instrument_code="nprs")
    # The stored answers and band are the instrument's, whatever the language.
    assert response.answers == {"current": 5, "best": 2, "worst": 7}
    assert response.band == "moderate" and response.total == 5


def test_the_programme_email_and_the_handout_pdf_are_in_polish(client, patient, polish, tmp_path):
    mail.outbox.clear()
    ProgrammeVersion.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    assert emails.tick() == 1
    message = mail.outbox[-1]
    assert message.subject == "Twój program ćwiczeń od Riverside Physiotherapy"
    assert message.body.startswith("Dzień dobry, Zelda,")
    assert "przygotowaliśmy dla Ciebie program ćwiczeń domowych" in message.body
    assert f"Twoje ćwiczenia:\n- {HEEL_DROP_PL}" in message.body
    assert "Twój program jest w załączniku (PDF)." in message.body
    ((_name, attached, _type),) = message.attachments
    pdf = " ".join(pdf_text(tmp_path, attached).split())
    assert "Twój program ćwiczeń domowych" in pdf and HEEL_DROP_PL in pdf
    assert "Kiedy przerwać:" in pdf and "powt." in pdf and "razy dziennie" in pdf
    assert "Eccentric heel drops" not in pdf and "When to stop" not in pdf

    client.force_login(patient)
    handout = client.get(reverse("portal:handout")).content.decode()
    assert '<html lang="pl">' in handout and "Twój program ćwiczeń domowych" in handout
    assert HEEL_DROP_STEP_PL in handout and "Co powinno się czuć:" in handout
    downloaded = client.get(reverse("portal:handout-pdf"))
    assert HEEL_DROP_PL in " ".join(pdf_text(tmp_path, downloaded.content).split())


def test_the_staff_handout_is_in_the_patients_language_and_english_stays_english(
    client, clinician, polish, patient_record
):
    client.force_login(clinician)
    staff_client = client
    plan = polish.treatment_plans.get()
    url = reverse("programmes:plan-handout", args=[plan.pk])
    body = staff_client.get(url).content.decode()
    assert '<html lang="pl">' in body and HEEL_DROP_PL in body
    # The staff pages around it stay English.
    assert "Back to the plan" in body
    plan_page = staff_client.get(reverse("programmes:plan-detail", args=[plan.pk])).content
    assert "Eccentric heel drops, knee straight" in plan_page.decode()

    patient_record.preferred_language = "en"
    patient_record.save()
    english = staff_client.get(url).content.decode()
    assert '<html lang="en-gb">' in english and "Your home exercise programme" in english
    assert "Eccentric heel drops, knee straight" in english and "What you should feel:" in english
    assert "x 15 reps" in english and HEEL_DROP_PL not in english

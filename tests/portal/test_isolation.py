"""Strict isolation: a patient guessing another patient's ids gets 404 and
none of their data, on every portal page."""

import pytest
from django.urls import reverse

from programmes import services
from tests.factories import UserFactory
from tests.programmes.helpers import make_plan
from tracking import services as activity
from tracking.models import CheckIn, SessionLog

pytestmark = pytest.mark.django_db

PAGES = [
    "portal:today",
    "portal:programme",
    "portal:handout",
    "portal:check-in",
    "portal:questionnaires",
    "portal:progress",
    "portal:reminders",
    "portal:my-data",
    "portal:my-data-download",
]


@pytest.fixture
def otto(other_patient_record, colleague):
    """The other clinic's patient with a portal account, an active plan, a log
    and a check-in with a red flag."""
    other_patient_record.user = UserFactory(username="otto", email=other_patient_record.email)
    other_patient_record.save()
    today = other_patient_record.local_today()
    plan = make_plan(other_patient_record, colleague, slug="plantar-heel-stretch", start_on=today)
    services.plan_activate(plan=plan, by=colleague)
    p = plan.current_version().prescriptions.first()
    activity.session_log_save(
        patient=other_patient_record,
        prescription=p,
        performed_on=today,
        session_number=1,
        outcome="skipped",
        skip_reason="no_equipment",
    )
    activity.check_in_submit(patient=other_patient_record, pain_now=9, answers={"cold_foot": True})
    return other_patient_record, plan, p


def test_a_patient_guessing_another_patients_ids_gets_404_and_no_data(portal, active_plan, otto):
    other, plan, prescription = otto
    response = portal.post(
        reverse("portal:log", args=[prescription.pk]), {"session": "1", "outcome": "done"}
    )
    assert response.status_code == 404
    assert SessionLog.objects.get().outcome == "skipped"  # Otto's log untouched
    secrets = (
        other.last_name,
        other.email,
        prescription.exercise.name,
        str(plan.pk),
        str(prescription.pk),
    )
    for name in PAGES:
        body = portal.get(reverse(name)).content.decode()
        for secret in secrets:
            assert secret not in body, (name, secret)


def test_each_patient_sees_only_their_own_check_ins_and_logs(client, patient, otto):
    other = otto[0]
    client.force_login(other.user)
    body = client.get(reverse("portal:my-data-download")).content.decode()
    assert "Vandermeer" in body and "no_equipment" in body and "Quigley" not in body
    client.force_login(patient)
    body = client.get(reverse("portal:my-data-download")).content.decode()
    assert "Vandermeer" not in body and "no_equipment" not in body
    assert "9 out of 10" not in client.get(reverse("portal:progress")).content.decode()
    assert CheckIn.objects.filter(patient=other).count() == 1


def test_the_other_clinics_clinician_does_not_see_the_alert(client, otto, clinician, colleague):
    client.force_login(clinician)
    assert "Vandermeer" not in client.get(reverse("dashboard")).content.decode()
    client.force_login(colleague)
    assert "Vandermeer" in client.get(reverse("dashboard")).content.decode()

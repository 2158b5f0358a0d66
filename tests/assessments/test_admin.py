"""Admin: read-only, scoped, with history; red-flag events cannot be changed."""

import pytest
from django.urls import reverse

from tests.assessments.access_matrix import make_objects

pytestmark = pytest.mark.django_db


def test_history_version_pages_are_scoped(client, clinic_admin, patient_record, clinician,
                                          other_patient_record, colleague):  # fmt: skip
    own = make_objects(patient_record, clinician.staff_member, clinician)
    other = make_objects(other_patient_record, colleague.staff_member, colleague, "o_")
    client.force_login(clinic_admin)
    for model, key in (
        ("assessment", "assessment"),
        ("redflagresolution", "red_flag_resolution"),
        ("outcomeresponse", "outcome_response"),
    ):
        name = f"admin:assessments_{model}_simple_history"
        mine, theirs = own[key], other[f"o_{key}"]
        ok = client.get(reverse(name, args=[mine.pk, mine.history.first().history_id]))
        assert ok.status_code == 200
        denied = client.get(reverse(name, args=[theirs.pk, theirs.history.first().history_id]))
        assert denied.status_code == 404
        assert other_patient_record.last_name not in denied.content.decode()


def test_red_flag_events_cannot_be_changed_in_the_admin(client, clinic_admin, patient_record,
                                                        clinician):  # fmt: skip
    event = make_objects(patient_record, clinician.staff_member, clinician)["red_flag_event"]
    client.force_login(clinic_admin)
    url = reverse("admin:assessments_redflagevent_change", args=[event.pk])
    client.post(url, {"title": "Nothing to see"})
    event.refresh_from_db()
    assert event.title == "Suspected deep vein thrombosis"

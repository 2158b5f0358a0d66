"""The benchmark's logged-in reference page (issue 20): session, user, one
indexed query for the page itself, the base template with navigation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_signed_in_page_shows_who_and_where_with_a_fixed_query_count(
    client, clinician, clinic, other_clinic
):
    client.force_login(clinician)
    url = reverse("signed-in")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "Clinician Staff, Clinician at Riverside Physiotherapy." in page
    assert 'href="/alerts/"' in page  # the navigation is rendered
    clinician.staff_member.clinics.add(other_clinic)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Harbour Sports &amp; Spine Clinic, Riverside Physiotherapy." in page
    # The session comes from the cache: no django_session query.
    assert not any("django_session" in q["sql"] for q in many.captured_queries)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_patients_may_not_use_it(client, patient):
    client.force_login(patient)
    assert client.get(reverse("signed-in")).status_code == 403

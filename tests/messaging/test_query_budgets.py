"""Query budgets for messages (issue 16): the inbox at two sizes, a
500-message thread on both sides (pinned numbers, and the same as a short one),
and the menu badge."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging import services
from messaging.models import Conversation, Message
from tests.conftest import OTPClient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

# Pinned: a change that adds a query per row (or per page) shows here.
# The session comes from the cache (cached_db sessions, issue 20).
INBOX_QUERIES = 5
# Both sides load the conversation once (messaging.threads).
STAFF_THREAD_QUERIES = 11
PORTAL_THREAD_QUERIES = 11


def queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types, site)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _conversations(clinic, n):
    for patient in PatientFactory.create_batch(n, clinic=clinic):
        conversation = services.conversation_for(patient)
        Message.objects.create(conversation=conversation, from_patient=True, body="Question")
        Conversation.objects.filter(pk=conversation.pk).update(
            needs_reply=True, last_message_at=conversation.created_at, unread_by_staff=1
        )


def _messages(patient_record, clinician, n, start=0):
    conversation = services.conversation_for(patient_record)
    Message.objects.bulk_create(
        Message(
            conversation=conversation,
            from_patient=i % 2 == 0,
            sender=None if i % 2 == 0 else clinician,
            body=f"Message number {i}",
        )
        for i in range(start, start + n)
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=conversation.created_at)


def test_the_inbox_is_constant_in_the_number_of_conversations(clinic, clinician):
    client = OTPClient()
    client.force_login(clinician)
    url = reverse("messaging:inbox")
    _conversations(clinic, 3)
    few = queries(client, url)
    _conversations(clinic, 30)
    many = queries(client, url)
    assert few == many == INBOX_QUERIES
    # user, staff member, their clinics, the count (the session from the cache)
    assert queries(client, reverse("messaging:badge")) == 4


@pytest.mark.parametrize(
    "side, expected", [("staff", STAFF_THREAD_QUERIES), ("portal", PORTAL_THREAD_QUERIES)]
)
def test_a_500_message_thread_costs_what_a_short_one_does(
    side, expected, patient_record, patient, clinician
):
    client = OTPClient()
    if side == "staff":
        client.force_login(clinician)
        url = reverse("messaging:thread", args=[patient_record.pk])
    else:
        client.force_login(patient)
        url = reverse("portal:messages")
    _messages(patient_record, clinician, 5)
    short = queries(client, url)
    _messages(patient_record, clinician, 495, start=5)
    long = queries(client, url)
    assert short == long == expected
    body = client.get(url).content.decode()
    assert "Message number 499" in body and "Earlier messages" in body
    assert body.count("Message number") == 200  # the latest 200; the rest on request
    assert client.get(url + "?all=1").content.decode().count("Message number") == 500

"""Signed one-click unsubscribe links for reminders (no login needed).

The token carries only the patient's opaque id, signed with a salt of its own
and a timestamp; it stops working after ``UNSUBSCRIBE_LIFETIME``. Using it
twice is harmless (unsubscribing is idempotent), so it needs no single-use state.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

UNSUBSCRIBE_SALT = "programmes.reminders.unsubscribe"
UNSUBSCRIBE_LIFETIME = timedelta(days=120)


def unsubscribe_token(patient_id) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(str(patient_id))


def patient_id_from_unsubscribe_token(token: str) -> str | None:
    """The patient id, or None when the token is forged, altered or too old."""
    try:
        return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign(
            token, max_age=UNSUBSCRIBE_LIFETIME
        )
    except signing.BadSignature:
        return None

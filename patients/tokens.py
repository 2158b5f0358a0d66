"""Signed, expiring links for portal invitations (single use via the row's state)."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

INVITATION_SALT = "patients.invitation"
INVITATION_LIFETIME = timedelta(days=7)


def invitation_token(invitation_id) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation_id))


def invitation_id_from_token(token: str) -> str | None:
    """The invitation id, or None when the token is forged, altered or too old."""
    try:
        return signing.TimestampSigner(salt=INVITATION_SALT).unsign(
            token, max_age=INVITATION_LIFETIME
        )
    except signing.BadSignature:
        return None

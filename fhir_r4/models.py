"""API tokens for the read-only FHIR API (issue 17)."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models

from clinic.models import Clinic, admin_clinic_ids

TOKEN_PREFIX = "fhir_"  # noqa: S105 (a label in front of the secret, not a secret)


def token_digest(secret: str) -> str:
    """SHA-256 of the token. The secret is 32 random bytes, so a fast hash is
    enough (nothing to brute-force); only the digest is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def for_admin(self, user) -> ApiTokenQuerySet:
        """Tokens a clinic admin manages: those of their clinics (superusers: all)."""
        ids = admin_clinic_ids(user)
        return self if ids is None else self.filter(clinic_id__in=ids)


class ApiToken(models.Model):
    """One system's key to one clinic's records through the FHIR API. Shown once
    when created; stored as a digest; revocable; its last use is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="Which system uses it, e.g. the GP system.")
    # The first characters of the secret, so that admins can tell tokens apart.
    hint = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["clinic", "-created_at"], name="apitoken_clinic")]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

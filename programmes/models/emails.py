"""Programme emails (issue 15): at most one per programme version."""

from __future__ import annotations

import uuid

from django.db import models

from programmes.models.versions import ProgrammeVersion


class ProgrammeEmailState(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent (no consent or no email address)"
    FAILED = "failed", "Failed"


class ProgrammeEmail(models.Model):
    """The email about one programme version. The row is claimed (created)
    before sending: the unique version makes a second email impossible."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.OneToOneField(
        ProgrammeVersion, on_delete=models.CASCADE, related_name="programme_email"
    )
    state = models.CharField(max_length=10, choices=ProgrammeEmailState.choices)
    with_pdf = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Programme email {self.pk}"

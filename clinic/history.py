"""Typed setters for django-simple-history's per-save attributes.

simple-history reads ``_history_user`` and ``_change_reason`` from the instance
when it writes the history row of the next ``save()``; the model classes do not
declare them, so they are set here rather than as untyped attributes.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models

_HISTORY_USER = "_history_user"
_CHANGE_REASON = "_change_reason"


def set_history_user(obj: models.Model, user: User | None) -> None:
    """Who the history row of ``obj``'s next save is recorded against."""
    setattr(obj, _HISTORY_USER, user)


def set_change_reason(obj: models.Model, reason: str) -> None:
    """The change reason of the history row of ``obj``'s next save."""
    setattr(obj, _CHANGE_REASON, reason)

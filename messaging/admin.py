from __future__ import annotations

from django.contrib import admin

from clinic.admin_scoping import ScopedHistoryPageAdmin
from messaging.models import MessagingSettings


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(ScopedHistoryPageAdmin):
    """A clinic admin decides whether reception may triage messages. Messages
    themselves are not in the admin: they are read in the staff inbox, audited."""

    list_display = ["clinic", "reception_triages_messages"]
    list_select_related = ["clinic"]

from __future__ import annotations

from django.contrib import admin

from clinic.admin_scoping import ReadOnlyScopedAdmin
from reminders.models import CalendarFeed, ReminderOccurrence, ReminderPreference


@admin.register(ReminderOccurrence)
class ReminderOccurrenceAdmin(ReadOnlyScopedAdmin):
    list_display = ["local_date", "slot", "channel", "state", "attempts", "due_at", "sent_at"]
    list_filter = ["state", "channel"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]
    date_hierarchy = None


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(ReadOnlyScopedAdmin):
    list_display = ["patient", "enabled", "channel", "paused_until", "updated_at"]
    list_filter = ["enabled", "channel"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyScopedAdmin):
    list_display = ["patient", "created_at", "last_fetched_at"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]
    # Only a hash of the token is stored; it is still a credential: never shown.
    exclude = ["token_hash"]

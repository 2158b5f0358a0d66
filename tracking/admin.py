from __future__ import annotations

from django.contrib import admin

from clinic.admin_scoping import ReadOnlyScopedAdmin
from tracking.models import AdherenceSnapshot, CheckIn, SessionLog


@admin.register(SessionLog)
class SessionLogAdmin(ReadOnlyScopedAdmin):
    list_display = ["performed_on", "session_number", "outcome", "patient"]
    list_filter = ["outcome"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]


@admin.register(AdherenceSnapshot)
class AdherenceSnapshotAdmin(ReadOnlyScopedAdmin):
    list_display = ["patient", "week_start", "completed", "prescribed", "percent", "adherent"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyScopedAdmin):
    list_display = ["checked_on", "patient", "pain_now", "urgency", "created_at"]
    list_filter = ["urgency"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]
    readonly_fields = ["created_at"]

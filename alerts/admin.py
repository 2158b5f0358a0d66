from __future__ import annotations

from django.contrib import admin

from alerts.models import Alert
from clinic.admin_scoping import ReadOnlyScopedAdmin


@admin.register(Alert)
class AlertAdmin(ReadOnlyScopedAdmin):
    list_display = ["kind", "urgency", "status", "patient", "raised_at"]
    list_filter = ["status", "urgency", "kind"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]

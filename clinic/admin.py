from django.contrib import admin
from django.db import models

from clinic.admin_scoping import ClinicScopedAdmin, ScopedHistoryAdmin
from clinic.models import AuditEvent, Clinic, StaffMember


@admin.register(Clinic)
class ClinicAdmin(ScopedHistoryAdmin):
    clinic_lookup = "pk"
    clinic_admin_can_add = False
    list_display = ["name", "time_zone", "email", "phone"]
    search_fields = ["name", "email"]
    list_filter = ["time_zone"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(StaffMember)
class StaffMemberAdmin(ScopedHistoryAdmin):
    clinic_lookup = "clinics"
    clinic_admin_can_add = False
    list_display = ["__str__", "role", "user"]
    list_filter = ["role", "clinics"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    raw_id_fields = []
    autocomplete_fields = []

    def get_readonly_fields(self, request, obj=None):
        # A clinic admin manages roles and memberships, not the login itself.
        return [] if request.user.is_superuser else ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    """Read-only for everybody: the trail is append-only."""

    clinic_lookup = "clinic_id"
    list_display = [
        "at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "patient_id",
        "ip",
    ]
    list_filter = ["action", "at"]
    search_fields = ["actor_username", "=object_id", "=patient_id"]
    date_hierarchy = None
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

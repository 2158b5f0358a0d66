from django.contrib import admin

from clinic.admin_scoping import ScopedHistoryAdmin
from patients.models import ConsentKind, Patient
from patients.services import patient_create


@admin.register(Patient)
class PatientAdmin(ScopedHistoryAdmin):
    list_display = [
        "record_number",
        "last_name",
        "first_name",
        "date_of_birth",
        "status",
        "clinic",
        "assigned_clinician",
    ]
    list_filter = ["status", "clinic", "sex"]
    list_select_related = ["clinic", "assigned_clinician__user"]
    search_fields = ["=record_number", "last_name", "first_name", "=email"]
    # Consents change through the staff UI, which records who and when.
    readonly_fields = [
        "record_number",
        "created_at",
        "updated_at",
        *[f"consent_{k}{suffix}" for k in ConsentKind.values for suffix in ("", "_by", "_at")],
    ]
    exclude = ["user"]
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            patient_create(patient=obj, consents={}, by=request.user, request=request)

from django.contrib import admin
from django.contrib.admin.utils import unquote

from assessments.models import Assessment, OutcomeResponse, RedFlagEvent, RedFlagResolution
from clinic.access import get_scoped_or_404
from clinic.admin_scoping import ClinicScopedAdmin, ScopedHistoryAdmin


class ReadOnlyMixin:
    """Clinical content is written in the staff UI (with its workflow); the admin reads."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyMixin, ScopedHistoryAdmin):
    clinic_lookup = "patient__clinic"
    list_display = ("__str__", "patient", "clinician", "kind", "status", "assessed_on")
    list_filter = ("kind", "status")
    list_select_related = ("patient", "clinician__user")
    date_hierarchy = "assessed_on"


@admin.register(RedFlagEvent)
class RedFlagEventAdmin(ReadOnlyMixin, ClinicScopedAdmin):
    """Immutable: no add, change or delete for anyone."""

    clinic_lookup = "patient__clinic"
    list_display = ("rule_id", "urgency", "title", "patient", "fired_at")
    list_filter = ("urgency", "rule_id")
    list_select_related = ("patient",)

    def history_view(self, request, object_id, extra_context=None):
        # Scoped like the change page: 404 outside the clinic admin's clinics.
        get_scoped_or_404(request, self.get_queryset(request), pk=unquote(object_id))
        return super().history_view(request, object_id, extra_context)


@admin.register(RedFlagResolution)
class RedFlagResolutionAdmin(ReadOnlyMixin, ScopedHistoryAdmin):
    clinic_lookup = "event__patient__clinic"
    list_display = ("event", "kind", "action", "by", "at")
    list_select_related = ("event", "by")


@admin.register(OutcomeResponse)
class OutcomeResponseAdmin(ReadOnlyMixin, ScopedHistoryAdmin):
    clinic_lookup = "patient__clinic"
    list_display = (
        "instrument_code",
        "instrument_version",
        "total",
        "band",
        "patient",
        "assessed_on",
    )
    list_filter = ("instrument_code",)
    list_select_related = ("patient",)

"""Admin for the library, templates, plans and prescriptions, scoped to the
clinic admin's clinics. The shipped library and templates (``clinic`` null)
are visible to clinic admins but read-only; only superusers change them (and
``load_exercise_library`` would put them back). Plans and prescriptions are
read-only here: they change through the staff UI, whose services keep the
versioning and the red-flag gate."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Q

from clinic.access import get_scoped_or_404
from clinic.admin_scoping import ClinicScopedAdmin, _clinic_admin_member
from programmes.models import (
    AdherenceSnapshot,
    Alert,
    CalendarFeed,
    CheckIn,
    Exercise,
    OutcomeSchedule,
    PlanGoal,
    PlanIntervention,
    Prescription,
    ProgrammeTemplate,
    ProgrammeVersion,
    ReminderOccurrence,
    ReminderPreference,
    SessionLog,
    TemplateExercise,
    TemplatePhase,
    TreatmentPlan,
)


class ScopedHistoryPageAdmin(ClinicScopedAdmin):
    """Django's own history page answers 404 outside the scope (as the
    simple-history pages of ``ScopedHistoryAdmin`` do)."""

    def history_view(self, request, object_id, extra_context=None):
        get_scoped_or_404(request, self.get_queryset(request), pk=unquote(object_id))
        return super().history_view(request, object_id, extra_context)


class ScopedInline(admin.TabularInline):
    """Inline rows follow their parent's permissions (clinic admins have no
    Django model permissions; scoping decides)."""

    extra = 0

    def _parent(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._parent().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)


class SharedLibraryAdmin(ScopedHistoryPageAdmin):
    """Rows whose clinic is null are the shipped library: listed, read-only."""

    def _is_shipped(self, obj) -> bool:
        target = obj
        for part in self.clinic_lookup.split("__")[:-1]:
            target = getattr(target, part)
        return getattr(target, f"{self.clinic_lookup.split('__')[-1]}_id") is None

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        member = _clinic_admin_member(request)
        if member is None:
            return qs.none()
        lookup = self.clinic_lookup
        return qs.filter(
            Q(**{f"{lookup}__isnull": True}) | Q(**{f"{lookup}__in": member.clinic_ids})
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and self._is_shipped(obj):
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser and "clinic" in form.base_fields:
            form.base_fields["clinic"].required = True
        return form


@admin.register(Exercise)
class ExerciseAdmin(SharedLibraryAdmin):
    list_display = ["name", "category", "body_region", "difficulty", "clinic"]
    list_filter = ["category", "body_region", "difficulty"]
    search_fields = ["name", "slug"]
    list_select_related = ["clinic"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("progression", "regression") and not request.user.is_superuser:
            kwargs["queryset"] = Exercise.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TemplatePhaseInline(ScopedInline):
    model = TemplatePhase


class TemplateOutcomeInline(ScopedInline):
    model = OutcomeSchedule
    fk_name = "template"
    fields = ["instrument_code", "at_weeks", "every_weeks"]


class TemplateItemInline(ScopedInline):
    model = TemplateExercise

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "exercise" and not request.user.is_superuser:
            kwargs["queryset"] = Exercise.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TemplatePhase)
class TemplatePhaseAdmin(SharedLibraryAdmin):
    """A template's phase with its exercises and dosage (nested inlines do not
    exist, so phases have their own page)."""

    clinic_lookup = "template__clinic"
    list_display = ["template", "number", "name", "start_week", "duration_weeks"]
    list_select_related = ["template"]
    inlines = [TemplateItemInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "template" and not request.user.is_superuser:
            member = _clinic_admin_member(request)
            kwargs["queryset"] = ProgrammeTemplate.objects.filter(
                clinic_id__in=member.clinic_ids if member else []
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProgrammeTemplate)
class ProgrammeTemplateAdmin(SharedLibraryAdmin):
    list_display = ["name", "condition", "duration_weeks", "awaiting_clinical_review", "clinic"]
    list_filter = ["awaiting_clinical_review"]
    search_fields = ["name", "condition"]
    list_select_related = ["clinic"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TemplatePhaseInline, TemplateOutcomeInline]


class ReadOnlyInline(ScopedInline):
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GoalInline(ReadOnlyInline):
    model = PlanGoal


class InterventionInline(ReadOnlyInline):
    model = PlanIntervention


class VersionInline(ReadOnlyInline):
    model = ProgrammeVersion
    fields = ["number", "valid_from", "valid_until", "change_note", "created_at"]
    readonly_fields = fields


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(ScopedHistoryPageAdmin):
    clinic_lookup = "patient__clinic"
    clinic_admin_can_add = False
    list_display = ["title", "patient", "status", "start_on", "review_on", "clinician"]
    list_filter = ["status"]
    list_select_related = ["patient", "clinician__user"]
    search_fields = ["=patient__record_number", "title"]
    inlines = [GoalInline, InterventionInline, VersionInline]
    list_per_page = 50

    def has_change_permission(self, request, obj=None):
        # Status, versions and the red-flag gate belong to the staff UI's services.
        return request.user.is_superuser and super().has_change_permission(request, obj)


@admin.register(Prescription)
class PrescriptionAdmin(ScopedHistoryPageAdmin):
    clinic_lookup = "version__plan__patient__clinic"
    clinic_admin_can_add = False
    list_display = ["exercise", "version", "sets", "reps", "hold_s", "duration_min", "start_on"]
    list_select_related = ["exercise", "version"]
    search_fields = ["exercise__name"]
    list_per_page = 50

    def has_change_permission(self, request, obj=None):
        # A prescription belongs to a version; changing it here would rewrite history.
        return request.user.is_superuser and super().has_change_permission(request, obj)


# --- Reminders, logs, adherence and alerts (issue 5): read-only here ---------
# They change through services that audit and keep history (the staff UI, the
# portal, the workers); the admin shows them, scoped to the clinic admin's clinics.


class ReadOnlyScopedAdmin(ScopedHistoryPageAdmin):
    """Records of the patient's own activity, reminders and alerts: clinic
    admins may read them, never change, add or delete them (superusers only)."""

    clinic_lookup = "patient__clinic"
    clinic_admin_can_add = False
    list_per_page = 50

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)


@admin.register(ReminderOccurrence)
class ReminderOccurrenceAdmin(ReadOnlyScopedAdmin):
    list_display = ["local_date", "slot", "channel", "state", "attempts", "due_at", "sent_at"]
    list_filter = ["state", "channel"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]
    date_hierarchy = None


@admin.register(SessionLog)
class SessionLogAdmin(ReadOnlyScopedAdmin):
    list_display = ["performed_on", "session_number", "outcome", "patient"]
    list_filter = ["outcome"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(ReadOnlyScopedAdmin):
    list_display = ["patient", "enabled", "channel", "paused_until", "updated_at"]
    list_filter = ["enabled", "channel"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyScopedAdmin):
    list_display = ["kind", "urgency", "status", "patient", "raised_at"]
    list_filter = ["status", "urgency", "kind"]
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


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyScopedAdmin):
    list_display = ["patient", "created_at", "last_fetched_at"]
    list_select_related = ["patient"]
    search_fields = ["=patient__record_number"]
    # Only a hash of the token is stored; it is still a credential: never shown.
    exclude = ["token_hash"]

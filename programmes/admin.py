"""Admin for templates, plans and prescriptions, scoped to the
clinic admin's clinics. The shipped library and templates (``clinic`` null)
are visible to clinic admins but read-only; only superusers change them (and
``load_exercise_library`` would put them back). Plans and prescriptions are
read-only here: they change through the staff UI, whose services keep the
versioning and the red-flag gate."""

from __future__ import annotations

from django.contrib import admin

from clinic.admin_scoping import (
    ReadOnlyInline,
    ScopedHistoryPageAdmin,
    ScopedInline,
    SharedLibraryAdmin,
    _clinic_admin_member,
)
from exercises.models import Exercise
from programmes.models import (
    OutcomeSchedule,
    PlanGoal,
    PlanIntervention,
    Prescription,
    ProgrammeTemplate,
    ProgrammeVersion,
    TemplateExercise,
    TemplatePhase,
    TreatmentPlan,
)


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


class GoalInline(ReadOnlyInline):
    model = PlanGoal


class InterventionInline(ReadOnlyInline):
    model = PlanIntervention


_VERSION_FIELDS = ("number", "valid_from", "valid_until", "change_note", "created_at")


class VersionInline(ReadOnlyInline):
    model = ProgrammeVersion
    fields = _VERSION_FIELDS
    readonly_fields = _VERSION_FIELDS


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

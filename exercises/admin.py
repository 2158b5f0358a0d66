"""Admin for the exercise library: the shipped library is read-only for clinic
admins (``load_exercise_library`` would put it back); their own is theirs."""

from __future__ import annotations

from django.contrib import admin

from clinic.admin_scoping import SharedLibraryAdmin
from exercises.models import Exercise


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

"""Clinic scoping for the Django admin: a clinic admin sees and edits only the
objects of their own clinics, exactly as in the staff UI; superusers see all.
Clinicians and reception work in the staff UI and have no admin access."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, lookup_spawns_duplicates, unquote
from django.db import models
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from clinic.access import get_scoped_or_404
from clinic.models import Clinic, StaffMember
from clinic.paging import EstimatedCountPaginator


def _clinic_admin_member(request) -> StaffMember | None:
    member = getattr(request.user, "staff_member", None)
    if member is not None and member.is_clinic_admin and request.user.is_active:
        return member
    return None


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field list filter that offers only what the editor may see
    (a clinic admin saw every clinic's name in the "By clinic" filter)."""

    def field_choices(self, field, request, model_admin):
        scoped = model_admin._scoped_choices(field.related_model, request)
        if scoped is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return [(obj.pk, str(obj)) for obj in scoped.order_by(*ordering)]


class ClinicScopedAdmin(admin.ModelAdmin):
    clinic_lookup = "clinic"  # path from the model to its clinic
    # No COUNT(*) of the whole table on each changelist (issue 8), and an
    # estimate instead of a count for big unfiltered lists.
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    paginator = EstimatedCountPaginator
    clinic_admin_can_add = True
    clinic_admin_can_delete = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        member = _clinic_admin_member(request)
        if member is None:
            return qs.none()
        qs = qs.filter(**{f"{self.clinic_lookup}__in": member.clinic_ids})
        # DISTINCT only where the path to the clinic can repeat a row (staff
        # have several clinics): it makes PostgreSQL sort the whole list.
        if lookup_spawns_duplicates(self.model._meta, self.clinic_lookup):
            qs = qs.distinct()
        return qs

    def _allowed(self, request) -> bool:
        return request.user.is_superuser or _clinic_admin_member(request) is not None

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return request.user.is_superuser or (self.clinic_admin_can_add and self._allowed(request))

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser or (
            self.clinic_admin_can_delete and self._allowed(request)
        )

    def get_list_filter(self, request):
        """Related-field filters offer only the editor's clinics' objects."""
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                try:
                    field = get_fields_from_path(self.model, entry)[-1]
                except Exception:
                    field = None
                if field is not None and field.is_relation and field.related_model:
                    entry = (entry, ScopedRelatedFieldListFilter)
            elif isinstance(entry, tuple) and isinstance(entry[1], type):
                if issubclass(entry[1], admin.RelatedFieldListFilter) and not issubclass(
                    entry[1], ScopedRelatedFieldListFilter
                ):
                    entry = (entry[0], ScopedRelatedFieldListFilter)
            filters.append(entry)
        return filters

    def save_related(self, request, form, formsets, change):
        """Many-to-many fields keep what the editor cannot see: a clinic admin
        saving a member who also works at another clinic once replaced the
        whole clinic set with the editor's clinics."""
        hidden: dict[str, set] = {}
        if change and not request.user.is_superuser:
            for field in form.instance._meta.many_to_many:
                if field.name not in form.cleaned_data:
                    continue
                scoped = self._scoped_choices(field.related_model, request)
                if scoped is None:
                    continue
                current = set(getattr(form.instance, field.name).values_list("pk", flat=True))
                hidden[field.name] = current - set(scoped.values_list("pk", flat=True))
        super().save_related(request, form, formsets, change)
        for name, ids in hidden.items():
            if ids:
                getattr(form.instance, name).add(*ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = self._scoped_choices(db_field.related_model, request)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scoped = self._scoped_choices(db_field.related_model, request)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scoped_choices(self, model, request):
        """Choices for a foreign key: only the user's clinics' objects."""
        if request.user.is_superuser:
            return None
        member = _clinic_admin_member(request)
        ids = member.clinic_ids if member else []
        if model is Clinic:
            return Clinic.objects.filter(pk__in=ids)
        if hasattr(model.objects, "for_user"):
            return model.objects.for_user(request.user)
        return None


class ScopedHistoryAdmin(ClinicScopedAdmin, SimpleHistoryAdmin):
    """History pages, scoped like the change page.

    simple-history falls back to the history table when the object is outside
    ``get_queryset``, which would show another clinic's record; we check the
    scope first and answer 404 (with an access-denied audit event).
    """

    def _check_scope(self, request, object_id) -> None:
        get_scoped_or_404(request, self.get_queryset(request), pk=unquote(object_id))

    def history_view(self, request, object_id, extra_context=None):
        self._check_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


# --- Shared bases for the feature apps' admins ---------------------------------


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


class ReadOnlyInline(ScopedInline):
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Records that change through services that audit and keep history (the staff
# UI, the portal, the workers): the admin shows them, scoped to the clinic
# admin's clinics.


class ReadOnlyScopedAdmin(ScopedHistoryPageAdmin):
    """Records of the patient's own activity, reminders and alerts: clinic
    admins may read them, never change, add or delete them (superusers only)."""

    clinic_lookup = "patient__clinic"
    clinic_admin_can_add = False
    list_per_page = 50

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

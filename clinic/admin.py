from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.admin_scoping import ClinicScopedAdmin, ScopedHistoryAdmin
from clinic.audit import audit_record
from clinic.models import AuditAction, AuditEvent, Clinic, StaffMember

# Devices hold TOTP secrets: no admin pages for them. A clinic admin resets a
# colleague's second factor with the staff-member action below (audited).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Clinic)
class ClinicAdmin(ScopedHistoryAdmin):
    clinic_lookup = "pk"
    clinic_admin_can_add = False
    list_display = ["name", "time_zone", "retention_years", "email", "phone"]
    search_fields = ["name", "email"]
    list_filter = ["time_zone"]


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
    actions = ["reset_second_factor", "send_enrolment_link"]

    @admin.action(description="Reset second factor (the person enrols again at next login)")
    def reset_second_factor(self, request, queryset):
        # queryset is already limited to the admin's clinics (get_queryset).
        for member in queryset.select_related("user"):
            TOTPDevice.objects.filter(user=member.user).delete()
            StaticDevice.objects.filter(user=member.user).delete()
            audit_record(action=AuditAction.OTP_RESET, request=request, obj=member.user)
        self.message_user(request, f"Second factor reset for {queryset.count()} staff member(s).")

    @admin.action(description="Send a second-factor enrolment link (by email)")
    def send_enrolment_link(self, request, queryset):
        # queryset is already limited to the admin's clinics (get_queryset).
        from clinic.twofactor import otp_enrolment_link_send

        sent = skipped = 0
        for member in queryset.select_related("user"):
            if TOTPDevice.objects.filter(user=member.user, confirmed=True).exists():
                skipped += 1  # reset the second factor first
            elif otp_enrolment_link_send(user=member.user, by=request.user, request=request):
                sent += 1
            else:
                skipped += 1  # no email address on the account
        self.message_user(
            request,
            f"Enrolment link sent to {sent} staff member(s); {skipped} skipped "
            "(already enrolled, or no email address).",
        )

    def get_readonly_fields(self, request, obj=None):
        # A clinic admin manages roles and memberships, not the login itself.
        if request.user.is_superuser:
            return []
        readonly = ["user"]
        if obj is not None and self._works_elsewhere(request, obj):
            # Role and registration hold at the other clinics too: only an
            # admin of every clinic of the member (or a superuser) changes them.
            readonly += ["role", "professional_registration"]
        return readonly

    def _works_elsewhere(self, request, obj) -> bool:
        member = getattr(request.user, "staff_member", None)
        mine = set(member.clinic_ids) if member is not None else set()
        return bool(set(obj.clinics.values_list("pk", flat=True)) - mine)


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    """Read-only for everybody: the trail is append-only."""

    clinic_lookup = "clinic_id"

    def get_queryset(self, request):
        # The target's clinic or the actor's (AuditEvent.objects.for_user).
        qs = admin.ModelAdmin.get_queryset(self, request)
        if not self._allowed(request):
            return qs.none()
        return qs.for_user(request.user)

    list_display = [
        "at",
        "actor_username",
        "action_label",
        "object_type",
        "object_id",
        "patient_id",
        "ip",
    ]
    list_filter = ["action", "at"]
    search_fields = ["actor_username", "=object_id", "=patient_id"]
    date_hierarchy = None
    show_full_result_count = False
    # Half the admin's default page: each row costs about 1 ms of rendering
    # (issue 20's lighter changelists); the staff audit log (/audit/) is the
    # everyday view and pages the same trail.
    list_per_page = 50

    @admin.display(description="action", ordering="action")
    def action_label(self, obj):
        # Not the "action" field itself: the admin would flatten its callable
        # choices once per row (AuditEvent.get_action_display has the labels).
        return obj.get_action_display()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

import functools
import uuid
from typing import Self
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from clinic.dates import FreeTextField


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            "%(value)s is not a known time zone; use an IANA name such as Europe/London.",
            params={"value": value},
        )


def default_time_zone() -> str:
    return settings.CLINIC_DEFAULT_TIME_ZONE


class Clinic(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    email = models.EmailField(blank=True)
    phone = PhoneNumberField(blank=True)
    address = FreeTextField(blank=True)
    website = models.URLField(blank=True)
    # How long records are kept after care ends before an erasure request can be
    # carried out (UK guidance for adult physiotherapy records: 8 years).
    retention_years = models.PositiveSmallIntegerField(
        default=8,
        help_text="Years a patient record is kept after care ends before it may be erased.",
    )
    # Adherence and alert settings (SPEC [D] "Adherence": configurable per clinic).
    adherence_threshold_percent = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A patient is adherent at this percentage of prescribed sessions or more.",
    )
    no_log_alert_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Alert the clinician after this many days without any exercise log.",
    )
    # Exercise videos and clips (issue 15): the largest upload accepted.
    media_max_video_mb = models.PositiveSmallIntegerField(
        "largest video (MB)",
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text="Exercise videos and patient clips larger than this are refused.",
    )
    # Programme emails (issue 15): the handout PDF attached, or a link only
    # (for clinics that keep health details out of email).
    programme_email_attach_pdf = models.BooleanField(
        "attach the handout PDF to programme emails",
        default=True,
        help_text="Off: programme emails carry only a link to the portal, no exercise names.",
    )
    # Issue 22: low adherence and no recent logs are "needs attention" signals
    # (caseload and digest); a clinic may have them raised as alerts instead.
    attention_as_alerts = models.BooleanField(
        default=False,
        help_text=(
            "Raise low adherence and no recent logs as alerts (one per patient) instead of "
            "showing them as 'needs attention' on the dashboard and in the digest."
        ),
    )
    # Symptom-driven progression (issue 14): thresholds the SPEC marks [D] or [M] are
    # clinic settings with the SPEC's value (or the product's choice) as default; each
    # proposal shows the values it used.
    progression_pain_rise = models.PositiveSmallIntegerField(
        "progression: pain rise allowed (points)",
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Pain during exercise may rise this many points above baseline and settle "
        "by the next day (SPEC 4.5 default 2 [M]).",
    )
    progression_min_sessions = models.PositiveSmallIntegerField(
        "progression: sessions before a proposal",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Logged sessions of an exercise (since the last decision) before progress "
        "is proposed (default 6: a product choice [D]; the SPEC gives no number).",
    )
    progression_easy_run = models.PositiveSmallIntegerField(
        "progression: 'too easy' ratings running",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="'Too easy' this many sessions running proposes progress (default 2 [D]).",
    )
    progression_hard_run = models.PositiveSmallIntegerField(
        "progression: 'too hard' ratings running",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="'Too hard' this many sessions running proposes a regression (default 2 [D]).",
    )
    progression_pain_skips = models.PositiveSmallIntegerField(
        "progression: skips for pain",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Sessions skipped for pain (since the last decision) that propose a "
        "regression (default 2 [D]).",
    )
    progression_onset_min = models.PositiveSmallIntegerField(
        "progression: claudication onset (minutes)",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="PAD walking: claudication pain beginning after at least this many minutes "
        "of walking, in the last 'too easy' run of sessions, proposes progress (SPEC 4.1 "
        "'as tolerated' [S78]; default 8, the library's treadmill step, increments [D]).",
    )
    # Issued under a row lock by Clinic.issue_record_number(); never reused.
    last_record_number = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["last_record_number"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        floor = settings.RETENTION_MIN_YEARS
        if self.retention_years is not None and self.retention_years < floor:
            raise ValidationError(
                {"retention_years": f"Keep records at least {floor} years after care ends."}
            )

    @property
    def effective_retention_years(self) -> int:
        """The clinic's period, never below ``RETENTION_MIN_YEARS`` (issue 19:
        a clinic admin set 0 and erased a patient discharged a minute ago)."""
        return max(self.retention_years, settings.RETENTION_MIN_YEARS)

    @classmethod
    def issue_record_number(cls, clinic_id) -> str:
        """Next record number for the clinic; call inside a transaction."""
        clinic = cls.objects.select_for_update().only("last_record_number").get(pk=clinic_id)
        clinic.last_record_number += 1
        cls.objects.filter(pk=clinic_id).update(last_record_number=clinic.last_record_number)
        return f"{clinic.last_record_number:06d}"


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    RECEPTION = "reception", "Reception"
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"


def visible_clinic_ids(user, *, clinical: bool = False) -> list | None:
    """Ids of the clinics whose records the user may see; ``None`` means every
    clinic (a superuser). ``clinical``: only for roles that see clinical content
    (DESIGN.md access model: reception sees demographics and contacts only)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    member = getattr(user, "staff_member", None)
    if member is None or (clinical and not member.sees_clinical_content):
        return []
    return member.clinic_ids


class ClinicScopedQuerySet(models.QuerySet):
    """``for_user`` for records reached from their clinic by ``clinic_path``."""

    clinic_path = "patient__clinic_id"
    clinical = True

    def for_user(self, user):
        ids = visible_clinic_ids(user, clinical=self.clinical)
        if ids is None:
            return self
        return self.filter(**{f"{self.clinic_path}__in": ids})


class LibraryQuerySet(models.QuerySet):
    """``for_user`` for library rows (exercises, programme templates): those
    shipped with the app (no clinic) plus the user's clinics' own. Library
    content is not clinical: every staff role sees it."""

    def for_user(self, user) -> Self:
        ids = visible_clinic_ids(user)
        if ids is None:
            return self
        if not ids:
            return self.none()
        return self.filter(Q(clinic__isnull=True) | Q(clinic_id__in=ids))


class StaffMemberQuerySet(models.QuerySet):
    def for_user(self, user) -> "StaffMemberQuerySet":
        if user.is_superuser:
            return self
        member = getattr(user, "staff_member", None)
        if member is None:
            return self.none()
        return self.filter(clinics__in=member.clinic_ids).distinct()

    def clinicians(self) -> "StaffMemberQuerySet":
        return self.filter(role=Role.CLINICIAN, user__is_active=True)


class StaffMember(models.Model):
    """A user who works at one or more clinics, with one role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_member"
    )
    clinics = models.ManyToManyField(Clinic, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    professional_registration = models.CharField(
        max_length=50, blank=True, help_text="E.g. HCPC number for a physiotherapist."
    )

    objects = StaffMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def clinic_ids(self) -> list:
        """Ids of this member's clinics, cached on the instance for the request."""
        if not hasattr(self, "_clinic_ids"):
            self._clinic_ids = list(self.clinics.values_list("pk", flat=True))
        return self._clinic_ids

    @property
    def sees_clinical_content(self) -> bool:
        # DESIGN.md access model: reception sees demographics and contacts only.
        return self.role in (Role.CLINICIAN, Role.CLINIC_ADMIN)

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == Role.CLINIC_ADMIN


class AuditAction(models.TextChoices):
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGOUT = "logout", "Logged out"
    ACCESS_DENIED = "access_denied", "Access denied"
    PATIENT_VIEW = "patient_view", "Viewed patient record"
    PATIENT_CREATE = "patient_create", "Created patient record"
    PATIENT_CHANGE = "patient_change", "Changed patient record"
    EXPORT = "export", "Exported data"
    INVITATION_SENT = "invitation_sent", "Sent portal invitation"
    INVITATION_ACCEPTED = "invitation_accepted", "Accepted portal invitation"
    LOCKED_OUT = "locked_out", "Login locked (too many failures)"
    SESSION_EXPIRED = "session_expired", "Session expired"
    SESSIONS_ENDED = "sessions_ended", "Sessions ended (account deactivated)"
    OTP_ENROLLED = "otp_enrolled", "Second factor enrolled"
    OTP_VERIFIED = "otp_verified", "Second factor passed"
    OTP_FAILED = "otp_failed", "Second factor failed"
    OTP_RECOVERY_USED = "otp_recovery_used", "Recovery code used"
    OTP_RECOVERY_REGENERATED = "otp_recovery_new", "Recovery codes renewed"
    OTP_RESET = "otp_reset", "Second factor reset"
    OTP_LINK_SENT = "otp_link_sent", "Second-factor enrolment link sent"
    OTP_LINK_USED = "otp_link_used", "Second-factor enrolment link used"
    OTP_LINK_REFUSED = "otp_link_refused", "Second-factor enrolment link refused"
    ERASURE_REQUESTED = "erasure_requested", "Erasure requested"
    ERASURE_REFUSED = "erasure_refused", "Erasure refused (retention)"
    ERASURE_DONE = "erasure_done", "Personal data erased"
    REMINDER_SENT = "reminder_sent", "Reminder sent"
    REMINDER_FAILED = "reminder_failed", "Reminder failed"
    REMINDER_UNKNOWN = "reminder_unknown", "Reminder delivery unknown"
    REMINDER_RECONCILED = "reminder_reconciled", "Reminder delivery reconciled"
    REMINDERS_UNSUBSCRIBED = "reminders_unsubscribed", "Unsubscribed from reminders"
    REMINDER_PREFERENCES_CHANGED = "reminder_prefs_changed", "Changed reminder preferences"
    ALERT_ACKNOWLEDGED = "alert_acknowledged", "Acknowledged alert"
    ALERT_RESOLVED = "alert_resolved", "Resolved alert"
    ALERT_SNOOZED = "alert_snoozed", "Snoozed alert"
    PLAN_CREATE = "plan_create", "Created treatment plan"
    PLAN_CHANGE = "plan_change", "Changed treatment plan"
    PLAN_ACTIVATE = "plan_activate", "Activated treatment plan"
    PLAN_VIEW = "plan_view", "Viewed treatment plan"
    PLAN_PAUSE = "plan_pause", "Paused treatment plan"
    PLAN_RESUME = "plan_resume", "Resumed treatment plan"
    SESSION_BY_PHONE = "session_by_phone", "Logged a session reported by phone"
    API_TOKEN_CREATED = "api_token_created", "Created FHIR API token"
    API_TOKEN_REVOKED = "api_token_revoked", "Revoked FHIR API token"
    API_READ = "api_read", "FHIR API request"
    CLIP_ADDED = "clip_added", "Added a clip of the patient"
    CLIP_VIEWED = "clip_viewed", "Viewed a clip of the patient"
    CLIP_REMOVED = "clip_removed", "Removed a clip of the patient"
    PROGRAMME_EMAIL_SENT = "programme_email_sent", "Sent a programme email"
    MESSAGE_SENT = "message_sent", "Sent a secure message"
    MESSAGE_READ = "message_read", "Read secure messages"
    MESSAGE_ASSIGNED = "message_assigned", "Assigned a conversation"
    MESSAGE_HANDLED = "message_handled", "Marked a conversation handled"
    MESSAGE_FILED = "message_filed", "Filed a conversation to the record"
    MESSAGE_NOTICE_SENT = "message_notice_sent", "Sent a new-message notice"


def audit_action_choices() -> list[tuple[str, str]]:
    """The field's choices, read when used: a new action needs no migration,
    so apps developed side by side never race for the next migration number."""
    return AuditAction.choices


@functools.cache
def _audit_action_labels() -> dict[str, str]:
    # AuditAction is an enum: its members are fixed once the module is loaded.
    return dict(AuditAction.choices)


def admin_clinic_ids(user) -> list | None:
    """Ids of the clinics the user administers (audit log, API tokens); ``None``
    means every clinic (a superuser)."""
    if user.is_superuser:
        return None
    member = getattr(user, "staff_member", None)
    if member is None or not member.is_clinic_admin:
        return []
    return member.clinic_ids


class AuditEventQuerySet(models.QuerySet):
    def for_user(self, user) -> "AuditEventQuerySet":
        # An event belongs to the clinic of its target and to the actor's
        # (issue 19): both clinics' admins see a denied attempt.
        ids = admin_clinic_ids(user)
        if ids is None:
            return self
        return self.filter(models.Q(clinic_id__in=ids) | models.Q(actor_clinic_id__in=ids))

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only record of who did what to which record, without clinical content.

    Ids are stored as plain values, not foreign keys, so that the trail outlives
    (and never blocks) changes to the records it points at. On PostgreSQL a
    trigger rejects UPDATE and DELETE (migration 0002).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and no cascade: deleting a user must not (and on
    # PostgreSQL cannot) rewrite the trail; the id and username stay.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=audit_action_choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.UUIDField(null=True, blank=True)
    # The target's clinic (the patient's, the record's; for account events
    # the account's) and the acting user's clinic, when they differ.
    clinic_id = models.UUIDField(null=True, blank=True)
    actor_clinic_id = models.UUIDField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic_id", "-at"], name="audit_clinic_at"),
            models.Index(fields=["actor_clinic_id", "-at"], name="audit_actor_clinic_at"),
            models.Index(fields=["patient_id", "-at"], name="audit_patient_at"),
            models.Index(fields=["actor", "action", "-at"], name="audit_actor_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")

    def get_action_display(self) -> str:  # type: ignore[no-redef]
        # Django's own would re-read and flatten the callable choices (about a
        # hundred actions) for every row: 10 ms on a 100-row admin page.
        return _audit_action_labels().get(self.action, self.action)


# --- Chunked passes (clinic/passes.py runs them) --------------------------------------------------------------------


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPLETE = "complete", "Complete"
    SUPERSEDED = "superseded", "Superseded by a later run"
    FAILED = "failed", "Failed (a chunk gave up)"


class ChunkState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PassRun(models.Model):
    """One run of one pass; complete when every chunk is done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=40)
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    chunk_count = models.PositiveIntegerField(default=0)
    patient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["name", "status", "-finished_at"], name="passrun_name_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    def ranges_done(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """The completion record: the patient id ranges done, in id order."""
        return [
            (first, last)
            for first, last in self.chunks.filter(state=ChunkState.DONE)
            .order_by("number")
            .values_list("first_id", "last_id")
        ]


class PassChunk(models.Model):
    """A range of patient ids of one run. ``resume_after``: the last patient id
    done when the chunk stopped at its time budget (the next attempt goes on
    from there)."""

    run = models.ForeignKey(PassRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_id = models.UUIDField()
    last_id = models.UUIDField()
    size = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=ChunkState.choices, default=ChunkState.QUEUED)
    queued_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The worker (Celery hostname) of the latest claim.
    claimed_by = models.CharField(max_length=100, blank=True, default="")
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    resume_after = models.UUIDField(null=True, blank=True)
    processed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="passchunk_run_number"),
        ]
        indexes = [
            models.Index(
                fields=["state", "queued_at"],
                condition=Q(state__in=["queued", "running"]),
                name="passchunk_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run.name} chunk {self.number} ({self.state})"


class OTPEnrolmentLink(models.Model):
    """A signed, single-use, short-lived link that lets a staff account without
    a second-factor device enrol one (issue 19): without it, a password alone
    cannot finish a login. Sent by a clinic admin (or, for the first
    superuser, ``manage.py otp_enrolment_link``). Only a hash of the link's
    secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="otp_enrolment_links"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "used_at"], name="otp_link_user_used")]

    def __str__(self) -> str:
        return f"Enrolment link for user {self.user_id}"

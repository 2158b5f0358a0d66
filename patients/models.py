import uuid
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from clinic.dates import BoundedDateField, FreeTextField, bounded_dates
from clinic.models import (
    Clinic,
    ClinicScopedQuerySet,
    StaffMember,
    default_time_zone,
    validate_time_zone,
)
from patients.search import patient_search_filter


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    NOT_STATED = "not_stated", "Prefer not to say"


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"
    ARCHIVED = "archived", "Archived"


class ReferralSource(models.TextChoices):
    SELF = "self", "Self-referral"
    GP = "gp", "GP"
    CONSULTANT = "consultant", "Consultant"
    OTHER_THERAPIST = "therapist", "Other therapist"
    INSURER = "insurer", "Insurer or employer"
    OTHER = "other", "Other"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh"
    FRENCH = "fr", "French"
    GERMAN = "de", "German"
    SPANISH = "es", "Spanish"
    POLISH = "pl", "Polish"
    PORTUGUESE = "pt", "Portuguese"
    URDU = "ur", "Urdu"
    PUNJABI = "pa", "Punjabi"
    ARABIC = "ar", "Arabic"
    OTHER = "other", "Other"


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    PORTAL = "portal", "Portal access"
    REMINDERS = "reminders", "Exercise reminders"


class PatientQuerySet(ClinicScopedQuerySet):
    """Patients of the user's clinics, for every staff role."""

    clinic_path = "clinic_id"
    clinical = False

    def search(self, text: str) -> "PatientQuerySet":
        return self.filter(patient_search_filter(text))

    def likely_duplicates(self, *, clinic, first_name, last_name, date_of_birth):
        return self.filter(
            clinic=clinic,
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )


@bounded_dates
class Patient(models.Model):
    # Opaque id for URLs; no sequential id is exposed anywhere.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    record_number = models.CharField(max_length=20, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient",
        help_text="The portal account, once the patient has accepted an invitation.",
    )

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = BoundedDateField()
    sex = models.CharField(max_length=20, choices=Sex.choices)
    pronouns = models.CharField(max_length=40, blank=True)

    email = models.EmailField(blank=True)
    mobile_phone = PhoneNumberField(
        blank=True, help_text="International format, e.g. +44 7700 900123."
    )
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True, default="United Kingdom")
    preferred_language = models.CharField(
        max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="IANA name; reminders are sent at the patient's local time.",
    )

    gp_name = models.CharField("GP name", max_length=200, blank=True)
    gp_practice = models.CharField("GP practice", max_length=200, blank=True)
    gp_phone = PhoneNumberField("GP phone", blank=True)
    gp_email = models.EmailField("GP email", blank=True)

    referral_source = models.CharField(
        max_length=20, choices=ReferralSource.choices, default=ReferralSource.SELF
    )
    # Clinical content: hidden from reception (DESIGN.md access model).
    referral_reason = FreeTextField(blank=True)

    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = PhoneNumberField(blank=True)

    # Consents: each with who recorded it and when (null when not given).
    consent_treatment = models.BooleanField(default=False)
    consent_treatment_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_treatment_at = models.DateTimeField(null=True, blank=True)
    consent_portal = models.BooleanField(default=False)
    consent_portal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_portal_at = models.DateTimeField(null=True, blank=True)
    consent_reminders = models.BooleanField(default=False)
    consent_reminders_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_reminders_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    assigned_clinician = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the personal data was erased (pseudonymised) on request.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PatientQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "record_number"], name="patient_record_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "last_name", "first_name"], name="patient_clinic_name"),
            models.Index(fields=["clinic", "status"], name="patient_clinic_status"),
            models.Index(fields=["assigned_clinician", "status"], name="patient_clinician_status"),
            models.Index(fields=["date_of_birth"], name="patient_dob"),
            models.Index(fields=["email"], name="patient_email"),
            models.Index(fields=["mobile_phone"], name="patient_mobile"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.record_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def local_today(self) -> date:
        """Today in the patient's own time zone: programme days, logs and
        reminders are the patient's local days."""
        return timezone.localdate(timezone=ZoneInfo(self.time_zone))

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def consent_state(self, kind: ConsentKind) -> tuple[bool, object, object]:
        """(given, recorded by, recorded at) for one consent kind."""
        return (
            getattr(self, f"consent_{kind}"),
            getattr(self, f"consent_{kind}_by"),
            getattr(self, f"consent_{kind}_at"),
        )

    def care_ended_on(self) -> date | None:
        """The day the patient left care (discharged or archived), from the
        record's history; None while the patient is active."""
        if self.status == Status.ACTIVE:
            return None
        rows = self.history.order_by("history_date").values_list("status", "history_date")
        ended = None
        for status, at in rows:
            if status == Status.ACTIVE:
                ended = None
            elif ended is None:
                ended = at
        return (ended or self.updated_at).date()

    def retention_ends_on(self) -> date | None:
        """First day the record may be erased under the clinic's retention period."""
        ended = self.care_ended_on()
        if ended is None:
            return None
        years = self.clinic.effective_retention_years
        try:
            return ended.replace(year=ended.year + years)
        except ValueError:  # 29 February into a non-leap year
            return ended.replace(year=ended.year + years, day=28)


class ErasureChannel(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    PORTAL = "portal", "Patient portal"


class ErasureStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"


class ErasureRequestQuerySet(ClinicScopedQuerySet):
    """Requests of the user's clinics, for roles that see clinical content."""

    clinic_path = "clinic_id"


@bounded_dates
class ErasureRequest(models.Model):
    """A patient's request to erase their personal data: recorded, checked
    against the clinic's retention period, then carried out (pseudonymisation).
    Ids only once completed; the audit trail keeps the who and when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="erasure_requests")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    received_via = models.CharField(max_length=20, choices=ErasureChannel.choices)
    received_on = BoundedDateField()
    notes = models.CharField(
        max_length=300,
        blank=True,
        help_text="How to reach the requester about the outcome; no clinical details.",
    )
    status = models.CharField(
        max_length=20, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="erasure_completed_has_time",
            ),
            # One open request per patient.
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="pending"),
                name="erasure_one_pending_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.get_status_display()})"


class PortalInvitationQuerySet(models.QuerySet):
    def usable(self, now) -> "PortalInvitationQuerySet":
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class PortalInvitation(models.Model):
    """One invitation email to the portal; its link is signed, expires and works once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PortalInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "-created_at"], name="invitation_patient")]

    def __str__(self) -> str:
        return f"Invitation for {self.patient.record_number} ({self.created_at:%Y-%m-%d})"

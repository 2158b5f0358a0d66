import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from clinic.models import StaffMember
from patients.models import Patient


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    REVIEW = "review", "Review"
    DISCHARGE = "discharge", "Discharge"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    AMENDED = "amended", "Amended"


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user) -> "AssessmentQuerySet":
        """Assessments of patients the user may see, for roles that see clinical content."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        member = getattr(user, "staff_member", None)
        if member is None or not member.sees_clinical_content:
            return self.none()
        return self.filter(patient__clinic_id__in=member.clinic_ids)


class Assessment(models.Model):
    """A structured assessment of one patient by one clinician (issue 3 adds the sections)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    clinician = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(
        max_length=20, choices=AssessmentKind.choices, default=AssessmentKind.INITIAL
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessed_on = models.DateField()
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        indexes = [models.Index(fields=["patient", "-assessed_on"], name="assessment_patient_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} assessment {self.assessed_on:%d %b %Y}"

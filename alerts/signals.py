"""Programme alerts close themselves (issue 22): when a plan stops being
active or the patient is discharged, open adherence and no-log alerts and the
"needs attention" signals of a patient left without an active plan are closed
with a note."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from alerts.services import programme_alerts_close
from patients.models import Patient, Status
from programmes.models import PlanStatus, TreatmentPlan


@receiver(post_save, sender=TreatmentPlan, dispatch_uid="alerts_plan_closed")
def _plan_saved(sender, instance: TreatmentPlan, created: bool, **kwargs) -> None:
    if instance.status not in (PlanStatus.COMPLETED, PlanStatus.DISCONTINUED):
        return
    if TreatmentPlan.objects.filter(
        patient_id=instance.patient_id, status=PlanStatus.ACTIVE
    ).exists():
        return
    patient = Patient.objects.get(pk=instance.patient_id)
    programme_alerts_close(patient=patient, why=f"plan {instance.get_status_display().lower()}")


@receiver(post_save, sender=Patient, dispatch_uid="alerts_patient_discharged")
def _patient_saved(sender, instance: Patient, created: bool, **kwargs) -> None:
    if created or instance.status == Status.ACTIVE:
        return
    programme_alerts_close(patient=instance, why=f"patient {instance.get_status_display().lower()}")

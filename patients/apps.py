from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from clinic import audit, panels
        from patients import subject_access  # noqa: F401  (registers the patient record)

        @panels.register("patient_actions")
        def _privacy_actions(*, request, staff_member, patient=None, **kwargs):
            if patient is None or not (
                request.user.is_superuser or (staff_member and staff_member.sees_clinical_content)
            ):
                return None
            return "patients/includes/privacy_actions.html", {"patient": patient}

        @audit.register_patient_labeller
        def _patient_labels(user, patient_ids):
            from patients.models import Patient

            return {
                p.pk: f"{p.first_name} {p.last_name} ({p.record_number})"
                for p in Patient.objects.for_user(user)
                .filter(pk__in=patient_ids)
                .only("id", "first_name", "last_name", "record_number")
            }

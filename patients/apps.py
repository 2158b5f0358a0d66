from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from clinic import panels
        from patients import subject_access  # noqa: F401  (registers the patient record)

        @panels.register("patient_actions")
        def _privacy_actions(*, request, staff_member, patient=None, **kwargs):
            if patient is None or not (
                request.user.is_superuser or (staff_member and staff_member.sees_clinical_content)
            ):
                return None
            return "patients/includes/privacy_actions.html", {"patient": patient}

from django.apps import AppConfig


class FhirConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fhir_r4"
    verbose_name = "FHIR interoperability"

    def ready(self) -> None:
        from fhir_r4 import panels  # noqa: F401  (registers the patient-page button)

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Clinician alerts"

    def ready(self):
        from alerts import panels, privacy  # noqa: F401  (register panels, export and erasure)

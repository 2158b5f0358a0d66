from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Clinician alerts"

    def ready(self):
        from alerts import (  # noqa: F401  (panels, export, erasure, metrics, hooks)
            ops,
            panels,
            privacy,
            signals,
        )

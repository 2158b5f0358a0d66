from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        # The nightly work panel; login/logout audit; the passes health check.
        from clinic import dashboard_panels, passes, signals  # noqa: F401

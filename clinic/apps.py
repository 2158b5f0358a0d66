from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from clinic import dashboard_panels, signals  # noqa: F401  (panel; login/logout audit)

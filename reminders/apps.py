from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self):
        from reminders import (  # noqa: F401  (panels, passes, export, erasure, health)
            ops,
            panels,
            passes,
            privacy,
        )

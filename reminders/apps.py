from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self):
        from reminders import ops, panels, privacy  # noqa: F401  (panels, export, erasure, health)

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self):
        from reminders import panels, privacy  # noqa: F401  (register panels, export and erasure)

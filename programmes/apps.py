from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Exercise programmes"

    def ready(self):
        from programmes import panels, privacy  # noqa: F401  (register panels, export and erasure)

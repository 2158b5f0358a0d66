from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Exercise programmes"

    def ready(self):
        from programmes import (
            panels,  # noqa: F401  (registers panel and timeline providers)
            privacy,  # noqa: F401  (subject access and erasure)
        )

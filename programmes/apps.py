from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Exercise programmes"

    def ready(self):
        from programmes import (
            panels,  # noqa: F401  (registers panel and timeline providers)
            portal_data,  # noqa: F401  (issue 6: check-ins and calendar feed in exports)
            privacy,  # noqa: F401  (subject access and erasure)
        )

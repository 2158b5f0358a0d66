from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self):
        from assessments import (
            panels,  # noqa: F401  (registers panel and timeline providers)
            privacy,  # noqa: F401  (subject access and erasure)
        )

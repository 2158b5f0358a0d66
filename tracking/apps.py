from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = "Home activity and adherence"

    def ready(self):
        from tracking import (  # noqa: F401  (panels, passes, export, erasure)
            panels,
            passes,
            privacy,
        )

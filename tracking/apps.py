from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = "Home activity and adherence"

    def ready(self):
        from tracking import panels, privacy  # noqa: F401  (register panels, export and erasure)

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = "Secure messages"

    def ready(self) -> None:
        # Registers the menu entry, dashboard panel, timeline, subject-access
        # and erasure providers.
        from messaging import panels, privacy  # noqa: F401

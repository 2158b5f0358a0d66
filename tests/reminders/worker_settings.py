"""Settings for a Celery worker process started by the reminder tests: the test
settings, with real SMTP to the test's loopback server (the test process's
own settings use the in-memory mail backend)."""

import os

from clinic.settings_test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_TIMEOUT = 10
# A killed worker's unacknowledged message comes back soon (no countdowns are used).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 30}
CELERY_BROKER_CONNECTION_MAX_RETRIES = None

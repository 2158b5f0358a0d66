"""The Celery app and the one place where periodic schedules live.

Defaults (JSON only, time limits, acks_late with reject-on-worker-lost) come
from the CELERY_* settings in clinic/settings.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The single beat schedule of the project. Times are UTC.
app.conf.beat_schedule = {
    "health-heartbeat": {
        "task": "clinic.tasks.health_ping",
        "schedule": 300.0,
    },
}

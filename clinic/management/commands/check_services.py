"""Stop at once, with a clear message, when Redis does not answer (make run)."""

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Check that the Redis broker at REDIS_URL answers."

    def handle(self, *args, **options):
        url = settings.REDIS_URL
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except (redis.exceptions.RedisError, OSError) as exc:
            raise CommandError(
                f"No Redis answers at {url} ({exc.__class__.__name__}).\n"
                "Celery needs Redis for reminders. Start one, for example:\n"
                "  sudo apt-get install redis-server && redis-server --daemonize yes\n"
                "or point REDIS_URL at a running server, e.g. REDIS_URL=redis://host:6379/0 make run"
            ) from None
        self.stdout.write(f"Redis answers at {url}.")

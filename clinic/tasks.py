from celery import shared_task


@shared_task(name="clinic.tasks.health_ping")
def health_ping() -> str:
    """A trivial task proving that a worker takes work from the broker."""
    return "pong"


@shared_task(name="clinic.tasks.noop", ignore_result=False)
def noop() -> None:
    """The benchmark's yardstick: a task that does nothing."""

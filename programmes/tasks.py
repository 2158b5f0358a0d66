"""Celery tasks of the programmes app (arguments are ids only)."""

from celery import shared_task

from programmes import emails


@shared_task(name="programmes.programme_emails_tick", ignore_result=True)
def programme_emails_tick() -> int:
    return emails.tick()

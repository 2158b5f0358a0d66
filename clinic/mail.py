"""Email from templates in three parts: ``<name>_subject.txt``, ``_body.txt``, ``_body.html``."""

from __future__ import annotations

import contextlib
import smtplib
import threading
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context
from django.template.loader import get_template, render_to_string


def render_text(name: str, context: dict) -> str:
    """A plain-text template without HTML escaping: "O'Brien" stays "O'Brien"
    in a text email and a subject (only the HTML part is escaped)."""
    template = get_template(name).template  # type: ignore[attr-defined]
    return template.render(Context(context, autoescape=False))


def build_templated_mail(*, template: str, to: str, context: dict) -> EmailMultiAlternatives:
    subject = " ".join(render_text(f"{template}_subject.txt", context).split())
    text = render_text(f"{template}_body.txt", context)
    html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def send_templated_mail(*, template: str, to: str, context: dict) -> None:
    build_templated_mail(template=template, to=to, context=context).send()


# --- one connection per process, for workers that send many messages ----------

# A connection idle longer than this is checked with NOOP before it is used
# again (servers close idle SMTP sessions; RFC 5321 asks them to wait 5 min).
IDLE_CHECK_S = 30
_process = threading.local()


def process_connection():
    """This process's (thread's) mail connection, opened on first use and kept
    open for the next message. Reminders send one message per task; a new
    SMTP handshake for each cost more than the rest of the task together."""
    connection = getattr(_process, "connection", None)
    now = time.monotonic()
    target = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)
    if connection is not None and (
        _process.target != target
        or (now - _process.used_at > IDLE_CHECK_S and not _alive(connection))
    ):
        drop_process_connection()
        connection = None
    if connection is None:
        connection = get_connection()
        connection.open()
        _process.connection, _process.target = connection, target
    _process.used_at = now
    return connection


def drop_process_connection() -> None:
    """Close and forget the kept connection (after an error: the next message
    opens a fresh one)."""
    connection = getattr(_process, "connection", None)
    _process.connection = None
    if connection is not None:
        # Closing a broken connection may fail; it is gone either way.
        with contextlib.suppress(Exception):
            connection.close()


def _alive(connection) -> bool:
    smtp = getattr(connection, "connection", None)  # the smtplib session of the SMTP backend
    if smtp is None:
        return True  # console, locmem and file backends keep no session
    try:
        return smtp.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False

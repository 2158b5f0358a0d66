"""Email from templates in three parts: ``<name>_subject.txt``, ``_body.txt``, ``_body.html``."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_templated_mail(*, template: str, to: str, context: dict) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}_body.txt", context)
    html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def send_templated_mail(*, template: str, to: str, context: dict) -> None:
    build_templated_mail(template=template, to=to, context=context).send()

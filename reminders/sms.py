"""Text messages through a small backend interface (settings.REMINDER_SMS_BACKEND).

- ``console``: writes the message to the log (development);
- ``webhook``: POSTs JSON ``{"to", "body", "reference"}`` to
  ``REMINDER_SMS_WEBHOOK_URL`` with an optional bearer token; a provider
  adapter (or the provider itself) answers 2xx with ``{"id": ...}``;
- ``locmem``: keeps messages in ``outbox`` (tests).

Errors say whether trying again may help: ``SmsTransientError`` (timeouts,
connection failures, 5xx, 429) or ``SmsPermanentError`` (other 4xx).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

outbox: list[SmsMessage] = []


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    reference: str  # the occurrence id: lets the provider and tests de-duplicate


class SmsError(Exception):
    pass


class SmsTransientError(SmsError):
    pass


class SmsPermanentError(SmsError):
    pass


class ConsoleBackend:
    def send(self, message: SmsMessage) -> str:
        # The body is a reminder with a link, no clinical content; the number is
        # masked all the same, since logs travel further than the database.
        logger.info("SMS to ...%s: %s", message.to[-3:], message.body)
        return f"console-{uuid.uuid4()}"


class LocmemBackend:
    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"


class WebhookBackend:
    timeout_s = 10

    def __init__(self, url: str | None = None, token: str | None = None):
        self.url = url or settings.REMINDER_SMS_WEBHOOK_URL
        self.token = token if token is not None else settings.REMINDER_SMS_WEBHOOK_TOKEN
        if not self.url.startswith(("https://", "http://")):
            raise SmsPermanentError("The SMS webhook URL must be http(s).")

    def send(self, message: SmsMessage) -> str:
        data = json.dumps(
            {"to": message.to, "body": message.body, "reference": message.reference}
        ).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": message.reference}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # The scheme is checked in __init__ (http or https only).
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310  # nosec B310
                body = response.read(4096)
        except urllib.error.HTTPError as error:
            if error.code >= 500 or error.code == 429:
                raise SmsTransientError(f"webhook answered {error.code}") from None
            raise SmsPermanentError(f"webhook answered {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsTransientError(f"webhook unreachable: {type(error).__name__}") from None
        try:
            provider_id = str(json.loads(body or b"{}").get("id", ""))
        except (ValueError, AttributeError):
            provider_id = ""
        return provider_id or f"webhook-{message.reference}"


BACKENDS = {"console": ConsoleBackend, "webhook": WebhookBackend, "locmem": LocmemBackend}


def get_backend():
    return BACKENDS[settings.REMINDER_SMS_BACKEND]()


def send_sms(message: SmsMessage) -> str:
    """Hand the message to the configured backend; the provider's message id."""
    return get_backend().send(message)

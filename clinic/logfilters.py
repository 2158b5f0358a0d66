"""Logging filters for the console output."""

from __future__ import annotations

import logging


class NoForbiddenTraceback(logging.Filter):
    """Django logs a refused request (403, ``PermissionDenied``) as a warning
    with the exception's traceback. A refusal is expected (a role without
    access, another clinic's record): keep the one line, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True

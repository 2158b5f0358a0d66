"""An expected 403 is one log line without a traceback (issue 13)."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied

from clinic.logfilters import NoForbiddenTraceback


def _record(status_code: int) -> logging.LogRecord:
    try:
        raise PermissionDenied
    except PermissionDenied:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Forbidden (Permission denied): %s",
        ("/caseload/",),
        exc_info,
    )
    record.status_code = status_code
    return record


def _console_text(record: logging.LogRecord) -> str:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    assert "no_403_traceback" in settings.LOGGING["handlers"]["console"]["filters"]
    handler.addFilter(NoForbiddenTraceback())
    assert handler.filter(record)
    return handler.format(record)


def test_a_refused_page_logs_one_line_without_a_traceback():
    text = _console_text(_record(403))
    assert text == "WARNING django.request Forbidden (Permission denied): /caseload/"


def test_other_errors_keep_their_traceback():
    text = _console_text(_record(500))
    assert "Traceback" in text

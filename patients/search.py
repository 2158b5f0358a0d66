"""Free-text patient search: name, record number, email, phone or date of birth."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db.models import Q

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def parse_search_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search_filter(text: str) -> Q:
    text = text.strip()
    if not text:
        return Q()
    day = parse_search_date(text)
    if day is not None:
        return Q(date_of_birth=day)
    query = Q(record_number__iexact=text) | Q(email__iexact=text)
    if re.fullmatch(r"[\d\s()+-]+", text):
        # Phone numbers are stored as E.164 (+447911...); match on the national
        # significant digits so "07911 ..." and "+44 7911 ..." both find it.
        # Seven digits at least, so a record number (000123) is not a phone.
        national = re.sub(r"\D", "", text).lstrip("0")
        if len(national) >= 7:
            query |= Q(mobile_phone__contains=national[-10:])
    words = text.split()
    name_query = Q()
    for word in words:
        name_query &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
    return query | name_query

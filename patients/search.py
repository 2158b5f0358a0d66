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
    digits = re.sub(r"[^\d+]", "", text)
    if len(digits) >= 6:
        query |= Q(mobile_phone__icontains=digits.lstrip("0").lstrip("+"))
    words = text.split()
    name_query = Q()
    for word in words:
        name_query &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
    return query | name_query

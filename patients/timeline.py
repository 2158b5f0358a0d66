"""The patient timeline: dated entries from every app, newest first.

Apps add a provider with ``register``; a provider takes the patient and the
viewing staff member and returns entries it may show to that person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from patients.forms import CLINICAL_FIELDS


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    detail: str = ""
    url: str = ""
    kind: str = "record"


Provider = Callable[..., list[TimelineEntry]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def patient_timeline(*, patient, viewer, limit: int = 30) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in _providers:
        entries.extend(provider(patient=patient, viewer=viewer, limit=limit))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


@register
def record_changes(*, patient, viewer, limit: int) -> list[TimelineEntry]:
    """Created / changed entries from the record's history, naming the fields."""
    records = list(
        patient.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    hidden = set() if viewer is None or viewer.sees_clinical_content else set(CLINICAL_FIELDS)
    entries: list[TimelineEntry] = []
    # zip(strict=True) below needs at least one row: records loaded in bulk
    # (or before history was kept) have none.
    if not records:
        return entries
    for newer, older in zip(records, [*records[1:], None], strict=True):
        user = newer.history_user
        # A name, else the username; changes made by a task or a data
        # migration have no user.
        who = (user.get_full_name() or user.get_username()) if user else "an automatic task"
        if newer.history_type == "+":
            entries.append(TimelineEntry(newer.history_date, f"Record created by {who}"))
        elif older is not None:
            labels = [
                str(patient._meta.get_field(change.field).verbose_name)
                for change in newer.diff_against(older).changes
                if change.field not in hidden and not change.field.endswith(("_by", "_at"))
            ]
            if labels:
                entries.append(
                    TimelineEntry(newer.history_date, f"Record changed by {who}", ", ".join(labels))
                )
    return entries

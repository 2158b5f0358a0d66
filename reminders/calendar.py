"""The patient's private calendar (iCal) feed of exercise sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from programmes.models import PlanStatus, ProgrammeVersion
from reminders.models import CalendarFeed
from reminders.services import reminder_preference_for

FEED_DAYS_BACK, FEED_DAYS_AHEAD = 7, 56


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, patient) -> str:
    """A new private feed token (the old link stops working). Only its hash is stored."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(patient=patient).delete()
    CalendarFeed.objects.create(patient=patient, token_hash=_token_hash(token))
    return token


def calendar_feed_revoke(*, patient) -> None:
    CalendarFeed.objects.filter(patient=patient).delete()


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("patient").filter(token_hash=_token_hash(token)).first()
    )


def calendar_feed_ics(*, feed: CalendarFeed) -> bytes:
    """The feed: one "Exercise session" event per prescribed session, at the
    patient's reminder times (local, with the time zone) or all day. No
    clinical detail: no exercise names, no condition, no clinic notes."""
    patient = feed.patient
    zone = ZoneInfo(patient.time_zone)
    today = patient.local_today()
    start, end = today - timedelta(days=FEED_DAYS_BACK), today + timedelta(days=FEED_DAYS_AHEAD)
    versions = list(
        ProgrammeVersion.objects.filter(plan__patient=patient, plan__status=PlanStatus.ACTIVE)
        .published()
        .filter(valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .prefetch_related("prescriptions")
    )
    preference = reminder_preference_for(patient)
    times = sorted(preference.local_times or [])
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic patient portal//Exercise sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Exercise sessions")
    stamp = timezone.now()
    day = start
    while day <= end:
        sessions = sum(v.sessions_on(day) for v in versions)
        for number in range(1, sessions + 1):
            event = Event()
            event.add("uid", f"{day.isoformat()}-{number}-{feed.pk}@clinic-portal")
            event.add("summary", "Exercise session")
            event.add("dtstamp", stamp)
            if number <= len(times):
                hour, minute = (int(x) for x in times[number - 1].split(":"))
                begins = datetime.combine(day, time(hour, minute), tzinfo=zone)
                event.add("dtstart", begins)
                event.add("dtend", begins + timedelta(minutes=30))
            else:
                event.add("dtstart", day)
                event.add("dtend", day + timedelta(days=1))
            calendar.add_component(event)
        day += timedelta(days=1)
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=stamp)
    return calendar.to_ical()

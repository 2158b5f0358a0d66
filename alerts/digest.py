"""The daily alert digest: one email to each clinician with open alerts about
patients assigned to them, and the patients who need attention (issue 22):
record numbers and urgency only, never names or content."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertUrgency, AttentionSignal, DigestDelivery
from clinic.mail import send_templated_mail
from clinic.models import StaffMember


def _claim(member: StaffMember, day) -> DigestDelivery | None:
    """The day's delivery row for this clinician, or None when one exists: the
    task is acks-late, so a redelivered digest finds the row and mails nothing."""
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(staff_member=member, sent_on=day)
    except IntegrityError:
        return None


def alerts_send_digests() -> int:
    """Send today's digests; the number sent."""
    today = timezone.localdate()
    labels = dict(AlertUrgency.choices)
    alerts_url = settings.SITE_BASE_URL + reverse("alerts:list")
    sent = 0
    for member in StaffMember.objects.clinicians().select_related("user"):
        if not member.user.email:
            continue
        # The alert's own clinic column (not the patient's) scopes the rows.
        rows = list(
            Alert.objects.needs_action()
            .filter(clinic_id__in=member.clinic_ids, patient__assigned_clinician=member)
            .order_by("urgency", "patient__record_number")
            .values_list("patient__record_number", "urgency")
        )
        attention = list(
            AttentionSignal.objects.filter(
                clinic_id__in=member.clinic_ids, patient__assigned_clinician=member
            )
            .order_by("patient__record_number")
            .values_list("patient__record_number", flat=True)
            .distinct()
        )
        if not rows and not attention:
            continue
        delivery = _claim(member, today)
        if delivery is None:
            continue
        try:
            send_templated_mail(
                template="alerts/email/digest",
                to=member.user.email,
                context={
                    "first_name": member.user.first_name,
                    "rows": [{"record_number": r, "urgency": labels[u]} for r, u in rows],
                    "attention": attention,
                    "alerts_url": alerts_url,
                },
            )
        except Exception:
            # Not handed over: free the day's row so that a retry can send it.
            delivery.delete()
            raise
        sent += 1
    return sent

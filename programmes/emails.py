"""Programme emails (issue 15): when a plan is activated and when a new version
starts, the patient (portal consent and an email address) gets one email that
names what changed against the last version they were sent (added, removed,
dose changed), with a link to the portal, and the handout PDF attached unless
the clinic chose link-only (then no exercise names and no attachment).

At most once per version: a ``ProgrammeEmail`` row is claimed (created, unique
per version) before sending. A burst of edits makes several versions in
minutes: the beat tick sends only for the latest version of a plan once it has
settled for ``SETTLE_MINUTES``; the superseded ones are never emailed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clinic.audit import audit_record
from clinic.mail import build_templated_mail
from clinic.models import AuditAction
from patients.language import in_patient_language
from programmes.api import attach_media, ces_safety_netting_for, group_by_phase
from programmes.models import (
    PlanStatus,
    Prescription,
    ProgrammeEmail,
    ProgrammeEmailState,
    ProgrammeVersion,
)

SETTLE_MINUTES = 2
logger = logging.getLogger(__name__)


def due_versions() -> list[ProgrammeVersion]:
    """Published latest versions of active plans, settled, not yet emailed."""
    cutoff = timezone.now() - timedelta(minutes=SETTLE_MINUTES)
    candidates = (
        ProgrammeVersion.objects.filter(
            plan__status=PlanStatus.ACTIVE,
            valid_from__isnull=False,
            valid_until__isnull=True,
            created_at__lte=cutoff,
            programme_email__isnull=True,
        )
        .select_related("plan__patient__clinic")
        .order_by("created_at")[:200]
    )
    return list(candidates)


def _dose_map(version: ProgrammeVersion) -> dict[Any, tuple[str, str]]:
    return {
        p.lineage: (p.exercise.patient_text.name, p.dose)
        for p in version.prescriptions.select_related("exercise")
    }


def changes(version: ProgrammeVersion) -> dict[str, list[str]]:
    """Added, removed and dose-changed exercises against the last version this
    patient was sent (everything is "added" for the first email)."""
    last = (
        ProgrammeEmail.objects.filter(version__plan=version.plan, state=ProgrammeEmailState.SENT)
        .exclude(version=version)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    now = _dose_map(version)
    before = _dose_map(last.version) if last else {}
    return {
        "added": [name for key, (name, _d) in now.items() if key not in before],
        "removed": [name for key, (name, _d) in before.items() if key not in now],
        "changed": [
            f"{name}: {dose}"
            for key, (name, dose) in now.items()
            if key in before and before[key][1] != dose
        ],
    }


def handout_context(version: ProgrammeVersion) -> dict[str, Any]:
    plan = version.plan
    prescriptions = list(
        Prescription.objects.filter(version=version)
        .select_related("exercise")
        .order_by("phase", "order", "id")
    )
    attach_media(prescriptions, plan.patient.clinic_id)
    return {
        "plan": plan,
        "patient": plan.patient,
        "clinic": plan.patient.clinic,
        "version": version,
        "phases": group_by_phase(prescriptions),
        "ces_safety_netting": ces_safety_netting_for(plan.patient, plan),
    }


def send_for_version(version_id: Any) -> str:
    """Claim and send the email of one version; returns the state."""
    version = (
        ProgrammeVersion.objects.select_related("plan__patient__clinic")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        return "gone"
    patient = version.plan.patient
    clinic = patient.clinic
    with_pdf = bool(clinic.programme_email_attach_pdf)
    allowed = bool(patient.consent_portal and patient.email)
    try:
        with transaction.atomic():
            claim = ProgrammeEmail.objects.create(
                version=version,
                state=ProgrammeEmailState.SENDING if allowed else ProgrammeEmailState.SKIPPED,
                with_pdf=with_pdf and allowed,
            )
    except IntegrityError:
        return "already"
    if not allowed:
        return ProgrammeEmailState.SKIPPED
    context = {
        "patient": patient,
        "clinic": clinic,
        "first": version.number == 1
        or not ProgrammeEmail.objects.filter(
            version__plan=version.plan, state=ProgrammeEmailState.SENT
        ).exists(),
        "portal_url": settings.SITE_BASE_URL + reverse("portal:programme"),
    }
    # The email, the exercise names and doses in it and the handout PDF are in
    # the patient's language (issue 18).
    with in_patient_language(patient):
        context["changes"] = changes(version) if with_pdf else None
        message = build_templated_mail(
            template="programmes/email/programme", to=patient.email, context=context
        )
        if with_pdf:
            from programmes.pdf import handout_pdf

            message.attach(
                "exercise-programme.pdf", handout_pdf(handout_context(version)), "application/pdf"
            )
    try:
        message.send()
    except Exception as error:
        ProgrammeEmail.objects.filter(pk=claim.pk).update(state=ProgrammeEmailState.FAILED)
        logger.warning("programme email %s failed: %s", claim.pk, type(error).__name__)
        return ProgrammeEmailState.FAILED
    ProgrammeEmail.objects.filter(pk=claim.pk).update(
        state=ProgrammeEmailState.SENT, sent_at=timezone.now()
    )
    audit_record(action=AuditAction.PROGRAMME_EMAIL_SENT, obj=claim, patient=patient)
    return ProgrammeEmailState.SENT


def tick() -> int:
    """The beat tick: send the settled versions' emails (ids only to tasks)."""
    sent = 0
    for version in due_versions():
        if send_for_version(version.pk) == ProgrammeEmailState.SENT:
            sent += 1
    return sent

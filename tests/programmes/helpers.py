"""Builders for programme tests (plans go through the services, as in the UI)."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

from exercises.models import Exercise
from programmes import services
from programmes.library import library_sync
from programmes.models import ProgrammeTemplate
from tracking.models import SessionLog


def ensure_library() -> None:
    """The data migration loads the library; a transactional test elsewhere may
    have flushed it, so put it back when it is missing."""
    if not Exercise.objects.shipped().exists():
        library_sync()


def template(slug: str) -> ProgrammeTemplate:
    ensure_library()
    return ProgrammeTemplate.objects.get(clinic=None, slug=slug)


def exercise(slug: str) -> Exercise:
    ensure_library()
    return Exercise.objects.get(clinic=None, slug=slug)


def make_plan(patient, by, *, slug: str | None = "achilles-alfredson", start_on: date, **kw):
    return services.plan_create(
        patient=patient,
        by=by,
        start_on=start_on,
        template=template(slug) if slug else None,
        **kw,
    )


def pdf_text(tmp_path, data: bytes) -> str:
    """The text of a PDF (poppler's pdftotext)."""
    pdf = tmp_path / "text.pdf"
    pdf.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def log_sessions(plan, slug, count, *, first_day: date, pain=2, effort=3, outcome="done"):
    """``count`` daily logs of one exercise of the plan's current version from
    ``first_day``, written directly (no service: nothing else is refreshed)."""
    rx = plan.current_version().prescriptions.get(exercise__slug=slug)
    for n in range(count):
        SessionLog.objects.create(
            patient_id=plan.patient_id,
            version=rx.version,
            prescription=rx,
            performed_on=first_day + timedelta(days=n),
            outcome=outcome,
            skip_reason="pain" if outcome == "skipped" else "",
            pain_during=None if outcome == "skipped" else pain,
            difficulty=None if outcome == "skipped" else effort,
        )
    return rx

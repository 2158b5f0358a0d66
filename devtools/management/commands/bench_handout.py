"""Time the PDF handout of an eight-exercise programme with a 1600 x 1200
picture per exercise (issue 15). Everything it creates is rolled back; the
pictures go to a temporary private storage."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings


class RollbackError(Exception):
    pass


class Command(BaseCommand):
    help = "Median time to make the PDF handout of an eight-exercise programme with pictures."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs: int, **options):
        from django.conf import settings

        with tempfile.TemporaryDirectory() as folder:
            media = {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": folder, "base_url": None},
            }
            with override_settings(STORAGES={**settings.STORAGES, "media": media}):
                try:
                    with transaction.atomic():
                        times = self._measure(runs)
                        raise RollbackError
                except RollbackError:
                    pass
        self.stdout.write(
            f"PDF handout, 8 exercises with a 1600x1200 picture each: median "
            f"{statistics.median(times):.2f} s over {runs} runs (min {min(times):.2f} s)"
        )

    def _measure(self, runs: int) -> list[float]:
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        from clinic.models import Clinic
        from exercises import services as media_services
        from exercises.models import Exercise
        from patients.models import Patient
        from programmes import emails, services
        from programmes.library import library_sync

        if not Exercise.objects.shipped().exists():
            library_sync()
        clinic = Clinic.objects.create(name="Bench handout clinic")
        patient = Patient.objects.create(
            clinic=clinic,
            first_name="Bench",
            last_name="Handout",
            record_number="B000001",
            date_of_birth=date(1970, 1, 1),
        )
        from django.contrib.auth.models import User

        by = User.objects.create(username="bench-handout")
        plan = services.plan_create(patient=patient, by=by, start_on=patient.local_today())
        out = io.BytesIO()
        Image.effect_mandelbrot((1600, 1200), (-2, -1.2, 1, 1.2), 60).convert("RGB").save(
            out, "JPEG"
        )
        for exercise in Exercise.objects.shipped().order_by("name")[:8]:
            services.prescription_add(
                plan=plan,
                exercise=exercise,
                by=by,
                dose={"sets": 3, "reps": 10, "phase": 1, "start_on": patient.local_today()},
            )
            item = media_services.media_add(
                exercise=exercise,
                clinic=clinic,
                upload=SimpleUploadedFile("p.jpg", out.getvalue()),
                alt_text=exercise.name,
            )
            media_services.renditions_make(item.pk)
        version = plan.versions.get()
        from programmes.pdf import handout_pdf

        times = []
        for _ in range(runs):
            started = time.perf_counter()
            handout_pdf(emails.handout_context(version))
            times.append(time.perf_counter() - started)
        return times

"""Benchmark: plan and send reminders for N patients through a real Celery
worker, Redis and an SMTP sink, and report throughput as a ratio against a
no-op Celery task measured in the same run (DESIGN.md performance budgets).

Not a test: run it against a scratch database, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench \\
    DJANGO_SECRET_KEY=... REDIS_URL=redis://127.0.0.1:6379/12 \\
    python manage.py migrate && python manage.py bench_reminders --patients 10000

It creates a "Benchmark clinic" with N synthetic patients (bulk inserts, no
history), each with an active one-exercise programme and a reminder due a
minute ago, then measures: planning, dispatching, and delivery (all rows
sent, each message received by the sink), and N no-op tasks on the same
worker. The benchmark clinic is deleted first, so runs are repeatable.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from kombu import Connection

from clinic.models import Clinic
from patients.models import Patient
from programmes import reminders
from programmes.models import (
    Exercise,
    PlanStatus,
    Prescription,
    ProgrammeVersion,
    ReminderOccurrence,
    ReminderPreference,
    TreatmentPlan,
)

BENCH_CLINIC = "Benchmark clinic"
QUEUE = "bench-reminders"


class _Sink:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        with self.lock:
            self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Benchmark reminder planning and delivery against a no-op Celery task."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=1000)
        parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--timeout", type=int, default=3600)

    def handle(self, *args, patients: int, concurrency: int, timeout: int, **options):
        from aiosmtpd.controller import Controller

        sink = _Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
        controller.start()
        broker = settings.REDIS_URL
        redis.Redis.from_url(broker).delete(QUEUE, "unacked", "unacked_index")
        worker = self._worker(broker, controller.port, concurrency)
        conn = Connection(broker)
        reminders.PUBLISH_OPTIONS = {"connection": conn, "queue": QUEUE}
        try:
            self.stdout.write(f"Creating {patients} patients ...")
            started = time.perf_counter()
            self._create(patients)
            self.stdout.write(f"  {time.perf_counter() - started:.1f} s")
            time.sleep(3)  # the worker's start-up is not part of either figure

            noop_s = self._noop(patients, conn, broker, timeout)

            started = time.perf_counter()
            offered = reminders.reminders_plan(now=timezone.now() - timedelta(minutes=5))
            plan_s = time.perf_counter() - started
            due = ReminderOccurrence.objects.filter(due_at__lte=timezone.now()).count()
            started = time.perf_counter()
            claimed = reminders.reminders_dispatch()
            dispatch_s = time.perf_counter() - started
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                sent = ReminderOccurrence.objects.filter(state="sent").count()
                if sent >= due:
                    break
                time.sleep(0.5)
            total_s = time.perf_counter() - started
            sent = ReminderOccurrence.objects.filter(state="sent").count()
        finally:
            reminders.PUBLISH_OPTIONS = {}
            worker.terminate()
            worker.wait(30)
            controller.stop()
            conn.release()
        noop_rate = patients / noop_s
        send_rate = sent / total_s
        lines = [
            f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, worker prefork x{concurrency}",
            f"patients: {patients}; occurrences offered {offered}, due {due}, claimed {claimed}",
            f"no-op tasks: {patients} in {noop_s:.1f} s = {noop_rate:.0f}/s",
            f"planning (48 h): {plan_s:.1f} s = {offered / plan_s:.0f} occurrences/s",
            f"dispatch (claim + enqueue): {dispatch_s:.1f} s = {claimed / dispatch_s:.0f}/s",
            f"delivery (dispatch to all sent): {sent} in {total_s:.1f} s = {send_rate:.0f}/s; "
            f"SMTP sink received {sink.count}",
            f"ratio reminders / no-op: {send_rate / noop_rate:.3f}",
        ]
        for line in lines:
            self.stdout.write(line)

    def _worker(self, broker: str, smtp_port: int, concurrency: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "REDIS_URL": broker,
            "REMINDER_QUEUE": QUEUE,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "LOG_LEVEL": "WARNING",
        }
        return subprocess.Popen(  # noqa: S603 (fixed argv: this interpreter running celery)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "clinic",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "-Q",
                QUEUE,
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _noop(self, n: int, conn, broker: str, timeout: int) -> float:
        from programmes.tasks import noop

        client = redis.Redis.from_url(broker)
        started = time.perf_counter()
        for _ in range(n):
            noop.apply_async(connection=conn, queue=QUEUE, ignore_result=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if client.llen(QUEUE) == 0 and client.hlen("unacked") == 0:
                break
            time.sleep(0.05)
        return time.perf_counter() - started

    def _create(self, n: int) -> None:
        self._wipe()
        clinic = Clinic.objects.create(name=BENCH_CLINIC, time_zone="Europe/London")
        exercise = Exercise.objects.filter(clinic=None).first()
        now = timezone.now()
        local = (now - timedelta(minutes=1)).astimezone(ZoneInfo("Europe/London"))
        today, slot = local.date(), local.strftime("%H:%M")
        batch = 2000
        for offset in range(0, n, batch):
            size = min(batch, n - offset)
            people = Patient.objects.bulk_create(
                [
                    Patient(
                        clinic=clinic,
                        record_number=f"B{offset + i:07d}",
                        first_name="Bench",
                        last_name=f"Patient{offset + i}",
                        date_of_birth="1980-01-01",
                        sex="not_stated",
                        email=f"bench{offset + i}@bench.example",
                        time_zone="Europe/London",
                        consent_reminders=True,
                        consent_reminders_at=now,
                    )
                    for i in range(size)
                ]
            )
            plans = TreatmentPlan.objects.bulk_create(
                [
                    TreatmentPlan(
                        patient=p,
                        title="Bench programme",
                        status=PlanStatus.ACTIVE,
                        start_on=today,
                        activated_at=now,
                    )
                    for p in people
                ]
            )
            versions = ProgrammeVersion.objects.bulk_create(
                [ProgrammeVersion(plan=plan, number=1, valid_from=today) for plan in plans]
            )
            Prescription.objects.bulk_create(
                [
                    Prescription(version=v, exercise=exercise, sets=3, reps=10, start_on=today)
                    for v in versions
                ]
            )
            ReminderPreference.objects.bulk_create(
                [ReminderPreference(patient=p, local_times=[slot]) for p in people]
            )

    def _wipe(self) -> None:
        patients = Patient.objects.filter(clinic__name=BENCH_CLINIC)
        ReminderOccurrence.objects.filter(patient__in=patients).delete()
        ReminderPreference.objects.filter(patient__in=patients).delete()
        Prescription.objects.filter(version__plan__patient__in=patients).delete()
        ProgrammeVersion.objects.filter(plan__patient__in=patients).delete()
        TreatmentPlan.objects.filter(patient__in=patients).delete()
        patients.delete()
        Clinic.objects.filter(name=BENCH_CLINIC).delete()

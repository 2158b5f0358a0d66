"""Benchmark: reminder planning and delivery through a real Celery worker,
Redis and an SMTP sink, as a ratio against a no-op Celery task measured in the
same run (issue 8; DESIGN.md performance budgets). `make bench` runs it on the
generated 100,000-patient database; it also runs on its own, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench \\
    DJANGO_SECRET_KEY=... REDIS_URL=redis://127.0.0.1:6379/12 \\
    python manage.py bench_reminders --batch 2000 --plan-existing

Not a test, and it changes the database: use a scratch one.

- ``--plan-existing``: the planner's 48-hour pass over every patient in the
  database (future ``planned`` rows are deleted first, so it makes them anew).
- The delivery batch: a "Benchmark clinic" with ``--batch`` synthetic patients
  (deleted first, so runs repeat), each with an active one-exercise programme
  and a reminder due a minute ago. Other rows already due are set aside
  (``skipped``) so that exactly the batch goes out. Measured: ``--batch``
  no-op tasks through the same worker and queue, then dispatch and delivery
  until every batch row is ``sent`` and the sink has received each message.
- Peak resident memory (VmHWM) of the worker's processes.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
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

from clinic.celery import worker_command
from clinic.models import Clinic
from clinic.tasks import noop
from exercises.models import Exercise
from patients.models import Patient
from programmes.models import PlanStatus, Prescription, ProgrammeVersion, TreatmentPlan
from reminders import delivery, planner
from reminders.models import OccurrenceState, ReminderOccurrence, ReminderPreference

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


def _peak_rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


class Command(BaseCommand):
    help = "Benchmark reminder planning and delivery against a no-op Celery task."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="Reminders delivered.")
        parser.add_argument(
            "--plan-existing",
            action="store_true",
            help="Also time the planner over every patient already in the database.",
        )
        parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--timeout", type=int, default=3600)
        parser.add_argument(
            "--json", dest="json_path", default="", help="Also write the figures to this file."
        )

    def handle(self, *args, batch, plan_existing, concurrency, timeout, json_path, **options):
        from aiosmtpd.controller import Controller

        sink = _Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
        controller.start()
        broker = settings.REDIS_URL
        redis.Redis.from_url(broker).delete(QUEUE, "unacked", "unacked_index")
        worker = self._worker(broker, controller.port, concurrency)
        conn = Connection(broker)
        delivery.PUBLISH_OPTIONS = {"connection": conn, "queue": QUEUE}
        figures: dict = {"batch": batch, "concurrency": concurrency}
        try:
            self._wipe()  # an earlier run's batch is not part of the planning figure
            if plan_existing:
                figures |= self._plan_existing()
            self._create(batch)
            time.sleep(3)  # the worker's start-up is not part of either figure
            figures["noop_s"] = self._noop(batch, conn, broker, timeout)
            figures |= self._deliver(timeout)
            figures["sink_received"] = sink.count
            pids = [worker.pid, *_children(worker.pid)]
            figures["worker_rss_mb"] = [round(_peak_rss_mb(pid), 1) for pid in pids]
        finally:
            delivery.PUBLISH_OPTIONS = {}
            worker.terminate()
            worker.wait(30)
            controller.stop()
            conn.release()
        figures["noop_per_s"] = batch / figures["noop_s"]
        figures["sent_per_s"] = figures["sent"] / figures["delivery_s"]
        figures["ratio"] = figures["sent_per_s"] / figures["noop_per_s"]
        for line in self._report(figures):
            self.stdout.write(line)
        if json_path:
            Path(json_path).write_text(json.dumps(figures, indent=2) + "\n")

    def _report(self, f: dict) -> list[str]:
        lines = [
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, worker prefork x{f['concurrency']}",
        ]
        if "plan_s" in f:
            lines.append(
                f"planning (48 h) for {f['plan_patients']:,} patients with reminders: "
                f"{f['plan_created']:,} occurrences in {f['plan_s']:.1f} s "
                f"= {f['plan_created'] / f['plan_s']:,.0f}/s"
            )
        lines += [
            f"no-op tasks: {f['batch']:,} in {f['noop_s']:.1f} s = {f['noop_per_s']:.0f}/s",
            f"dispatch (claim + enqueue): {f['claimed']:,} in {f['dispatch_s']:.1f} s",
            f"delivery (dispatch to all sent): {f['sent']:,} in {f['delivery_s']:.1f} s "
            f"= {f['sent_per_s']:.0f}/s; SMTP sink received {f['sink_received']:,}",
            f"ratio reminders / no-op: {f['ratio']:.2f}",
            "worker peak RSS (main, pool processes): "
            + ", ".join(f"{r:.0f}" for r in f["worker_rss_mb"])
            + " MB",
        ]
        return lines

    def _plan_existing(self) -> dict:
        now = timezone.now()
        ReminderOccurrence.objects.filter(state=OccurrenceState.PLANNED, due_at__gte=now).delete()
        patients = ReminderPreference.objects.filter(enabled=True).count()
        self.stdout.write(f"Planning 48 hours for {patients:,} patients with reminders ...")
        started = time.perf_counter()
        planner.reminders_plan(now=now)
        seconds = time.perf_counter() - started
        created = ReminderOccurrence.objects.filter(
            state=OccurrenceState.PLANNED, due_at__gte=now
        ).count()
        return {"plan_patients": patients, "plan_created": created, "plan_s": seconds}

    def _deliver(self, timeout: int) -> dict:
        mine = ReminderOccurrence.objects.filter(patient__clinic__name=BENCH_CLINIC)
        planner.reminders_plan(
            now=timezone.now() - timedelta(minutes=5),
            patient_ids=Patient.objects.filter(clinic__name=BENCH_CLINIC).values_list(
                "pk", flat=True
            ),
        )
        # Only the batch goes out: rows of other patients already due are set aside.
        ReminderOccurrence.objects.due(timezone.now() + timedelta(minutes=10)).exclude(
            patient__clinic__name=BENCH_CLINIC
        ).update(state=OccurrenceState.SKIPPED, last_error="set aside by the benchmark")
        due = mine.filter(due_at__lte=timezone.now()).count()
        started = time.perf_counter()
        claimed = delivery.reminders_dispatch()
        dispatch_s = time.perf_counter() - started
        deadline = time.monotonic() + timeout
        sent = 0
        while time.monotonic() < deadline:
            sent = mine.filter(state=OccurrenceState.SENT).count()
            if sent >= due:
                break
            time.sleep(0.2)
        return {
            "due": due,
            "claimed": claimed,
            "dispatch_s": dispatch_s,
            "sent": sent,
            "delivery_s": time.perf_counter() - started,
        }

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
            worker_command(pool="prefork", queue=QUEUE, concurrency=concurrency),
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _noop(self, n: int, conn, broker: str, timeout: int) -> float:
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

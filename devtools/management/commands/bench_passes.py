"""`manage.py bench_passes`: the chunked passes (clinic/passes.py) on the data
in the database, each with one and then with two Celery worker processes (solo
pool each) on a queue of its own, timed from the start of the run to its
completion record; then open alerts per clinician after the alert pass.

Meant for the benchmark database (bench/run.py calls it); it writes what the
passes write (snapshots, alerts, signals, reminder occurrences), as the nightly
passes would. Every run is idempotent, so the second run does the same work.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from alerts.models import Alert, AttentionSignal
from clinic.celery import app, worker_command
from clinic.models import PassRun, RunStatus, StaffMember
from clinic.passes import pass_spec, pass_start, passes_sweep, registered_passes, run_summary
from devtools.loaddata.activity import reminders_for_every_active_patient
from devtools.loaddata.base import LoadContext
from reminders.models import OccurrenceState, ReminderOccurrence, ReminderPreference
from reminders.passes import REMINDER_PLANNING
from tracking.passes import ALERTS_EVALUATE

ROOT = Path(__file__).resolve().parents[3]


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (Linux VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Command(BaseCommand):
    help = "Time each chunked pass with one and with two worker processes."

    def add_arguments(self, parser):
        parser.add_argument("--json", help="Write the figures to this file.")
        parser.add_argument("--passes", help="Comma-separated pass names (default: all).")
        parser.add_argument("--workers", default="1,2", help="Worker counts to try (1,2).")
        parser.add_argument("--timeout", type=int, default=1800, help="Seconds per run.")
        parser.add_argument(
            "--week",
            action="store_true",
            help="Then the alert rules for each of the last seven nights (nobody triaging) "
            "and the open alerts per clinician after them (issue 22).",
        )
        parser.add_argument(
            "--reminders-for-all",
            action="store_true",
            help="First give every active patient reminders (consent and a preference), so "
            "the planning pass plans for all of them (issue 20's planning target).",
        )

    def handle(self, *args, **options):
        names = (
            options["passes"].split(",")
            if options["passes"]
            else [spec.name for spec in registered_passes()]
        )
        counts = [int(n) for n in options["workers"].split(",")]
        figures: dict = {"passes": {}}
        if options["reminders_for_all"]:
            with transaction.atomic(), connection.cursor() as cursor:
                added = reminders_for_every_active_patient(LoadContext(1, cursor=cursor))
            figures["reminder_preferences_added"] = added
            figures["patients_with_reminders"] = ReminderPreference.objects.filter(
                enabled=True
            ).count()
            self.stdout.write(f"Reminders for every active patient: {added:,} preferences added")
        for name in names:
            entry: dict = {"workers": {}}
            for count in counts:
                self._reset(name)
                result = self._timed(name, count, options["timeout"])
                entry["workers"][str(count)] = result
                entry["patients"], entry["chunks"] = result["patients"], result["chunks"]
                self.stdout.write(
                    f"{name}: {result['patients']:,} patients in {result['chunks']} chunks, "
                    f"{count} worker(s): {result['seconds']:.1f} s "
                    f"({result['patients_per_s']:,.0f} patients/s, "
                    f"peak worker RSS {result['peak_rss_mb']:.0f} MB)"
                    + ("" if result["complete"] else " (NOT complete)")
                )
            entry["one_chunk"] = self._one_chunk(name)
            self.stdout.write(
                f"{name}: one chunk of {entry['one_chunk']['patients']} patients in process: "
                f"{entry['one_chunk']['queries']} queries, {entry['one_chunk']['seconds']:.2f} s"
            )
            figures["passes"][name] = entry
        figures["alerts"] = self._open_alerts("after the passes")
        if options["week"]:
            nights = []
            for back in range(6, -1, -1):
                result = self._timed(
                    ALERTS_EVALUATE,
                    max(counts),
                    options["timeout"],
                    now=timezone.now() - timedelta(days=back),
                )
                nights.append(result["seconds"])
            figures["alerts_after_week"] = {
                **self._open_alerts("after a week of nightly alert passes"),
                "night_seconds": nights,
            }
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(figures, indent=2))

    def _reset(self, name: str) -> None:
        """Undo what an earlier run of the pass made that would make the next run
        do less: the planning pass finds its future rows planned otherwise, and its
        one- and two-worker figures would not compare."""
        if name == REMINDER_PLANNING:
            ReminderOccurrence.objects.filter(
                state=OccurrenceState.PLANNED, due_at__gte=timezone.now()
            ).delete()

    def _open_alerts(self, when: str) -> dict:
        clinicians = StaffMember.objects.clinicians().count()
        open_alerts = Alert.objects.needs_action().count()
        figures = {
            "open_alerts": open_alerts,
            "clinicians": clinicians,
            "per_clinician": open_alerts / clinicians if clinicians else 0.0,
            "attention_signals": AttentionSignal.objects.count(),
            "by_kind": dict(
                Alert.objects.needs_action()
                .order_by()
                .values_list("kind")
                .annotate(n=Count("id"))
                .values_list("kind", "n")
            ),
        }
        self.stdout.write(
            f"{when}: open alerts {open_alerts:,} for {clinicians:,} clinicians "
            f"({figures['per_clinician']:.1f} each; {figures['by_kind']}), "
            f"{figures['attention_signals']:,} needs-attention signals"
        )
        return figures

    def _one_chunk(self, name: str) -> dict:
        """Queries and time of one full chunk's fast path, in this process."""
        spec = pass_spec(name)
        size = settings.PASS_CHUNK_SIZE or spec.chunk_size
        patients = list(spec.eligible().order_by("pk")[:size])
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            if spec.run_bulk is not None:
                spec.run_bulk(patients, timezone.now())
            else:
                for patient in patients:
                    spec.run_patient(patient, timezone.now())
        return {
            "patients": len(patients),
            "queries": len(queries),
            "seconds": time.monotonic() - started,
        }

    def _timed(self, name: str, count: int, timeout: int, now: datetime | None = None) -> dict:
        queue = f"bench-passes-{uuid.uuid4().hex[:8]}"
        env = {**os.environ, "PASS_QUEUE": queue}
        names = [f"bench{i}-{queue}@localhost" for i in range(count)]
        workers = [
            subprocess.Popen(  # noqa: S603 (our own worker command)
                [*worker_command(queue=queue), "-n", worker_name],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for worker_name in names
        ]
        previous_queue = settings.PASS_QUEUE
        settings.PASS_QUEUE = queue
        try:
            deadline = time.monotonic() + 120
            while len(app.control.ping(destination=names, timeout=1.0) or []) < count:
                if time.monotonic() > deadline:
                    raise SystemExit("the pass workers did not start")
            started = time.monotonic()
            run = pass_start(name, now=now)
            deadline = started + timeout
            swept = time.monotonic()
            while time.monotonic() < deadline:
                run.refresh_from_db()
                if run.status != RunStatus.RUNNING:
                    break
                time.sleep(0.5)
                if time.monotonic() - swept > 30:
                    # What beat does in production: queue lost chunks again
                    # (a message lost to a flushed Redis database, say).
                    swept = time.monotonic()
                    with override_settings(PASS_REQUEUE_AFTER_S=60):
                        passes_sweep()
            seconds = time.monotonic() - started
            summary = run_summary(run)
            return {
                "seconds": seconds,
                "patients_per_s": run.patient_count / seconds if seconds else 0.0,
                "peak_rss_mb": max(_peak_rss_mb(w.pid) for w in workers),
                "complete": run.status == RunStatus.COMPLETE,
                "patients": run.patient_count,
                "chunks": run.chunk_count,
                "failed": summary["failed"],
            }
        finally:
            settings.PASS_QUEUE = previous_queue
            PassRun.objects.filter(name=name, status=RunStatus.RUNNING).update(
                status=RunStatus.SUPERSEDED
            )
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()

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
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from alerts.models import Alert, AttentionSignal
from clinic.celery import app, worker_command
from clinic.models import PassRun, RunStatus, StaffMember
from clinic.passes import pass_start, registered_passes, run_summary

ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Time each chunked pass with one and with two worker processes."

    def add_arguments(self, parser):
        parser.add_argument("--json", help="Write the figures to this file.")
        parser.add_argument("--passes", help="Comma-separated pass names (default: all).")
        parser.add_argument("--workers", default="1,2", help="Worker counts to try (1,2).")
        parser.add_argument("--timeout", type=int, default=1800, help="Seconds per run.")

    def handle(self, *args, **options):
        names = (
            options["passes"].split(",")
            if options["passes"]
            else [spec.name for spec in registered_passes()]
        )
        counts = [int(n) for n in options["workers"].split(",")]
        figures: dict = {"passes": {}}
        for name in names:
            entry: dict = {"workers": {}}
            for count in counts:
                result = self._timed(name, count, options["timeout"])
                entry["workers"][str(count)] = result
                entry["patients"], entry["chunks"] = result["patients"], result["chunks"]
                self.stdout.write(
                    f"{name}: {result['patients']:,} patients in {result['chunks']} chunks, "
                    f"{count} worker(s): {result['seconds']:.1f} s"
                    + ("" if result["complete"] else " (NOT complete)")
                )
            figures["passes"][name] = entry
        clinicians = StaffMember.objects.clinicians().count()
        open_alerts = Alert.objects.needs_action().count()
        figures["alerts"] = {
            "open_alerts": open_alerts,
            "clinicians": clinicians,
            "per_clinician": open_alerts / clinicians if clinicians else 0.0,
            "attention_signals": AttentionSignal.objects.count(),
        }
        self.stdout.write(
            f"open alerts {open_alerts:,} for {clinicians:,} clinicians "
            f"({figures['alerts']['per_clinician']:.1f} each)"
        )
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(figures, indent=2))

    def _timed(self, name: str, count: int, timeout: int) -> dict:
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
            run = pass_start(name)
            deadline = started + timeout
            while time.monotonic() < deadline:
                run.refresh_from_db()
                if run.status != RunStatus.RUNNING:
                    break
                time.sleep(0.5)
            seconds = time.monotonic() - started
            summary = run_summary(run)
            return {
                "seconds": seconds,
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

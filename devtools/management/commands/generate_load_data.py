"""Fill an empty PostgreSQL database with a clinic chain's worth of synthetic
data for the benchmark (issue 8). Deterministic: the same --seed gives the same
records. See devtools/loaddata for the proportions and how to add a table."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from devtools.loaddata.base import LoadContext
from devtools.loaddata.generate import generate
from patients.models import Patient


class Command(BaseCommand):
    help = "Generate synthetic clinics, staff, patients, plans, logs and audit events."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, required=True, help="Active patients.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--clinics", type=int, default=0, help="Default: one per 500 active patients."
        )
        parser.add_argument(
            "--records-per-active",
            type=float,
            default=5.0,
            help="All patient records per active one (discharged and archived make up the rest).",
        )
        parser.add_argument(
            "--log-days", type=int, default=90, help="Days of session logs for active patients."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_load_data needs PostgreSQL.")
        if options["patients"] < 1 or options["records_per_active"] < 1:
            raise CommandError("--patients must be at least 1 and --records-per-active at least 1.")
        if Patient.objects.exists():
            raise CommandError("The database already has patients; use an empty database.")
        ctx = LoadContext(
            active_patients=options["patients"],
            seed=options["seed"],
            clinics=options["clinics"],
            records_per_active=options["records_per_active"],
            log_days=options["log_days"],
        )
        self.stdout.write(
            f"Generating {ctx.active_patients:,} active of {ctx.total_patients:,} patients "
            f"in {ctx.clinics} clinics (seed {ctx.seed})"
        )
        total_rows = total_seconds = 0.0

        def progress(report):
            nonlocal total_rows, total_seconds
            total_rows += report.rows
            total_seconds += report.seconds
            self.stdout.write(
                f"  {report.label:<24} {report.rows:>12,} rows {report.seconds:8.1f} s "
                f"{report.rows_per_second:>12,.0f} rows/s"
            )

        with transaction.atomic():
            generate(ctx, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {int(total_rows):,} rows in {total_seconds:.1f} s (+ ANALYZE)."
            )
        )

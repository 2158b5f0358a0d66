"""Write docs/clinical-rules.md from the code (``make clinical-rules``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from devtools import clinical_rules


class Command(BaseCommand):
    help = "Generate docs/clinical-rules.md from the rules in the code (--check: fail if stale)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Exit non-zero if the file is not current."
        )

    def handle(self, *args, check=False, **options):
        if check:
            current = clinical_rules.DOC_PATH.exists() and (
                clinical_rules.DOC_PATH.read_text(encoding="utf-8") == clinical_rules.render()
            )
            if not current:
                raise CommandError(
                    "docs/clinical-rules.md is out of date: run `make clinical-rules`."
                )
            self.stdout.write("docs/clinical-rules.md is current.")
            return
        changed = clinical_rules.write()
        self.stdout.write(
            "docs/clinical-rules.md " + ("written." if changed else "already current.")
        )

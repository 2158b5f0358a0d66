"""Bring the shipped exercise library and condition templates up to date
(idempotent; the ``fill_exercise_library`` migration loads them first)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from programmes.library import library_sync


class Command(BaseCommand):
    help = "Create or update the shipped exercise library and condition templates."

    @transaction.atomic
    def handle(self, *args, **options):
        changes = library_sync()
        self.stdout.write(
            f"Exercise library ready ({changes['exercises']} exercises and "
            f"{changes['templates']} templates created or updated)."
        )

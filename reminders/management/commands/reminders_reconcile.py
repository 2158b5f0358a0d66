"""Settle reminders whose delivery is ``unknown`` (issue 21; docs/operations.md).

    manage.py reminders_reconcile --list
    manage.py reminders_reconcile --delivered <id> [<id> ...]
    manage.py reminders_reconcile --failed <id> [<id> ...]

``--list`` prints each unknown occurrence's id, when it was handed over and the
Message-ID (email) or reference (SMS) to look up in the mail server's log or the
gateway's console; no names or contact details. ``--delivered`` marks the ids
``sent``; ``--failed`` marks them ``failed`` (the clinician gets the failed
alert). Both are audited and touch only rows that are still ``unknown``.
"""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from reminders.delivery import reminder_reconcile, reminders_unknown


class Command(BaseCommand):
    help = "List or settle reminder occurrences whose delivery is unknown."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--list", action="store_true", help="List the unknown occurrences.")
        group.add_argument("--delivered", nargs="+", metavar="ID", help="Mark these as sent.")
        group.add_argument("--failed", nargs="+", metavar="ID", help="Mark these as failed.")

    def handle(self, *args, list, delivered, failed, **options):
        if list:
            rows = reminders_unknown().values_list(
                "id", "channel", "due_at", "sending_at", "provider_message_id"
            )
            count = 0
            for pk, channel, due_at, sending_at, message_id in rows.iterator():
                count += 1
                self.stdout.write(
                    f"{pk}\t{channel}\tdue {due_at:%Y-%m-%d %H:%M}Z\t"
                    f"handed over {sending_at:%Y-%m-%d %H:%M:%S}Z\t{message_id or '-'}"
                    if sending_at
                    else f"{pk}\t{channel}\tdue {due_at:%Y-%m-%d %H:%M}Z\t-\t{message_id or '-'}"
                )
            self.stdout.write(f"{count} unknown")
            return
        ids = delivered or failed
        parsed = []
        for value in ids:
            try:
                parsed.append(uuid.UUID(value))
            except ValueError:
                raise CommandError(f"Not an occurrence id: {value!r}") from None
        changed = 0
        for pk in parsed:
            if reminder_reconcile(occurrence_id=pk, delivered=bool(delivered)):
                changed += 1
            else:
                self.stderr.write(f"{pk}: not unknown (or not found); left as it is")
        outcome = "sent" if delivered else "failed"
        self.stdout.write(f"{changed} marked {outcome}")

"""Grant a least-privileged PostgreSQL role what the running application
needs, and no more (docs/database-roles.md).

Run it as the migration role (the owner of the tables) after each
``migrate``. The application role then reads and writes rows, but owns
nothing: it cannot disable or drop the audit trigger, alter or drop tables,
and on the audit table it may only SELECT and INSERT (no UPDATE, DELETE or
TRUNCATE).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

AUDIT_TABLE = "clinic_auditevent"


def grant_statements(role: str, database: str) -> list[str]:
    q = connection.ops.quote_name
    r = q(role)
    return [
        f"GRANT CONNECT ON DATABASE {q(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        # The audit trail is append-only for the application.
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {q(AUDIT_TABLE)} FROM {r}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {r}",
        f"REVOKE CREATE ON SCHEMA public FROM {r}",
    ]


class Command(BaseCommand):
    help = "Grant ROLE the application's privileges (run as the migration role, after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role")
        parser.add_argument(
            "--print", action="store_true", dest="print_only", help="Print the SQL only."
        )

    def handle(self, *args, role, print_only, **options):
        if connection.vendor != "postgresql":
            raise CommandError("PostgreSQL only.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None and not print_only:
                raise CommandError(f"No role {role!r}: CREATE ROLE {role} LOGIN PASSWORD '...';")
            cursor.execute(
                "SELECT tableowner = %s FROM pg_tables WHERE tablename = %s", [role, AUDIT_TABLE]
            )
            row = cursor.fetchone()
            if row and row[0]:
                raise CommandError(
                    f"{role} owns the tables: use a separate migration role as the owner."
                )
        statements = grant_statements(role, connection.settings_dict["NAME"])
        if print_only:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Granted the application's privileges to {role}.")

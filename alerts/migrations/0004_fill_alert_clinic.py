"""Fill Alert.clinic from the patient's clinic (issue 22), in batches so a
large table is not locked in one long statement."""

from django.db import migrations

BATCH = 50000


def fill(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    table = Alert._meta.db_table
    patients = apps.get_model("patients", "Patient")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"""UPDATE {table} AS a SET clinic_id = p.clinic_id FROM {patients} AS p
                WHERE a.id IN (SELECT id FROM {table} WHERE clinic_id IS NULL LIMIT %s)
                AND p.id = a.patient_id""",  # nosec B608 (table names from the model)
                [BATCH],
            )
            if cursor.rowcount == 0:
                break


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("alerts", "0003_alert_clinic_snooze_attention_signals"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

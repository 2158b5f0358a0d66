from django.db import migrations


def fill(apps, schema_editor):
    from programmes.library import library_sync

    library_sync(apps)


class Migration(migrations.Migration):
    """Clinical round 2 (issue 14): re-sync the shipped exercises and templates (PAD walking
    steps, bone stress injury, CECS, knee OA, patellofemoral, plantar heel, the new
    insertional Achilles template). Plans copy their dosage, so no patient's programme
    changes. Idempotent; reversing leaves the rows."""

    dependencies = [("programmes", "0007_fill_library")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

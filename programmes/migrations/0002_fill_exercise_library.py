from django.db import migrations


def fill(apps, schema_editor):
    from programmes.library import library_sync

    library_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    # Reversing leaves the rows: the next forward run updates them in place.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

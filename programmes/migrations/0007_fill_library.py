from django.db import migrations


def fill(apps, schema_editor):
    from programmes.library import library_sync

    library_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0006_move_models_to_their_apps")]

    # Idempotent: on a database of the first release it changes nothing (or
    # brings the shipped content up to date). Reversing leaves the rows.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

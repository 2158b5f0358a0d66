from django.db import migrations

# The shipped library is filled by ``programmes.0007_fill_library`` since the
# exercise model moved to the ``exercises`` app (issue 12): the sync reads the
# current models, which this migration's historical state does not have. On a
# database of the first release this ran already; 0007 re-syncs idempotently.


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = []

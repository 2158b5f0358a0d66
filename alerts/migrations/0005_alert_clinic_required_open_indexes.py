import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0004_fill_alert_clinic"),
        ("clinic", "0010_clinic_attention_as_alerts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="alert",
            name="clinic",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="clinic.clinic"
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "acknowledged"])),
                fields=["clinic", "urgency", "-raised_at"],
                name="alert_open_by_clinic",
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["patient", "kind", "-raised_at"], name="alert_patient_kind"),
        ),
    ]

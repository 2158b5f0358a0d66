"""Exercise pictures and videos checked by content (issue 15).

The old ``Exercise.image`` upload (checked by extension only; SVG accepted) is
carried over: each stored file goes through the same content check as a new
upload and, when it passes, becomes the exercise's first picture (alt text: the
exercise's name); a file that fails the check (an SVG, a page renamed .jpg) is
not carried over. Then the field is removed.
"""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def carry_over_images(apps, schema_editor):
    from django.core.files.storage import default_storage

    from exercises import media

    Exercise = apps.get_model("exercises", "Exercise")
    ExerciseMedia = apps.get_model("exercises", "ExerciseMedia")
    for exercise in Exercise.objects.exclude(image="").exclude(image__isnull=True).iterator():
        try:
            with default_storage.open(exercise.image.name, "rb") as handle:
                checked = media.check_upload(handle, max_video_bytes=0)
        except (OSError, media.MediaRefusedError):
            continue
        folder = f"exercises/{exercise.clinic_id or 'shipped'}"
        ExerciseMedia.objects.create(
            exercise=exercise,
            clinic_id=exercise.clinic_id,
            kind="picture",
            position=1,
            alt_text=exercise.name[:300],
            file=media.store(checked.content, folder=folder, extension=checked.extension),
            content_type=checked.content_type,
            size=len(checked.content),
            width=checked.width,
            height=checked.height,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0008_clinic_media_settings'),
        ('exercises', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExerciseMedia',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('picture', 'Picture'), ('video', 'Video')], max_length=10)),
                ('position', models.PositiveSmallIntegerField(default=1)),
                ('caption', models.CharField(blank=True, default='', max_length=200)),
                ('alt_text', models.CharField(help_text='What the picture shows, for people who cannot see it.', max_length=300, verbose_name='alt text')),
                ('file', models.CharField(max_length=255)),
                ('content_type', models.CharField(max_length=40)),
                ('size', models.PositiveBigIntegerField(default=0)),
                ('width', models.PositiveIntegerField(blank=True, null=True)),
                ('height', models.PositiveIntegerField(blank=True, null=True)),
                ('thumbnail', models.CharField(blank=True, default='', max_length=255)),
                ('phone', models.CharField(blank=True, default='', max_length=255)),
                ('ready', models.BooleanField(default=False, help_text='The renditions are made (pictures); videos are ready at once.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('clinic', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='exercise_media', to='clinic.clinic')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('exercise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='media', to='exercises.exercise')),
            ],
            options={
                'verbose_name_plural': 'exercise media',
                'ordering': ['position', 'created_at'],
                'indexes': [models.Index(fields=['exercise', 'position'], name='exmedia_exercise_pos')],
            },
        ),
        migrations.RunPython(carry_over_images, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='exercise',
            name='image',
        ),
        migrations.RemoveField(
            model_name='historicalexercise',
            name='image',
        ),
    ]

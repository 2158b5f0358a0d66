"""exercises 0002: the old extension-checked ``Exercise.image`` uploads are
carried over as content-checked pictures; an SVG is not (issue 15)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.exercises.conftest import jpeg_bytes

BEFORE = [("exercises", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_old_images_become_checked_pictures_and_svgs_are_dropped(settings, tmp_path):
    from tests.exercises.conftest import stored_files

    settings.MEDIA_ROOT = tmp_path / "public"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "public")},
        },
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    (tmp_path / "public" / "exercises").mkdir(parents=True)
    (tmp_path / "public" / "exercises" / "good.jpg").write_bytes(jpeg_bytes(size=(64, 48)))
    (tmp_path / "public" / "exercises" / "bad.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    old = _migrate(BEFORE)
    Exercise = old.get_model("exercises", "Exercise")
    fields = {"body_region": "knee", "category": "strength", "patient_steps": "Up."}
    good = Exercise.objects.create(
        slug="mig-good", name="Good", image="exercises/good.jpg", **fields
    )
    Exercise.objects.create(slug="mig-bad", name="Bad", image="exercises/bad.svg", **fields)
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    from exercises.models import ExerciseMedia

    item = ExerciseMedia.objects.get()
    assert item.exercise_id == good.pk and item.alt_text == "Good"
    assert item.kind == "picture" and item.content_type == "image/jpeg" and not item.ready
    assert [p.name for p in stored_files(tmp_path / "private")] == [item.file.rsplit("/", 1)[1]]

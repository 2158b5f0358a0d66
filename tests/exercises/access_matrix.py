"""Access matrix entries for exercise pictures and videos (issue 15)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from exercises import services
from tests.exercises.conftest import jpeg_bytes
from tests.programmes.helpers import ensure_library
from tests.urlmatrix import CLINICAL, LOGIN_FIRST

# Adding or changing pictures: clinicians and clinic admins of the clinic.
MEDIA_EDIT = {**CLINICAL}
MEDIA_POST = {**CLINICAL, "clinician": 405, "clinic_admin": 405}
# Serving a file: every staff role of the clinic that added it (exercise
# pictures are not clinical content); another clinic's staff 404; the matrix's
# patient has no active programme with the exercise: 404 (their own file is
# served: tests/exercises/test_media.py); anonymous to the login page.
MEDIA_FILE = {
    **LOGIN_FIRST,
    "patient": 404,
    "reception": 200,
    "clinician": 200,
    "colleague": 404,
    "clinic_admin": 200,
}


STAFF = ("reception", "clinician", "colleague", "clinic_admin")


def _media(ctx):
    return [ctx["media_exercise"].pk, ctx["exercise_media"].pk]


def _clip(ctx):
    """A clip of the matrix's patient (made when first asked: the plan comes
    from the programmes matrix, which extends the context after this one)."""
    if "clip" not in ctx:
        from programmes.clips import clip_add
        from tests.exercises.conftest import mp4_bytes

        ctx["clip"] = clip_add(
            prescription=ctx["prescription"],
            upload=SimpleUploadedFile("c.mp4", mp4_bytes()),
            caption="",
            by=ctx["users"]["clinician"],
        )
    return ctx["clip"]


STAFF_MATRIX = {
    # Clips of the patient: clinical; the patient gets their own.
    "programmes:clip-add": (lambda ctx: [ctx["plan"].pk, ctx["prescription"].pk], CLINICAL),
    "programmes:clip-remove": (lambda ctx: [ctx["plan"].pk, _clip(ctx).pk], MEDIA_POST),
    "media:clip-file": (lambda ctx: [_clip(ctx).pk], {**CLINICAL, "patient": 200}),
    "exercises:media-add": (lambda ctx: [ctx["media_exercise"].pk], MEDIA_EDIT),
    "exercises:media-remove": (_media, MEDIA_POST),
    "exercises:media-move": (_media, MEDIA_POST),
    "media:exercise-file": (lambda ctx: [ctx["exercise_media"].pk, "original"], MEDIA_FILE),
    # The PDF handouts: like the HTML ones (the matrix's patient has no active plan).
    "programmes:plan-handout-pdf": (lambda ctx: [ctx["plan"].pk], CLINICAL),
    "portal:handout-pdf": (
        None,
        {"anonymous": 302, "patient": 404, **dict.fromkeys(STAFF, 403)},
    ),
}


def extend_ctx(ctx) -> None:
    from exercises.models import Exercise

    ensure_library()
    exercise = Exercise.objects.create(
        clinic=ctx["clinic"],
        slug="riverside-media-drill",
        name="Riverside media drill",
        body_region="knee",
        category="strength",
        default_reps=10,
        patient_steps="Stand up.",
    )
    ctx["media_exercise"] = exercise
    ctx["exercise_media"] = services.media_add(
        exercise=exercise,
        clinic=ctx["clinic"],
        upload=SimpleUploadedFile("a.jpg", jpeg_bytes(size=(40, 30))),
        alt_text="A picture",
    )

from django.urls import path

from programmes import media_views

app_name = "media"
urlpatterns = [
    path(
        "exercise/<uuid:media_id>/<slug:variant>/",
        media_views.ExerciseMediaFileView.as_view(),
        name="exercise-file",
    ),
    path("clip/<uuid:clip_id>/", media_views.ClipFileView.as_view(), name="clip-file"),
]

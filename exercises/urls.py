from django.urls import path

from exercises import views

app_name = "exercises"
urlpatterns = [
    path("", views.ExerciseListView.as_view(), name="list"),
    path("new/", views.ExerciseCreateView.as_view(), name="create"),
    path("<uuid:exercise_id>/", views.ExerciseDetailView.as_view(), name="detail"),
    path("<uuid:exercise_id>/media/add/", views.MediaAddView.as_view(), name="media-add"),
    path(
        "<uuid:exercise_id>/media/<uuid:media_id>/remove/",
        views.MediaRemoveView.as_view(),
        name="media-remove",
    ),
    path(
        "<uuid:exercise_id>/media/<uuid:media_id>/move/",
        views.MediaMoveView.as_view(),
        name="media-move",
    ),
]

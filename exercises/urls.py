from django.urls import path

from exercises import views

app_name = "exercises"
urlpatterns = [
    path("", views.ExerciseListView.as_view(), name="list"),
    path("new/", views.ExerciseCreateView.as_view(), name="create"),
    path("<uuid:exercise_id>/", views.ExerciseDetailView.as_view(), name="detail"),
]

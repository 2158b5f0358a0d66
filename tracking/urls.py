from django.urls import path

from tracking import views

app_name = "tracking"

urlpatterns = [
    path(
        "plans/<uuid:plan_id>/progression/<uuid:lineage>/accept/",
        views.ProgressionAcceptView.as_view(),
        name="progression-accept",
    ),
    path(
        "plans/<uuid:plan_id>/progression/<uuid:lineage>/dismiss/",
        views.ProgressionDismissView.as_view(),
        name="progression-dismiss",
    ),
]

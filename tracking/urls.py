from django.urls import path

from tracking import views

app_name = "tracking"

# Included at the site root (clinic.urls): the progression routes keep their
# /programmes/plans/... paths (issue 14), the caseload and the session log
# are /caseload/ and /patients/<id>/sessions/ (issue 13).
urlpatterns = [
    path(
        "programmes/plans/<uuid:plan_id>/progression/<uuid:lineage>/accept/",
        views.ProgressionAcceptView.as_view(),
        name="progression-accept",
    ),
    path(
        "programmes/plans/<uuid:plan_id>/progression/<uuid:lineage>/dismiss/",
        views.ProgressionDismissView.as_view(),
        name="progression-dismiss",
    ),
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path(
        "patients/<uuid:patient_id>/sessions/",
        views.SessionLogView.as_view(),
        name="session-log",
    ),
    path(
        "patients/<uuid:patient_id>/sessions/by-phone/",
        views.SessionByPhoneView.as_view(),
        name="session-by-phone",
    ),
]

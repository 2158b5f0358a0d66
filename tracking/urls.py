from django.urls import path

from tracking import views

app_name = "tracking"
urlpatterns = [
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

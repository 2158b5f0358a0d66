from django.urls import path

from patients import views

app_name = "patients"
urlpatterns = [
    path("", views.PatientListView.as_view(), name="list"),
    path("new/", views.PatientCreateView.as_view(), name="create"),
    path("<uuid:patient_id>/", views.PatientDetailView.as_view(), name="detail"),
    path("<uuid:patient_id>/edit/", views.PatientUpdateView.as_view(), name="edit"),
    path("<uuid:patient_id>/invite/", views.PatientInviteView.as_view(), name="invite"),
    path(
        "<uuid:patient_id>/subject-access/",
        views.SubjectAccessExportView.as_view(),
        name="subject-access",
    ),
    path(
        "<uuid:patient_id>/subject-access.json",
        views.SubjectAccessJSONView.as_view(),
        name="subject-access-json",
    ),
    path("<uuid:patient_id>/erasure/", views.ErasureRequestCreateView.as_view(), name="erasure"),
    path(
        "erasure/<uuid:request_id>/",
        views.ErasureRequestDetailView.as_view(),
        name="erasure-detail",
    ),
]

"""Staff pages: the FHIR export of a record, the referral import, API tokens."""

from django.urls import path

from fhir_r4 import views

app_name = "fhir"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/record.fhir.json",
        views.PatientExportView.as_view(),
        name="patient-export",
    ),
    path("import/", views.ReferralImportView.as_view(), name="import"),
    path("tokens/", views.ApiTokenListView.as_view(), name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.ApiTokenRevokeView.as_view(), name="token-revoke"),
]

"""/fhir/R4/: the read-only FHIR API (token-authenticated; see fhir_r4.api)."""

from django.urls import path, re_path

from fhir_r4 import api

app_name = "fhir-api"
urlpatterns = [
    path("metadata", api.MetadataView.as_view(), name="metadata"),
    path("Patient/<uuid:patient_id>", api.PatientReadView.as_view(), name="patient-read"),
    path(
        "Patient/<uuid:patient_id>/$everything",
        api.PatientEverythingView.as_view(),
        name="patient-everything",
    ),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)$", api.SearchView.as_view(), name="search"),
    # Anything else under /fhir/R4/ answers with an OperationOutcome, not an HTML 404.
    re_path(r"^(?P<rest>.*)$", api.NotFoundView.as_view(), name="not-found"),
]

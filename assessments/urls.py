from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("new/", views.AssessmentCreateView.as_view(), name="create"),
    path("<uuid:assessment_id>/", views.AssessmentDetailView.as_view(), name="detail"),
    path(
        "<uuid:assessment_id>/sections/<slug:section>/",
        views.SectionSaveView.as_view(),
        name="section",
    ),
    path(
        "<uuid:assessment_id>/measures/<slug:code>/",
        views.MeasureView.as_view(),
        name="measure",
    ),
    path(
        "<uuid:assessment_id>/red-flags/<uuid:event_id>/resolve/",
        views.ResolveRedFlagView.as_view(),
        name="resolve",
    ),
    path("<uuid:assessment_id>/sign/", views.SignView.as_view(), name="sign"),
    path("<uuid:assessment_id>/summary/", views.SummaryView.as_view(), name="summary"),
    path("<uuid:assessment_id>/print/", views.PrintView.as_view(), name="print"),
    path("<uuid:assessment_id>/pdf/", views.PdfView.as_view(), name="pdf"),
]

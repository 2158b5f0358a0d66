from django.urls import path

from messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("badge/", views.BadgeView.as_view(), name="badge"),
    path("patients/<uuid:patient_id>/", views.ThreadView.as_view(), name="thread"),
    path("patients/<uuid:patient_id>/assign/", views.AssignView.as_view(), name="assign"),
    path("patients/<uuid:patient_id>/handled/", views.HandledView.as_view(), name="handled"),
    path("patients/<uuid:patient_id>/file/", views.FileView.as_view(), name="file"),
    path("filed/<uuid:filed_id>/", views.FiledView.as_view(), name="filed"),
]

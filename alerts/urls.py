from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.AlertListView.as_view(), name="list"),
    path("<uuid:alert_id>/acknowledge/", views.AlertAcknowledgeView.as_view(), name="acknowledge"),
    path("<uuid:alert_id>/resolve/", views.AlertResolveView.as_view(), name="resolve"),
    path("<uuid:alert_id>/snooze/", views.AlertSnoozeView.as_view(), name="snooze"),
]

"""Public reminder links (no login): /r/unsubscribe/<token>/."""

from django.urls import path

from programmes import reminder_views

app_name = "reminders"
urlpatterns = [
    path(
        "unsubscribe/<str:token>/",
        reminder_views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
]

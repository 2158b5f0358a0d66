"""Reminder pages: the staff preferences page and the public one-click
unsubscribe link (/r/unsubscribe/<token>/, no login)."""

from django.urls import path

from reminders import views

app_name = "reminders"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/reminders/",
        views.ReminderPreferenceView.as_view(),
        name="preferences",
    ),
    path("r/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]

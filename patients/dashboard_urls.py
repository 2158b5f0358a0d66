"""The staff site's home page (the dashboard), outside the patients namespace."""

from django.urls import path

from patients.dashboard import DashboardView

urlpatterns = [path("", DashboardView.as_view(), name="dashboard")]

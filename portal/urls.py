from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.TodayView.as_view(), name="today"),
    path("today/<uuid:prescription_id>/log/", views.LogExerciseView.as_view(), name="log"),
    path("programme/", views.ProgrammeView.as_view(), name="programme"),
    path("programme/handout/", views.HandoutView.as_view(), name="handout"),
    path("programme/handout.pdf", views.HandoutPdfView.as_view(), name="handout-pdf"),
    path("check-in/", views.CheckInView.as_view(), name="check-in"),
    path("questionnaires/", views.QuestionnaireListView.as_view(), name="questionnaires"),
    path("questionnaires/<slug:code>/", views.QuestionnaireView.as_view(), name="questionnaire"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("reminders/", views.RemindersView.as_view(), name="reminders"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
    path("my-data/", views.MyDataView.as_view(), name="my-data"),
    path("my-data/download/", views.MyDataDownloadView.as_view(), name="my-data-download"),
    path("my-data/record.fhir.json", views.MyDataFhirView.as_view(), name="my-data-fhir"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("portal:login")),
        name="logout",
    ),
    path("invite/<str:token>/", views.AcceptInvitationView.as_view(), name="accept-invitation"),
    path("password-reset/", views.PortalPasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="portal/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="portal/password_reset_confirm.html",
            success_url=reverse_lazy("portal:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="portal/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
]

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.TodayView.as_view(), name="today"),
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

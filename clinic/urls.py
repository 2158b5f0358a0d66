from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import twofactor, views

# Feature apps' URLs are included by module path (strings): the base app
# imports no feature app (the import-linter layers contract).

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic administration"

urlpatterns = [
    path("", include("patients.dashboard_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("health/", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="clinic/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signed-in/", views.SignedInView.as_view(), name="signed-in"),
    path("accounts/2fa/", twofactor.OTPVerifyView.as_view(), name="otp-verify"),
    path("accounts/2fa/enrol/", twofactor.OTPEnrolView.as_view(), name="otp-enrol"),
    path(
        "accounts/2fa/enrol/link/<str:token>/",
        twofactor.OTPEnrolLinkView.as_view(),
        name="otp-enrol-link",
    ),
    path(
        "accounts/2fa/recovery-codes/",
        twofactor.RecoveryCodesView.as_view(),
        name="otp-recovery-codes",
    ),
    # Django's reset views; after a reset the user logs in again and then passes
    # the second factor like any other login (post_reset_login stays False).
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("audit/export.csv", views.AuditExportView.as_view(), name="audit-export"),
    path("patients/", include("patients.urls")),
    path("patients/<uuid:patient_id>/assessments/", include("assessments.urls")),
    path("exercises/", include("exercises.urls")),
    path("programmes/", include("programmes.urls")),
    path("alerts/", include("alerts.urls")),
    path("", include("reminders.urls")),
    path("", include("tracking.urls")),
    path("fhir/R4/", include("fhir_r4.api_urls")),
    path("fhir/", include("fhir_r4.urls")),
    path("messages/", include("messaging.urls")),
    path("portal/", include("portal.urls")),
    # Private files (pictures, videos, clips): served after an access check.
    path("files/", include("programmes.media_urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files are private: no MEDIA_URL route (clinic/storage.py).

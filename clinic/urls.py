from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import views

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic administration"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="clinic/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("patients/", include("patients.urls")),
    path("patients/<uuid:patient_id>/assessments/", include("assessments.urls")),
    path("programmes/", include("programmes.urls")),
    path("portal/", include("portal.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views import View

from clinic.access import PatientRequiredMixin
from patients.services import InvitationError, invitation_accept, invitation_for_token
from portal.forms import PortalLoginForm, PortalPasswordResetForm, SetPasswordForm


class PortalLoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    template_name = "portal/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return str(reverse_lazy("portal:today"))


class AcceptInvitationView(View):
    template_name = "portal/accept_invitation.html"

    def _invitation_or_gone(self, request, token):
        invitation = invitation_for_token(token)
        if invitation is None:
            return None, render(request, "portal/invitation_invalid.html", status=410)
        return invitation, None

    def get(self, request, token):
        invitation, gone = self._invitation_or_gone(request, token)
        if gone:
            return gone
        return render(
            request, self.template_name, {"form": SetPasswordForm(), "invitation": invitation}
        )

    def post(self, request, token):
        invitation, gone = self._invitation_or_gone(request, token)
        if gone:
            return gone
        form = SetPasswordForm(request.POST)
        if form.is_valid():
            try:
                user = invitation_accept(
                    invitation=invitation,
                    password=form.cleaned_data["new_password1"],
                    request=request,
                )
            except InvitationError:
                return render(request, "portal/invitation_invalid.html", status=410)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:today")
        return render(request, self.template_name, {"form": form, "invitation": invitation})


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "portal/password_reset.html"
    email_template_name = "portal/email/password_reset_body.txt"
    html_email_template_name = "portal/email/password_reset_body.html"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password-reset-sent")


class TodayView(PatientRequiredMixin, View):
    def get(self, request):
        return render(request, "portal/today.html", {"patient": self.patient})

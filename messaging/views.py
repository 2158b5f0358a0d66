"""Staff pages: the inbox, a patient's thread (reply, assign, handled, file),
the menu badge and a filed conversation.

Every staff role sees the inbox (who wrote and when, never the text). The
text is for clinical roles, and for reception only when the clinic lets
reception triage (then read, assign and mark handled; never reply or file).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.models import Role
from messaging import services
from messaging.forms import AssignForm, StaffReplyForm
from messaging.models import Conversation, FiledConversation
from messaging.threads import PollLoginMixin, ThreadPageMixin
from patients.models import Patient

INBOX_PAGE_SIZE = 25
FILTERS = {
    "needs_reply": "Needs a reply",
    "handled": "Handled",
    "all": "All",
}


class _StaffPollMixin(PollLoginMixin, StaffRequiredMixin):
    pass


class InboxView(_StaffPollMixin, View):
    def get(self, request):
        show = request.GET.get("show", "needs_reply")
        if show not in FILTERS:
            show = "needs_reply"
        member = self.staff_member
        queryset = (
            Conversation.objects.for_user(request.user)
            .filter(last_message_at__isnull=False)
            .select_related("patient", "assigned_to__user")
            .only(
                "id",
                "needs_reply",
                "handled_at",
                "last_message_at",
                "last_from_patient",
                "unread_by_staff",
                "patient__id",
                "patient__first_name",
                "patient__last_name",
                "patient__record_number",
                "assigned_to__id",
                "assigned_to__user__first_name",
                "assigned_to__user__last_name",
                "assigned_to__user__username",
            )
            .annotate(
                mine=Case(
                    When(assigned_to=member, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("mine", "-last_message_at")
        )
        if show == "needs_reply":
            queryset = queryset.filter(needs_reply=True)
        elif show == "handled":
            queryset = queryset.filter(needs_reply=False)
        page = Paginator(queryset, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "messaging/inbox.html",
            {"page": page, "show": show, "filters": FILTERS},
        )


class BadgeView(_StaffPollMixin, View):
    """The unread count in the menu, loaded by HTMX after the page."""

    def get(self, request):
        count = services.unread_conversations(request.user)
        return render(request, "messaging/badge.html", {"count": count})


class _ThreadMixin(_StaffPollMixin):
    """A patient's conversation, for those who may read it."""

    needs_clinical = False  # replying and filing: clinical roles only

    def load_objects(self, request, patient_id):
        self.patient = get_scoped_or_404(
            request, Patient.objects.for_user(request.user).select_related("clinic"), pk=patient_id
        )
        member = self.staff_member
        if self.needs_clinical:
            allowed = request.user.is_superuser or member.sees_clinical_content
        else:
            allowed = services.staff_may_read(member, request.user, self.patient.clinic_id)
        if not allowed:
            raise PermissionDenied("Your role does not give access to message text.")
        self.conversation = (
            Conversation.objects.filter(patient=self.patient)
            .select_related("assigned_to__user", "handled_by")
            .first()
        )

    def _back(self):
        return HttpResponseRedirect(reverse("messaging:thread", args=[self.patient.pk]))


class ThreadView(ThreadPageMixin, _ThreadMixin, View):
    for_patient = False
    template_name = "messaging/thread.html"
    partial_template_name = "messaging/includes/thread.html"

    def thread_context(self, request, form=None) -> dict:
        conversation = self.conversation
        return {
            **self.base_context(request),
            "patient": self.patient,
            "form": form or StaffReplyForm(),
            "may_reply": request.user.is_superuser or self.staff_member.sees_clinical_content,
            "assign_form": AssignForm(
                clinic_id=self.patient.clinic_id,
                initial={"staff_member": conversation.assigned_to_id if conversation else None},
            ),
        }

    def post(self, request, patient_id):
        member = self.staff_member
        if not (request.user.is_superuser or member.sees_clinical_content):
            raise PermissionDenied("Only clinicians reply to messages.")
        form = StaffReplyForm(request.POST)
        if not form.is_valid():
            return render(
                request, self.template_name, self.thread_context(request, form), status=400
            )
        conversation = self.conversation or services.conversation_for(self.patient)
        try:
            services.message_send_by_staff(
                conversation=conversation,
                user=request.user,
                body=form.cleaned_data["body"],
                request=request,
            )
        except services.MessageRefusedError as refused:
            form.add_error("body", str(refused))
            return render(
                request, self.template_name, self.thread_context(request, form), status=429
            )
        messages.success(request, "Reply sent. The patient gets a notice without its text.")
        return self._back()


class AssignView(_ThreadMixin, View):
    def post(self, request, patient_id):
        form = AssignForm(request.POST, clinic_id=self.patient.clinic_id)
        if self.conversation is None:
            messages.error(request, "There is no conversation to assign yet.")
        elif not form.is_valid():
            messages.error(request, "Choose a clinician of this clinic.")
        else:
            member = form.cleaned_data["staff_member"]
            services.conversation_assign(
                conversation=self.conversation, member=member, user=request.user, request=request
            )
            messages.success(
                request, f"Assigned to {member}." if member else "Assigned to the whole team."
            )
        return self._back()


class HandledView(_ThreadMixin, View):
    def post(self, request, patient_id):
        if self.conversation is None:
            messages.error(request, "There is no conversation yet.")
        else:
            services.conversation_mark_handled(
                conversation=self.conversation, user=request.user, request=request
            )
            messages.success(request, "Marked handled. A new message from the patient reopens it.")
        return HttpResponseRedirect(reverse("messaging:inbox"))


class FileView(_ThreadMixin, View):
    needs_clinical = True

    def post(self, request, patient_id):
        if self.conversation is None or not self.conversation.last_message_at:
            messages.error(request, "There are no messages to file yet.")
            return self._back()
        filed = services.conversation_file(
            conversation=self.conversation, user=request.user, request=request
        )
        messages.success(request, f"{filed.messages_count} messages filed to the record.")
        return HttpResponseRedirect(reverse("messaging:filed", args=[filed.pk]))


class FiledView(StaffRequiredMixin, View):
    staff_roles = (Role.CLINICIAN, Role.CLINIC_ADMIN)

    def load_objects(self, request, filed_id):
        self.filed = get_scoped_or_404(
            request,
            FiledConversation.objects.for_user(request.user).select_related("patient", "filed_by"),
            pk=filed_id,
        )

    def get(self, request, filed_id):
        return render(request, "messaging/filed.html", {"filed": self.filed})

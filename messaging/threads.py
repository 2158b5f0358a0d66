"""The conversation page, one implementation for both sides: the staff thread
(``messaging.views.ThreadView``) and the portal's messages page
(``portal.views.MessagesView``). They share the latest messages with "Earlier
messages", the HTMX poll that answers 204 until something changes, the read
mark and the login of a poll whose session ended; they differ in whose read
state counts (``for_patient``), their templates and their compose form.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from messaging import services
from messaging.models import Conversation, Message

# A thread shows the latest messages; "Earlier messages" (``?all=1``) shows all.
THREAD_LATEST = 200


def thread_messages(
    conversation: Conversation | None, *, show_all: bool
) -> tuple[list[Message], bool]:
    """The messages to show, oldest first, and whether earlier ones were left
    out: one query, whatever the length of the conversation."""
    if conversation is None:
        return [], False
    queryset = (
        Message.objects.filter(conversation=conversation)
        .select_related("sender", "about__exercise", "about__version")
        .order_by("-created_at", "-id")
    )
    if show_all:
        thread, earlier = list(queryset), False
    else:
        thread = list(queryset[: THREAD_LATEST + 1])
        thread, earlier = thread[:THREAD_LATEST], len(thread) > THREAD_LATEST
    thread.reverse()
    return thread, earlier


class PollLoginMixin:
    """Put before the access mixin: a background poll after the session ended
    sends the whole page to the login (``HX-Refresh``) instead of swapping the
    login form into the thread."""

    def handle_no_permission(self):
        request = self.request  # type: ignore[attr-defined]
        if getattr(request, "htmx", False) and not request.user.is_authenticated:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return super().handle_no_permission()  # type: ignore[misc]


class ThreadPageMixin(PollLoginMixin):
    """GET of a conversation page. The view sets ``self.conversation`` (or
    None) in ``load_objects`` and gives ``thread_context`` its own keys."""

    for_patient: bool
    template_name: str
    partial_template_name: str
    conversation: Conversation | None

    def thread_context(self, request, form=None) -> dict:
        """The page's context: ``base_context`` and the side's own keys."""
        raise NotImplementedError

    def base_context(self, request) -> dict:
        thread, earlier = thread_messages(self.conversation, show_all=request.GET.get("all") == "1")
        return {"conversation": self.conversation, "thread": thread, "earlier": earlier}

    def get(self, request, *args, **kwargs):
        conversation = self.conversation
        version = services.thread_version(conversation, for_patient=self.for_patient)
        unread = conversation is not None and bool(
            conversation.unread_by_patient if self.for_patient else conversation.unread_by_staff
        )
        if request.htmx and request.GET.get("version") == version and not unread:
            return HttpResponse(status=204)  # htmx keeps the page as it is
        if conversation is not None and (not request.htmx or unread):
            services.thread_mark_read(
                conversation=conversation,
                by_patient=self.for_patient,
                user=request.user,
                request=request,
            )
        context = self.thread_context(request)
        context["version"] = version
        if request.htmx:
            context["announce"] = True
            return render(request, self.partial_template_name, context)
        return render(request, self.template_name, context)

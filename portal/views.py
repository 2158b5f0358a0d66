from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import View

from assessments import services as assessment_services
from assessments.instruments import get_instrument, instrument_in_language, wording_for
from assessments.selectors import patient_outcome_trends
from assessments.services import PATIENT_QUESTIONNAIRES
from clinic.access import PatientRequiredMixin
from fhir_r4.services import fhir_record_export
from fhir_r4.views import bundle_download
from messaging import services as messaging
from messaging.forms import PatientMessageForm
from messaging.models import Conversation
from messaging.threads import ThreadPageMixin
from patients.language import SHIPPED, shipped_languages
from patients.services import (
    InvitationError,
    invitation_accept,
    invitation_for_token,
    patient_language_set,
    patient_subject_access_export,
)
from portal.forms import (
    CheckInForm,
    PortalLoginForm,
    PortalPasswordResetForm,
    ReminderPreferenceForm,
    SessionLogForm,
    SetPasswordForm,
    questionnaire_step_form,
    weekday_names,
)
from portal.log_fields import log_fields_html
from programmes import api as programmes_api
from reminders import calendar as reminder_calendar
from reminders.delivery import reminders_unsubscribe
from reminders.models import CalendarFeed
from reminders.services import reminder_preference_for, reminder_preference_update
from tracking import progress, progression, self_screen
from tracking import services as activity


class PortalLoginView(auth_views.LoginView):
    # LoginView only calls the form's get_user(), which PortalLoginForm provides
    # (email instead of username): not an AuthenticationForm, as the stubs expect.
    form_class = PortalLoginForm  # type: ignore[assignment]
    template_name = "portal/login.html"
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = translation.get_language()
        context["languages"] = shipped_languages()
        context["current_language"] = next(
            (code for code, django_code in SHIPPED.items() if django_code == current), "en"
        )
        return context

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


# --- Portal pages (issue 6). One domain call per view; everything is the
# signed-in patient's own (``self.patient``), and ids of anything else are 404.


def _today(patient):
    return patient.local_today()


class TodayView(PatientRequiredMixin, View):
    template_name = "portal/today.html"

    def get(self, request):
        today = _today(self.patient)
        cards = activity.today_cards(self.patient, today)
        context = self._context(today, cards)
        if not cards:
            # Paused (issue 13): the advice and the clinic's phone instead.
            context["paused"] = activity.paused_notice(self.patient)
        return render(request, self.template_name, context)

    def _context(self, today, cards, bound=None):
        programmes_api.attach_media([c.prescription for c in cards], self.patient.clinic_id)
        programmes_api.attach_clips(self.patient, [c.prescription for c in cards])
        items = []
        for card in cards:
            form = bound[1] if bound and bound[0] == card.prescription.pk else None
            items.append(_card_context(card, form))
        return {
            "patient": self.patient,
            "today": today,
            "cards": items,
            "sessions_due": max((c.prescription.sessions_per_day for c in cards), default=0),
        }


def _card_context(card, form=None) -> dict:
    """One card of Today; ``form``: the posted log form, shown with its errors."""
    p = card.prescription
    fields = log_fields_html(
        sessions=p.sessions_per_day,
        prefix_id=str(p.pk)[:8],
        claudication=programmes_api.asks_claudication_onset(p),
        next_session=card.next_session,
        bound=form,
    )
    log_url = reverse("portal:log", args=[p.pk])
    return {"card": card, "p": p, "log_url": log_url, "log_fields": fields}


class LogExerciseView(PatientRequiredMixin, View):
    """Log one exercise of today's session: a plain form post (redirect back to
    Today) or, with HTMX, the exercise card swapped in place."""

    def post(self, request, prescription_id):
        today = _today(self.patient)
        card = activity.today_card(self.patient, today, prescription_id)
        if card is None:
            raise Http404("Not one of today's exercises.")
        p = card.prescription
        form = SessionLogForm(
            request.POST,
            sessions=p.sessions_per_day,
            prefix_id=str(p.pk)[:8],
            claudication=programmes_api.asks_claudication_onset(p),
        )
        if form.is_valid():
            c = form.cleaned_data
            try:
                activity.session_log_save(
                    patient=self.patient,
                    prescription=p,
                    performed_on=today,
                    session_number=c["session"],
                    outcome=c["outcome"],
                    skip_reason=c["skip_reason"],
                    sets_done=c.get("sets_done"),
                    reps_done=c.get("reps_done"),
                    duration_min_done=c.get("duration_min_done"),
                    pain_during=c.get("pain_during"),
                    difficulty=c.get("difficulty"),
                    previous_next_morning=c.get("previous_next_morning") or "",
                    claudication_onset_min=c.get("claudication_onset_min"),
                )
            except activity.ActivityError as error:
                form.add_error(None, str(error))
        if form.is_valid():
            if request.htmx:
                card = activity.today_card(self.patient, today, prescription_id)
                programmes_api.attach_media([card.prescription], self.patient.clinic_id)
                programmes_api.attach_clips(self.patient, [card.prescription])
                return render(request, "portal/includes/exercise_card.html", _card_context(card))
            messages.success(
                request, gettext("Saved: %(name)s.") % {"name": p.exercise.patient_text.name}
            )
            return redirect(f"{reverse('portal:today')}#ex-{p.pk}")
        if request.htmx:
            programmes_api.attach_media([card.prescription], self.patient.clinic_id)
            programmes_api.attach_clips(self.patient, [card.prescription])
            return render(request, "portal/includes/exercise_card.html", _card_context(card, form))
        view = TodayView()
        view.patient = self.patient
        cards = activity.today_cards(self.patient, today)
        return render(
            request,
            "portal/today.html",
            view._context(today, cards, bound=(p.pk, form)),
            status=400,
        )


class ProgrammeView(PatientRequiredMixin, View):
    def get(self, request):
        plan = programmes_api.active_plan(self.patient)
        version = programmes_api.version_on(self.patient, _today(self.patient)) if plan else None
        prescriptions = list(version.prescriptions.all()) if version else []
        programmes_api.attach_media(prescriptions, self.patient.clinic_id)
        return render(
            request,
            "portal/programme.html",
            {
                "plan": plan,
                "version": version,
                "phases": programmes_api.group_by_phase(prescriptions),
                "ces_safety_netting": programmes_api.ces_safety_netting_for(self.patient, plan),
                # Accepted progression decisions of the last 14 days (issue 14).
                "moved_on": progression.recent_changes_for_patient(
                    self.patient, _today(self.patient)
                ),
            },
        )


class HandoutView(PatientRequiredMixin, View):
    """The printable handout (the staff template), for the patient's own
    programme in force today; nothing the staff page adds. While the programme
    is paused (issue 13) Today says why and what to do instead."""

    def paused(self) -> bool:
        return programmes_api.paused_plan(self.patient) is not None

    def context(self) -> dict:
        plan = programmes_api.active_plan(self.patient)
        if plan is None:
            raise Http404("No programme yet.")
        version = programmes_api.version_on(self.patient, _today(self.patient))
        prescriptions = list(version.prescriptions.all()) if version else []
        programmes_api.attach_media(prescriptions, self.patient.clinic_id)
        return {
            "plan": plan,
            "patient": self.patient,
            "clinic": self.patient.clinic,
            "version": version,
            "phases": programmes_api.group_by_phase(prescriptions),
            "back_url": reverse("portal:programme"),
            "pdf_url": reverse("portal:handout-pdf"),
            "ces_safety_netting": programmes_api.ces_safety_netting_for(self.patient, plan),
        }

    def get(self, request):
        if self.paused():
            return redirect("portal:today")
        return render(request, "programmes/plan_handout.html", self.context())


class HandoutPdfView(HandoutView):
    """The handout as a PDF, for the patient's own programme."""

    def get(self, request):
        if self.paused():
            return redirect("portal:today")
        data = programmes_api.handout_pdf(self.context())
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="my-exercise-programme.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class CheckInView(PatientRequiredMixin, View):
    template_name = "portal/check_in.html"

    def get(self, request):
        plan = programmes_api.active_plan(self.patient)
        return render(
            request,
            self.template_name,
            {
                "form": CheckInForm(sciatica=self._sciatica(plan)),
                "last": activity.last_check_in(self.patient),
                "ces_safety_netting": self._safety_netting(plan),
            },
        )

    def _safety_netting(self, plan) -> bool:
        return programmes_api.ces_safety_netting_for(self.patient, plan)

    def _sciatica(self, plan) -> bool:
        """Sciatica self-tracking for plans of back-related leg pain (issue 14)."""
        return plan is not None and programmes_api.back_related_leg_pain(self.patient, plan)

    def post(self, request):
        plan = programmes_api.active_plan(self.patient)
        form = CheckInForm(request.POST, sciatica=self._sciatica(plan))
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {"form": form, "ces_safety_netting": self._safety_netting(plan)},
                status=400,
            )
        check_in = activity.check_in_submit(
            patient=self.patient,
            pain_now=form.cleaned_data["pain_now"],
            answers=form.answers(),
            sciatica_answers=form.sciatica_answers(),
        )
        advice = self_screen.advice_for(check_in.red_flags)
        return render(
            request,
            "portal/check_in_done.html",
            {
                "check_in": check_in,
                "advice": advice,
                "urgency": check_in.urgency,
                "flags": [self_screen.BY_CODE[c].text for c in check_in.red_flags],
            },
        )


class MessagesView(ThreadPageMixin, PatientRequiredMixin, View):
    """The patient's conversation with the care team (issue 16): thread,
    compose, read state; red-flag words offer the check-in before sending."""

    for_patient = True
    template_name = "portal/messages.html"
    partial_template_name = "portal/includes/message_thread.html"

    def load_objects(self, request, *args, **kwargs) -> None:
        self.conversation = Conversation.objects.filter(patient=self.patient).first()

    def thread_context(self, request, form=None, *, noticed=()) -> dict:
        if form is None:
            form = PatientMessageForm(prescriptions=messaging.about_choices(self.patient))
        return {
            **self.base_context(request),
            "form": form,
            "clinic": self.patient.clinic,
            "noticed": [gettext(self_screen.RED_FLAG_WORDS_BY_CODE[c].label) for c in noticed],
        }

    def post(self, request):
        form = PatientMessageForm(request.POST, prescriptions=messaging.about_choices(self.patient))
        if not form.is_valid():
            return render(
                request, self.template_name, self.thread_context(request, form), status=400
            )
        body = form.cleaned_data["body"]
        noticed = self_screen.red_flag_words_in(body)
        send_anyway = request.POST.get("send_anyway") == "1"
        if noticed and not send_anyway:
            # Nothing is lost: the text stays in the box, with what we noticed.
            return render(
                request, self.template_name, self.thread_context(request, form, noticed=noticed)
            )
        try:
            messaging.message_send_by_patient(
                patient=self.patient,
                user=request.user,
                body=body,
                about=form.cleaned_data["about"],
                sent_anyway=send_anyway,
                request=request,
            )
        except messaging.MessageRefusedError as refused:
            form.add_error("body", str(refused))
            return render(
                request, self.template_name, self.thread_context(request, form), status=429
            )
        if noticed:
            messages.warning(
                request,
                gettext(
                    "Message sent. Your physiotherapist has been alerted. If you feel very "
                    "unwell, call 999 or go to A&E now."
                ),
            )
        else:
            messages.success(request, gettext("Message sent to your care team."))
        return redirect("portal:messages")


class QuestionnaireListView(PatientRequiredMixin, View):
    def get(self, request):
        due = progress.questionnaires_due(self.patient, _today(self.patient))
        language = translation.get_language() or "en"
        rows = [
            {
                "due": d,
                "name": wording_for(get_instrument(d.code), language).name,
                "in_english": not instrument_in_language(d.code, language),
            }
            for d in due
        ]
        return render(request, "portal/questionnaires.html", {"rows": rows})


class QuestionnaireView(PatientRequiredMixin, View):
    """One question per screen with "Question N of M", Back and Next (issue 18).
    Every answer is kept in the patient's draft at once, so a patient who leaves
    carries on where they stopped; the last Next scores and stores the answers.
    Plain form posts: works without JavaScript."""

    template_name = "portal/questionnaire.html"

    def load_objects(self, request, *args, **kwargs):
        code = kwargs["code"]
        if code not in PATIENT_QUESTIONNAIRES:
            raise Http404("No such questionnaire.")
        self.instrument = get_instrument(code)
        self.draft = assessment_services.questionnaire_draft_get(patient=self.patient, code=code)
        self.answers = dict(self.draft.answers) if self.draft else {}
        self.language = translation.get_language() or "en"
        self.wording = wording_for(self.instrument, self.language)
        self.steps = assessment_services.questionnaire_steps(code, self.answers, self.language)

    def _step_number(self, raw, default: int) -> int:
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = default
        # Never past the first unanswered screen: no question is skipped.
        reachable = assessment_services.questionnaire_first_unanswered(
            self.instrument.code, self.answers
        )
        return max(1, min(number, reachable, len(self.steps)))

    def _url(self, number: int) -> str:
        return f"{reverse('portal:questionnaire', args=[self.instrument.code])}?step={number}"

    def _render(self, request, step, form, *, resumed=False, status=200):
        return render(
            request,
            self.template_name,
            {
                "instrument": self.instrument,
                "wording": self.wording,
                "step": step,
                "total": len(self.steps),
                "form": form,
                "field": form[step.code],
                "resumed": resumed,
                "last": step.number == len(self.steps),
                "in_english": not instrument_in_language(self.instrument.code, self.language),
            },
            status=status,
        )

    def get(self, request, code):
        resumed = "step" not in request.GET and bool(self.answers)
        default = self.draft.step if self.draft else 1
        number = self._step_number(request.GET.get("step"), default)
        step = self.steps[number - 1]
        return self._render(
            request, step, questionnaire_step_form(step, initial=self.answers), resumed=resumed
        )

    def post(self, request, code):
        number = self._step_number(request.POST.get("step"), 1)
        step = self.steps[number - 1]
        form = questionnaire_step_form(step, data=request.POST)
        valid = form.is_valid()
        value = form.cleaned_data.get(step.code) if valid else None
        if request.POST.get("action") == "back":
            # Back keeps what is chosen on this screen too; nothing chosen is fine.
            assessment_services.questionnaire_draft_answer(
                patient=self.patient, code=code, item=step.code, value=value, step=number - 1
            )
            return redirect(self._url(max(1, number - 1)))
        if not valid:
            return self._render(request, step, form, status=400)
        assessment_services.questionnaire_draft_answer(
            patient=self.patient, code=code, item=step.code, value=value, step=number + 1
        )
        if number < len(self.steps):
            return redirect(self._url(number + 1))
        try:
            response = assessment_services.questionnaire_draft_send(patient=self.patient, code=code)
        except assessment_services.AssessmentError as error:
            messages.error(request, str(error))
            return redirect(reverse("portal:questionnaire", args=[code]))
        trend = next(
            (
                t
                for t in patient_outcome_trends(self.patient)
                if t.code == response.instrument_code and t.version == response.instrument_version
            ),
            None,
        )
        return render(
            request,
            "portal/questionnaire_done.html",
            {
                "instrument": self.instrument,
                "wording": self.wording,
                "response": response,
                "band": self.wording.band(response.band),
                "in_english": not instrument_in_language(self.instrument.code, self.language),
                "total": self.instrument.format_total(response.total),
                "trend": trend,
            },
        )


class ProgressView(PatientRequiredMixin, View):
    def get(self, request):
        today = _today(self.patient)
        trends = patient_outcome_trends(self.patient)
        pain = progress.pain_progress(self.patient, today)
        walking = progress.walking_progress(self.patient, today)
        return render(
            request,
            "portal/progress.html",
            {
                "today": today,
                "pain": pain,
                "trends": trends,
                "trend_charts": [t.chart for t in trends],
                "calendar": progress.adherence_calendar(self.patient, today),
                "walking": walking,
                "weekday_names": weekday_names(),
            },
        )


class RemindersView(PatientRequiredMixin, View):
    template_name = "portal/reminders.html"

    def _render(self, request, form, *, new_feed_url=None, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "feed": CalendarFeed.objects.filter(patient=self.patient).first(),
                "new_feed_url": new_feed_url,
                "consent": self.patient.consent_reminders,
            },
            status=status,
        )

    def get(self, request):
        preference = reminder_preference_for(self.patient)
        return self._render(
            request,
            ReminderPreferenceForm(
                initial=ReminderPreferenceForm.initial_for(preference), patient=self.patient
            ),
        )

    def post(self, request):
        action = request.POST.get("action", "save")
        if action == "unsubscribe":
            reminders_unsubscribe(patient=self.patient, request=request)
            messages.success(request, gettext("You will get no more exercise reminders."))
            return redirect("portal:reminders")
        if action == "feed-new":
            token = reminder_calendar.calendar_feed_create(patient=self.patient)
            url = request.build_absolute_uri(reverse("portal:calendar-feed", args=[token]))
            preference = reminder_preference_for(self.patient)
            form = ReminderPreferenceForm(
                initial=ReminderPreferenceForm.initial_for(preference), patient=self.patient
            )
            return self._render(request, form, new_feed_url=url)
        if action == "feed-revoke":
            reminder_calendar.calendar_feed_revoke(patient=self.patient)
            messages.success(request, gettext("Your calendar link no longer works."))
            return redirect("portal:reminders")
        form = ReminderPreferenceForm(request.POST, patient=self.patient)
        if not form.is_valid():
            return self._render(request, form, status=400)
        reminder_preference_update(
            patient=self.patient, data=form.preference_data(), by=request.user, request=request
        )
        messages.success(request, gettext("Your reminder settings are saved."))
        return redirect("portal:reminders")


class CalendarFeedView(View):
    """The private iCal feed: the unguessable token is the only key (calendar
    apps cannot log in). Unknown or revoked tokens are 404."""

    def get(self, request, token):
        feed = reminder_calendar.calendar_feed_for_token(token)
        if feed is None:
            raise Http404("No such calendar.")
        response = HttpResponse(
            reminder_calendar.calendar_feed_ics(feed=feed),
            content_type="text/calendar; charset=utf-8",
        )
        response["Cache-Control"] = "private, no-store"
        response["Content-Disposition"] = 'inline; filename="exercise-sessions.ics"'
        return response


class MoreView(PatientRequiredMixin, View):
    """The phone tab bar's "More" (issue 18): the less used destinations, the
    language choice and log out."""

    template_name = "portal/more.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {
                "patient": self.patient,
                "languages": shipped_languages(),
                "current_language": self.patient.preferred_language,
            },
        )


class LanguageView(View):
    """Choose the portal's language (issue 18). A signed-in patient's choice is
    their preferred language (emails and SMS follow it); before login it is a
    cookie. An unknown choice changes nothing."""

    def post(self, request):
        code = request.POST.get("language", "")
        patient = getattr(request.user, "patient", None) if request.user.is_authenticated else None
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ) or not next_url.startswith("/portal/"):
            next_url = reverse("portal:more" if patient else "portal:login")
        response = redirect(next_url)
        if code not in SHIPPED:
            messages.error(request, gettext("Please choose one of the languages shown."))
            return response
        if patient is not None:
            patient_language_set(patient=patient, language=code, by=request.user, request=request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            SHIPPED[code],
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
        return response


class MyDataView(PatientRequiredMixin, View):
    def get(self, request):
        return render(request, "portal/my_data.html", {"patient": self.patient})


class MyDataFhirView(PatientRequiredMixin, View):
    """The same record as a FHIR R4 Bundle, for another clinic or an app
    (issue 17); audited as an export."""

    def get(self, request):
        bundle = fhir_record_export(patient=self.patient, request=request)
        return bundle_download(bundle, filename="my-record.fhir.json")


class MyDataDownloadView(PatientRequiredMixin, View):
    """Everything held about the patient as JSON (the subject access export,
    audited as an export)."""

    def get(self, request):
        data = patient_subject_access_export(patient=self.patient, request=request)
        response = JsonResponse(data, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response

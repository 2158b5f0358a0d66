"""Portal pages in the access matrix: patients only; staff get 403."""

from reminders.models import CalendarFeed
from tracking.models import CheckIn

PERSONAS = ["anonymous", "patient", "reception", "clinician", "colleague", "clinic_admin"]
STAFF_403 = {"reception": 403, "clinician": 403, "colleague": 403, "clinic_admin": 403}
PATIENT_ONLY = {"anonymous": 302, "patient": 200, **STAFF_403}
PUBLIC = dict.fromkeys(PERSONAS, 200)

STAFF_MATRIX = {
    "portal:today": (None, PATIENT_ONLY),
    "portal:login": (None, PUBLIC),
    "portal:logout": (None, dict.fromkeys(PERSONAS, 405)),
    # A forged or expired invitation token: "gone", with nothing about anybody.
    "portal:accept-invitation": (lambda ctx: ["not-a-real-token"], dict.fromkeys(PERSONAS, 410)),
    "portal:password-reset": (None, PUBLIC),
    "portal:password-reset-sent": (None, PUBLIC),
    "portal:password-reset-confirm": (lambda ctx: ["MQ", "bad-token"], PUBLIC),
    "portal:password-reset-complete": (None, PUBLIC),
    # Issue 6 pages: the signed-in patient's own data only.
    "portal:programme": (None, PATIENT_ONLY),
    # No active plan in the matrix context: nothing to print (200 is tested in tests/portal).
    "portal:handout": (None, {**PATIENT_ONLY, "patient": 404}),
    # POST only: a GET after the patient check is 405.
    "portal:log": (lambda ctx: [ctx["prescription"].pk], {**PATIENT_ONLY, "patient": 405}),
    "portal:check-in": (None, PATIENT_ONLY),
    "portal:questionnaires": (None, PATIENT_ONLY),
    "portal:questionnaire": (lambda ctx: ["lefs"], PATIENT_ONLY),
    "portal:progress": (None, PATIENT_ONLY),
    "portal:reminders": (None, PATIENT_ONLY),
    "portal:more": (None, PATIENT_ONLY),
    # POST only (the language choice); anyone may choose before login.
    "portal:language": (None, dict.fromkeys(PERSONAS, 405)),
    "portal:my-data": (None, PATIENT_ONLY),
    "portal:my-data-download": (None, PATIENT_ONLY),
    # The calendar link is its own key (calendar apps cannot log in): a guess is 404.
    "portal:calendar-feed": (lambda ctx: ["a-guessed-token"], dict.fromkeys(PERSONAS, 404)),
}

# The patient's own records from the portal: clinic admins read them, nobody adds.
ADMIN_MODELS = {
    "tracking_checkin": ("check_in", "other_check_in"),
    "reminders_calendarfeed": ("calendar_feed", "other_calendar_feed"),
}


def extend_ctx(ctx) -> None:
    for key, patient in (("", ctx["patient_record"]), ("other_", ctx["other_patient_record"])):
        ctx[f"{key}check_in"] = CheckIn.objects.create(
            patient=patient, checked_on=patient.created_at.date(), pain_now=3
        )
        ctx[f"{key}calendar_feed"] = CalendarFeed.objects.create(
            patient=patient, token_hash=f"{key}feed".ljust(64, "0")
        )

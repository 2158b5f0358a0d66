"""Portal pages in the access matrix: patients only; staff get 403."""

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
}

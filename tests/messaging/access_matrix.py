"""Access-matrix entries for secure messages (issue 16).

Every staff role sees the inbox (who wrote and when) and the menu badge; the
thread and its actions are clinical (reception 403 unless the clinic lets
reception triage: tested in tests/messaging/test_messages.py); a colleague at
another clinic gets 404; the portal page is the patient's own.
"""

from tests.urlmatrix import ALL_STAFF, CLINICAL, CLINICAL_POST

PATIENT_ONLY = {
    "anonymous": 302,
    "patient": 200,
    "reception": 403,
    "clinician": 403,
    "colleague": 403,
    "clinic_admin": 403,
}


def _patient(ctx):
    return [ctx["patient_record"].pk]


def _filed(ctx):
    return [ctx["filed_conversation"].pk]


STAFF_MATRIX = {
    "messaging:inbox": (None, ALL_STAFF),
    "messaging:badge": (None, ALL_STAFF),
    "messaging:thread": (_patient, CLINICAL),
    "messaging:assign": (_patient, CLINICAL_POST),
    "messaging:handled": (_patient, CLINICAL_POST),
    "messaging:file": (_patient, CLINICAL_POST),
    "messaging:filed": (_filed, CLINICAL),
    "portal:messages": (None, PATIENT_ONLY),
}


ADMIN_MODELS = {
    "messaging_messagingsettings": ("messaging_settings", "other_messaging_settings"),
}
ADMIN_ADD_ALLOWED = {"messaging_messagingsettings"}


def extend_ctx(ctx) -> None:
    from messaging import services
    from messaging.models import MessagingSettings

    ctx["messaging_settings"] = MessagingSettings.objects.create(clinic=ctx["clinic"])
    ctx["other_messaging_settings"] = MessagingSettings.objects.create(clinic=ctx["other_clinic"])

    patient = ctx["patient_record"]
    clinician = ctx["users"]["clinician"]
    conversation = services.conversation_for(patient)
    services.message_send_by_staff(conversation=conversation, user=clinician, body="Hello")
    ctx["filed_conversation"] = services.conversation_file(
        conversation=conversation, user=clinician
    )

"""Subject access: everything we hold about one patient, field by field, each
marked as entered by the patient (portal) or by clinic staff.

Apps add their records with ``register``: a provider takes the patient and
returns a ``Section`` (or None). ``record_from_instance`` builds a record from a
model instance, reading who entered each field from its simple-history rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

PATIENT_ENTERED = "patient-entered"
CLINICIAN_ENTERED = "clinician-entered"


@dataclass
class Field:
    name: str
    label: str
    value: object
    source: str  # PATIENT_ENTERED or CLINICIAN_ENTERED


@dataclass
class Record:
    title: str
    fields: list[Field] = field(default_factory=list)


@dataclass
class Section:
    title: str
    records: list[Record] = field(default_factory=list)


Provider = Callable[..., Section | None]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def field_sources(instance, names: Iterable[str], *, patient_user_id) -> dict[str, str]:
    """Who last set each field: the patient's own account or staff. Without
    history, everything counts as staff-entered."""
    names = list(names)
    sources = dict.fromkeys(names, CLINICIAN_ENTERED)
    history = getattr(instance, "history", None)
    if history is None or patient_user_id is None:
        return sources
    previous: dict[str, object] = {}
    for row in history.order_by("history_date", "history_id").values(
        "history_user_id", *[n if not _is_fk(instance, n) else f"{n}_id" for n in names]
    ):
        by_patient = row["history_user_id"] == patient_user_id
        for name in names:
            key = f"{name}_id" if _is_fk(instance, name) else name
            if name not in previous or previous[name] != row[key]:
                sources[name] = PATIENT_ENTERED if by_patient else CLINICIAN_ENTERED
                previous[name] = row[key]
    return sources


def _is_fk(instance, name: str) -> bool:
    return instance._meta.get_field(name).is_relation


def record_from_instance(instance, *, title: str, names: Iterable[str], patient_user_id) -> Record:
    names = list(names)
    sources = field_sources(instance, names, patient_user_id=patient_user_id)
    fields = []
    for name in names:
        model_field = instance._meta.get_field(name)
        display = getattr(instance, f"get_{name}_display", None)
        value = display() if display and getattr(instance, name) else getattr(instance, name)
        fields.append(Field(name, str(model_field.verbose_name), _plain(value), sources[name]))
    return Record(title=title, fields=fields)


def subject_access_sections(patient) -> list[Section]:
    sections = []
    for provider in _providers:
        section = provider(patient=patient)
        if section is not None:
            sections.append(section)
    return sections


def as_json_data(*, patient, sections: list[Section], generated_at: datetime) -> dict:
    return {
        "format": "clinic-subject-access/1",
        "patient_id": str(patient.pk),
        "record_number": patient.record_number,
        "clinic": patient.clinic.name,
        "generated_at": generated_at.isoformat(),
        "sources": {
            PATIENT_ENTERED: "entered by the patient through the portal",
            CLINICIAN_ENTERED: "entered by clinic staff",
        },
        "sections": [asdict(s) for s in sections],
    }


PATIENT_FIELDS = [
    "record_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "pronouns",
    "email",
    "mobile_phone",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
    "country",
    "preferred_language",
    "time_zone",
    "gp_name",
    "gp_practice",
    "gp_phone",
    "gp_email",
    "referral_source",
    "referral_reason",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "consent_treatment",
    "consent_treatment_at",
    "consent_portal",
    "consent_portal_at",
    "consent_reminders",
    "consent_reminders_at",
    "status",
    "created_at",
]


@register
def _patient_record(*, patient) -> Section:
    record = record_from_instance(
        patient, title="Patient record", names=PATIENT_FIELDS, patient_user_id=patient.user_id
    )
    return Section(title="Personal and referral details", records=[record])

"""Our records as FHIR R4 resources, each built through ``fhir.resources`` so
that it is validated as it is made (a bad value raises there, not in a
receiving system). One builder per resource type; ``record_resources`` gives
every resource of one patient, the ``Organization`` and practitioners first.

Ids are our UUIDs; staff members (integer keys) get a UUID derived from the
key, so that no sequential id leaves the system. Codes: see ``fhir.codes``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fhir.resources.careplan import CarePlan
from fhir.resources.condition import Condition
from fhir.resources.flag import Flag
from fhir.resources.goal import Goal
from fhir.resources.observation import Observation
from fhir.resources.organization import Organization
from fhir.resources.patient import Patient as FhirPatient
from fhir.resources.practitioner import Practitioner
from fhir.resources.practitionerrole import PractitionerRole
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from fhir.resources.resource import Resource
from fhir.resources.servicerequest import ServiceRequest

from assessments.instruments import Instrument, all_instruments, get_instrument
from assessments.models import Condition as DiagnosisChoice
from assessments.models import EnteredBy
from exercises.models import days_list
from fhir_r4 import codes
from fhir_r4.record import PatientRecord, WeekAdherence
from patients.models import ReferralSource, Sex, Status
from programmes.models import PlanStatus, Prescription

# Our values -> FHIR value sets (administrative-gender, careplan-status, ...).
GENDER = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.INTERSEX: "other"}
CAREPLAN_STATUS = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.ACTIVE: "active",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.DISCONTINUED: "revoked",
    PlanStatus.PAUSED: "on-hold",  # issue 13: a paused programme
}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
STAFF_NAMESPACE = uuid.UUID("6f1c1c2e-8d0b-4f4e-9a47-3c2f7d1f5a10")


def ref(resource_type: str, resource_id, display: str = "") -> dict:
    reference: dict[str, Any] = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        reference["display"] = display
    return reference


def staff_id(member) -> str:
    return str(uuid.uuid5(STAFF_NAMESPACE, f"staff:{member.pk}"))


def role_id(member) -> str:
    return str(uuid.uuid5(STAFF_NAMESPACE, f"role:{member.pk}"))


def fhir_id(code: str) -> str:
    """An instrument code as a FHIR id (ids allow no underscore)."""
    return code.replace("_", "-")


def instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _local_coding(system_name: str, code: str, display: str = "") -> dict:
    coding: dict[str, Any] = {"system": codes.local_system(system_name), "code": code}
    if display:
        coding["display"] = display
    return coding


# --- Who: the clinic, its staff, the patient -----------------------------------


def organization_resource(clinic) -> Organization:
    telecom = []
    if clinic.phone:
        telecom.append({"system": "phone", "value": str(clinic.phone), "use": "work"})
    if clinic.email:
        telecom.append({"system": "email", "value": clinic.email, "use": "work"})
    if clinic.website:
        telecom.append({"system": "url", "value": clinic.website})
    data: dict[str, Any] = {
        "id": str(clinic.pk),
        "active": True,
        "name": clinic.name,
        "telecom": telecom or None,
    }
    if clinic.address:
        data["address"] = [{"text": clinic.address}]
    return Organization(**data)


def practitioner_resource(member) -> Practitioner:
    user = member.user
    data: dict[str, Any] = {
        "id": staff_id(member),
        "active": user.is_active,
        "name": [
            {
                "family": user.last_name or None,
                "given": [user.first_name] if user.first_name else None,
                "text": str(member),
            }
        ],
    }
    if member.professional_registration:
        data["qualification"] = [
            {
                "identifier": [{"value": member.professional_registration}],
                "code": {"text": "Professional registration"},
            }
        ]
    return Practitioner(**data)


def practitioner_role_resource(member, clinic) -> PractitionerRole:
    return PractitionerRole(
        id=role_id(member),
        active=member.user.is_active,
        practitioner=ref("Practitioner", staff_id(member), str(member)),
        organization=ref("Organization", clinic.pk, clinic.name),
        code=[{"text": member.get_role_display()}],
    )


def patient_resource(patient) -> FhirPatient:
    clinic = patient.clinic
    telecom = []
    if patient.mobile_phone:
        telecom.append({"system": "phone", "value": str(patient.mobile_phone), "use": "mobile"})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email, "use": "home"})
    lines = [line for line in (patient.address_line1, patient.address_line2) if line]
    address: dict[str, Any] = {
        "use": "home",
        "line": lines or None,
        "city": patient.city or None,
        "postalCode": patient.postcode or None,
        "country": patient.country or None,
    }
    data: dict[str, Any] = {
        "id": str(patient.pk),
        "identifier": [
            {
                "use": "usual",
                "type": {
                    "coding": [{"system": codes.V2_0203, "code": "MR"}],
                    "text": "Record number",
                },
                "system": codes.record_number_system(clinic.pk),
                "value": patient.record_number,
                "assigner": ref("Organization", clinic.pk, clinic.name),
            }
        ],
        "active": patient.status == Status.ACTIVE,
        "name": [{"use": "official", "family": patient.last_name, "given": [patient.first_name]}],
        "telecom": telecom or None,
        "gender": GENDER.get(patient.sex, "unknown"),
        "birthDate": patient.date_of_birth.isoformat(),
        "address": [address] if any(v for k, v in address.items() if k != "use") else None,
        "managingOrganization": ref("Organization", clinic.pk, clinic.name),
    }
    if patient.preferred_language and patient.preferred_language != "other":
        data["communication"] = [
            {
                "language": {
                    "coding": [{"system": codes.BCP47, "code": patient.preferred_language}],
                    "text": patient.get_preferred_language_display(),
                },
                "preferred": True,
            }
        ]
    practitioners = []
    if patient.assigned_clinician_id:
        member = patient.assigned_clinician
        practitioners.append(ref("PractitionerRole", role_id(member), str(member)))
    gp = ", ".join(v for v in (patient.gp_name, patient.gp_practice) if v)
    if gp:
        # The GP is known by name only: a reference with a display and no target.
        practitioners.append({"display": f"GP: {gp}"})
    data["generalPractitioner"] = practitioners or None
    if patient.emergency_contact_name:
        contact: dict[str, Any] = {
            "relationship": [
                {"text": patient.emergency_contact_relationship or "Emergency contact"}
            ],
            "name": {"text": patient.emergency_contact_name},
        }
        if patient.emergency_contact_phone:
            contact["telecom"] = [
                {"system": "phone", "value": str(patient.emergency_contact_phone)}
            ]
        data["contact"] = [contact]
    return FhirPatient(**data)


def referral_resource(patient) -> ServiceRequest | None:
    """The referral that brought the patient: source and reason (clinical)."""
    if not patient.referral_reason and patient.referral_source == ReferralSource.SELF:
        return None
    data: dict[str, Any] = {
        "id": str(patient.pk),
        "status": "completed",
        "intent": "order",
        "category": [{"text": "Referral"}],
        "code": {"text": "Physiotherapy referral"},
        "subject": ref("Patient", patient.pk),
        "authoredOn": instant(patient.created_at),
        "performer": [ref("Organization", patient.clinic_id, patient.clinic.name)],
        "requester": {"display": patient.get_referral_source_display()},
    }
    if patient.referral_source == ReferralSource.GP and patient.gp_name:
        data["requester"] = {"display": f"GP: {patient.gp_name}"}
    if patient.referral_reason:
        data["reasonCode"] = [{"text": patient.referral_reason}]
    return ServiceRequest(**data)


# --- Clinical content -----------------------------------------------------------


def condition_resource(plan) -> Condition | None:
    """The plan's working diagnosis (provisional by nature)."""
    choice = plan.assessment.working_diagnosis if plan.assessment_id else ""
    text = plan.working_diagnosis or (DiagnosisChoice(choice).label if choice else "")
    if not text:
        return None
    code: dict[str, Any] = {"text": text}
    if choice:
        code["coding"] = [_local_coding("working-diagnosis", choice, DiagnosisChoice(choice).label)]
    open_plan = plan.status in (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.PAUSED)
    data: dict[str, Any] = {
        "id": str(plan.pk),
        "clinicalStatus": {
            "coding": [
                {"system": codes.CONDITION_CLINICAL, "code": "active" if open_plan else "inactive"}
            ]
        },
        "verificationStatus": {
            "coding": [{"system": codes.CONDITION_VERIFICATION, "code": "provisional"}]
        },
        "category": [
            {"coding": [{"system": codes.CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}
        ],
        "code": code,
        "subject": ref("Patient", plan.patient_id),
        "recordedDate": instant(plan.created_at),
    }
    if plan.clinician_id:
        data["recorder"] = ref("PractitionerRole", role_id(plan.clinician), str(plan.clinician))
    return Condition(**data)


def flag_resource(event) -> Flag:
    """A red flag with the action the rule asks for and what was done."""
    resolution = getattr(event, "resolution", None)
    extensions = [
        {
            "url": codes.extension_url("red-flag-urgency"),
            "valueCoding": _local_coding(
                "red-flag-urgency", event.urgency, event.get_urgency_display()
            ),
        },
        {"url": codes.extension_url("red-flag-action"), "valueString": event.action_text},
    ]
    if resolution is not None:
        done = (
            resolution.get_action_display() if resolution.action else resolution.get_kind_display()
        )
        if resolution.note:
            done = f"{done}: {resolution.note}"
        extensions.append({"url": codes.extension_url("red-flag-resolution"), "valueString": done})
    period: dict[str, Any] = {"start": instant(event.fired_at)}
    if resolution is not None:
        period["end"] = instant(resolution.at)
    return Flag(
        id=str(event.pk),
        extension=extensions,
        status="inactive" if resolution is not None else "active",
        category=[
            {"coding": [{"system": codes.FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}]}
        ],
        code={
            "coding": [_local_coding("red-flag-rule", event.rule_id, event.title)],
            "text": event.title,
        },
        subject=ref("Patient", event.patient_id),
        period=period,
    )


def goal_resource(goal, plan) -> Goal:
    measure: dict[str, Any] = {"text": goal.measure}
    if goal.instrument_code:
        measure = _instrument_concept(goal.instrument_code.lower(), fallback=goal.measure)
    data: dict[str, Any] = {
        "id": str(goal.pk),
        "lifecycleStatus": "completed" if goal.achieved_on else "active",
        "category": [{"text": goal.get_term_display()}],
        "description": {"text": goal.description},
        "subject": ref("Patient", plan.patient_id),
        "target": [
            {
                "measure": measure,
                "detailQuantity": {"value": goal.target_value},
                "dueDate": goal.target_on.isoformat(),
            }
        ],
        "addresses": [ref("Condition", plan.pk)] if _has_diagnosis(plan) else None,
    }
    if goal.achieved_on:
        data["achievementStatus"] = {
            "coding": [{"system": codes.GOAL_ACHIEVEMENT, "code": "achieved"}]
        }
        data["statusDate"] = goal.achieved_on.isoformat()
    return Goal(**data)


def _has_diagnosis(plan) -> bool:
    return bool(
        plan.working_diagnosis or (plan.assessment_id and plan.assessment.working_diagnosis)
    )


def dosage_extension(p: Prescription) -> dict:
    """Sets, reps, hold, duration, load and side: the parts of an exercise dose
    that FHIR's Timing has no element for."""
    parts = [{"url": "sets", "valueInteger": p.sets}]
    if p.reps:
        parts.append({"url": "reps", "valueInteger": p.reps})
    if p.hold_s:
        parts.append(
            {
                "url": "hold",
                "valueQuantity": {
                    "value": p.hold_s,
                    "unit": "s",
                    "system": codes.UCUM,
                    "code": "s",
                },
            }
        )
    if p.duration_min:
        parts.append(
            {
                "url": "duration",
                "valueQuantity": {
                    "value": p.duration_min,
                    "unit": "min",
                    "system": codes.UCUM,
                    "code": "min",
                },
            }
        )
    if p.load:
        parts.append({"url": "load", "valueString": p.load})
    parts.append({"url": "side", "valueCode": p.side})
    return {"url": codes.extension_url("exercise-dosage"), "extension": parts}


def timing(p: Prescription) -> dict:
    """Times a day, days of the week and the period the exercise runs for."""
    repeat: dict[str, Any] = {
        "frequency": p.sessions_per_day,
        "period": 1,
        "periodUnit": "d",
        "dayOfWeek": [WEEKDAYS[d] for d in days_list(p.days_of_week)],
        "boundsPeriod": {
            "start": p.start_on.isoformat(),
            "end": p.end_on.isoformat() if p.end_on else None,
        },
    }
    if p.duration_min:
        repeat["duration"] = p.duration_min
        repeat["durationUnit"] = "min"
    return {"repeat": repeat}


def careplan_resource(plan, version, goals) -> CarePlan:
    """The plan with the programme version in force (or, for a draft or an
    ended plan, its latest version) as activities with exact dosage."""
    activities = []
    running = plan.status == PlanStatus.ACTIVE
    for p in version.prescriptions.all() if version is not None else []:
        text = p.dosage + (f". {p.notes}" if p.notes else "")
        activities.append(
            {
                "detail": {
                    "extension": [dosage_extension(p)],
                    "kind": "ServiceRequest",
                    "code": {
                        "coding": [_local_coding("exercise", p.exercise.slug, p.exercise.name)],
                        "text": p.exercise.name,
                    },
                    "status": "in-progress"
                    if running
                    else {PlanStatus.DRAFT: "not-started", PlanStatus.PAUSED: "on-hold"}.get(
                        plan.status, "stopped"
                    ),
                    "scheduledTiming": timing(p),
                    "description": text,
                }
            }
        )
    description = ""
    if version is not None:
        description = f"Home exercise programme version {version.number}"
        if version.valid_from:
            description += f", in force from {version.valid_from:%d %B %Y}"
    data: dict[str, Any] = {
        "id": str(plan.pk),
        "status": CAREPLAN_STATUS[plan.status],
        "intent": "plan",
        "title": plan.title,
        "description": description or None,
        "subject": ref("Patient", plan.patient_id),
        "period": {
            "start": plan.start_on.isoformat(),
            "end": plan.review_on.isoformat() if plan.review_on else None,
        },
        "created": instant(plan.created_at),
        "addresses": [ref("Condition", plan.pk)] if _has_diagnosis(plan) else None,
        "goal": [ref("Goal", g.pk) for g in goals] or None,
        "activity": activities or None,
    }
    if plan.clinician_id:
        data["author"] = ref("PractitionerRole", role_id(plan.clinician), str(plan.clinician))
    return CarePlan(**data)


# --- Instruments: Questionnaire, QuestionnaireResponse, Observation -------------


def questionnaire_url(instrument: Instrument) -> str:
    return f"{codes.api_base()}/Questionnaire/{fhir_id(instrument.code)}"


def _option_code(value) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _answer_system(instrument: Instrument) -> str:
    return codes.local_system(f"{fhir_id(instrument.code)}-answers")


def questionnaire_resource(instrument: Instrument) -> Questionnaire:
    items = []
    for item in instrument.item_defs:
        entry: dict[str, Any] = {"linkId": item.code, "text": item.label}
        if item.kind == "boolean":
            entry["type"] = "boolean"
        elif item.kind == "age":
            entry["type"] = "decimal"
        else:
            entry["type"] = "choice"
            entry["repeats"] = item.kind == "choice_multi" or None
            entry["answerOption"] = [
                {
                    "valueCoding": {
                        "system": _answer_system(instrument),
                        "code": _option_code(o.value),
                        "display": o.label,
                    }
                }
                for o in item.options
            ]
        items.append(entry)
    data: dict[str, Any] = {
        "id": fhir_id(instrument.code),
        "url": questionnaire_url(instrument),
        "version": instrument.version,
        "name": fhir_id(instrument.code).upper().replace("-", ""),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.stem or None,
        "copyright": instrument.licence or None,
        "code": [_instrument_coding(instrument.code)],
        "item": items,
    }
    loinc = codes.QUESTIONNAIRE_LOINC.get(instrument.code)
    if loinc:
        data["code"].insert(0, {"system": codes.LOINC, "code": loinc[0], "display": loinc[1]})
    return Questionnaire(**data)


def questionnaire_resources() -> list[Questionnaire]:
    return [questionnaire_resource(i) for i in all_instruments()]


def _instrument_coding(code: str) -> dict:
    try:
        name = get_instrument(code).name
    except KeyError:
        name = code
    return _local_coding(codes.INSTRUMENT_SYSTEM_NAME, code, name)


def _instrument_concept(code: str, *, fallback: str = "") -> dict:
    codings = [_instrument_coding(code)]
    loinc = codes.INSTRUMENT_LOINC.get(code)
    if loinc:
        codings.insert(0, {"system": codes.LOINC, "code": loinc[0], "display": loinc[1]})
    return {"coding": codings, "text": codings[-1].get("display", fallback)}


def _answers(instrument: Instrument, item, value, labels: dict) -> list[dict]:
    if item.kind == "boolean" or isinstance(value, bool):
        return [{"valueBoolean": bool(value)}]
    if item.kind == "age":
        return [{"valueDecimal": value}]
    values = value if isinstance(value, list) else [value]
    by_value = {_option_code(o.value): o.label for o in item.options}
    answers = []
    for v in values:
        code = _option_code(v)
        coding: dict[str, Any] = {"system": _answer_system(instrument), "code": code}
        if code in by_value:
            coding["display"] = by_value[code]
        answers.append({"valueCoding": coding})
    return answers


def _author(response, patient) -> dict:
    if response.entered_by == EnteredBy.PATIENT or not response.assessment_id:
        return ref("Patient", patient.pk)
    member = response.assessment.clinician
    return ref("PractitionerRole", role_id(member), str(member))


def questionnaire_response_resource(response, patient) -> QuestionnaireResponse:
    """The answers as recorded, in the instrument's item order."""
    instrument = get_instrument(response.instrument_code)
    labels = response.labels or {}
    items = []
    for item in instrument.item_defs:
        value = (response.answers or {}).get(item.code)
        if value is None or value == []:
            continue
        items.append(
            {
                "linkId": item.code,
                "text": labels.get(item.code) or item.label,
                "answer": _answers(instrument, item, value, labels),
            }
        )
    return QuestionnaireResponse(
        id=str(response.pk),
        questionnaire=f"{questionnaire_url(instrument)}|{response.instrument_version}",
        status="completed" if response.complete else "in-progress",
        subject=ref("Patient", patient.pk),
        authored=instant(response.created_at),
        author=_author(response, patient),
        source=ref("Patient", patient.pk) if response.entered_by == EnteredBy.PATIENT else None,
        item=items or None,
    )


def _score_quantity(value) -> dict:
    return {"value": value, "unit": "{score}", "system": codes.UCUM, "code": "{score}"}


def score_observation(response, patient) -> Observation | None:
    """The instrument's total, as frozen when it was scored; none without a total."""
    if response.total is None:
        return None
    data: dict[str, Any] = {
        "id": str(response.pk),
        "status": "final" if response.complete else "preliminary",
        "category": [
            {
                "coding": [
                    {"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                ]
            }
        ],
        "code": _instrument_concept(response.instrument_code),
        "subject": ref("Patient", patient.pk),
        "effectiveDateTime": response.assessed_on.isoformat(),
        "issued": instant(response.created_at),
        "performer": [_author(response, patient)],
        "valueQuantity": _score_quantity(response.total),
        "derivedFrom": [ref("QuestionnaireResponse", response.pk)],
        "note": [
            {
                "text": f"Scoring rule {response.scoring_rule_version}; instrument version {response.instrument_version}."
            }
        ],
    }
    if response.band:
        data["interpretation"] = [{"text": response.band}]
    return Observation(**data)


def check_in_pain_observation(check_in, patient) -> Observation:
    """ "Pain now" from the weekly check-in: a 0-10 rating (LOINC 72514-3)."""
    return Observation(
        id=str(check_in.pk),
        status="final",
        category=[
            {
                "coding": [
                    {"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                ]
            }
        ],
        code={
            "coding": [
                {
                    "system": codes.LOINC,
                    "code": codes.PAIN_LOINC[0],
                    "display": codes.PAIN_LOINC[1],
                },
                _local_coding("check-in", "pain-now", "Pain now (check-in)"),
            ],
            "text": "Pain now (0-10)",
        },
        subject=ref("Patient", patient.pk),
        effectiveDateTime=check_in.checked_on.isoformat(),
        issued=instant(check_in.created_at),
        performer=[ref("Patient", patient.pk)],
        valueQuantity=_score_quantity(check_in.pain_now),
    )


ADHERENCE_NAMESPACE = uuid.UUID("0b8f4a52-4a43-4d51-9a8e-0b7c3f1e2d64")


def _adherence_code(code: str, display: str) -> dict:
    return {"coding": [_local_coding(codes.ADHERENCE_SYSTEM_NAME, code, display)], "text": display}


def adherence_observation(week: WeekAdherence, patient) -> Observation:
    """One week's session adherence (SPEC 5: sessions completed / prescribed)."""
    components = [
        {
            "code": _adherence_code("sessions-prescribed", "Sessions prescribed"),
            "valueQuantity": {
                "value": week.prescribed,
                "unit": "sessions",
                "system": codes.UCUM,
                "code": "{sessions}",
            },
        },
        {
            "code": _adherence_code("sessions-completed", "Sessions completed"),
            "valueQuantity": {
                "value": week.completed,
                "unit": "sessions",
                "system": codes.UCUM,
                "code": "{sessions}",
            },
        },
    ]
    data: dict[str, Any] = {
        "id": str(uuid.uuid5(ADHERENCE_NAMESPACE, f"{patient.pk}:{week.week_start}")),
        "status": "final" if week.complete_week else "preliminary",
        "category": [
            {
                "coding": [
                    {
                        "system": codes.OBSERVATION_CATEGORY,
                        "code": "activity",
                        "display": "Activity",
                    }
                ]
            }
        ],
        "code": _adherence_code("sessions-week", "Home exercise adherence, sessions per week"),
        "subject": ref("Patient", patient.pk),
        "effectivePeriod": {"start": week.week_start.isoformat(), "end": week.week_end.isoformat()},
        "component": components,
    }
    percent = week.percent
    if percent is not None:
        data["valueQuantity"] = {"value": percent, "unit": "%", "system": codes.UCUM, "code": "%"}
        adherent = percent >= week.threshold_percent
        data["interpretation"] = [
            {
                "text": f"{'Adherent' if adherent else 'Below'} the clinic's threshold of {week.threshold_percent}%"
            }
        ]
    else:
        data["dataAbsentReason"] = {"text": "No sessions prescribed"}
    return Observation(**data)


# --- One patient's everything ----------------------------------------------------


def record_resources(record: PatientRecord) -> list[Resource]:
    """Every resource of the record, in a stable order: the Patient, who cares
    for them, then clinical content. Questionnaires of the instruments answered
    come too, so that each response's ``questionnaire`` can be resolved."""
    patient = record.patient
    clinic = patient.clinic
    resources: list[Resource] = [patient_resource(patient), organization_resource(clinic)]
    for member in record.staff:
        resources.append(practitioner_resource(member))
        resources.append(practitioner_role_resource(member, clinic))
    referral = referral_resource(patient)
    if referral is not None:
        resources.append(referral)
    goals_by_plan: dict = {}
    for goal in record.goals:
        goals_by_plan.setdefault(goal.plan_id, []).append(goal)
    for plan in record.plans:
        condition = condition_resource(plan)
        if condition is not None:
            resources.append(condition)
        goals = goals_by_plan.get(plan.pk, [])
        resources.extend(goal_resource(goal, plan) for goal in goals)
        resources.append(careplan_resource(plan, record.versions.get(plan.pk), goals))
    resources.extend(flag_resource(event) for event in record.red_flags)
    answered = sorted({r.instrument_code for r in record.responses})
    resources.extend(questionnaire_resource(get_instrument(code)) for code in answered)
    for response in record.responses:
        resources.append(questionnaire_response_resource(response, patient))
        observation = score_observation(response, patient)
        if observation is not None:
            resources.append(observation)
    resources.extend(check_in_pain_observation(c, patient) for c in record.check_ins)
    resources.extend(adherence_observation(week, patient) for week in record.adherence)
    return resources

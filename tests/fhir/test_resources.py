"""Every resource we emit is valid FHIR R4 (it parses again with
fhir.resources), carries the references it should, and the export survives a
round trip through the import."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fhir.resources import construct_fhir_element
from fhir.resources.bundle import Bundle

from assessments.instruments import all_instruments
from fhir_r4 import codes
from fhir_r4.builders import questionnaire_resources
from fhir_r4.services import fhir_record_bundle, referral_parse
from patients.forms import CLINICAL_FIELDS, DEMOGRAPHIC_FIELDS, PatientForm
from patients.services import patient_create
from tests.fhir.conftest import START, TODAY

pytestmark = pytest.mark.django_db


def _exported(patient) -> dict:
    """The bundle as a receiver sees it: JSON text parsed again."""
    return json.loads(fhir_record_bundle(patient=patient).json())


def _by_type(bundle: dict, resource_type: str) -> list[dict]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ]


def _references(node, found=None) -> list[str]:
    found = [] if found is None else found
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            found.append(node["reference"])
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)
    return found


def test_every_resource_of_the_record_parses_again_as_fhir_r4(record):
    bundle = _exported(record)
    Bundle.parse_obj(bundle)  # the whole bundle, entries included
    types = set()
    for entry in bundle["entry"]:
        resource = construct_fhir_element(entry["resource"]["resourceType"], entry["resource"])
        types.add(resource.resource_type)
        assert entry["fullUrl"] == f"{codes.api_base()}/{resource.resource_type}/{resource.id}"
    assert types >= {
        "Patient",
        "Organization",
        "Practitioner",
        "PractitionerRole",
        "ServiceRequest",
        "Condition",
        "Flag",
        "Goal",
        "CarePlan",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
    }
    assert bundle["type"] == "collection"


def test_every_reference_points_into_the_same_bundle(record):
    bundle = _exported(record)
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}
    references = _references([e["resource"] for e in bundle["entry"]])
    assert references  # plenty of them
    assert set(references) <= present, set(references) - present
    patient = _by_type(bundle, "Patient")[0]
    careplan = _by_type(bundle, "CarePlan")[0]
    assert careplan["subject"]["reference"] == f"Patient/{patient['id']}"
    assert patient["managingOrganization"]["reference"] == f"Organization/{record.clinic_id}"
    for resource_type in ("Condition", "Flag", "Goal", "QuestionnaireResponse", "Observation"):
        for resource in _by_type(bundle, resource_type):
            assert resource["subject"]["reference"] == f"Patient/{record.pk}", resource_type
    assert {g["reference"] for g in careplan["goal"]} == {
        f"Goal/{g['id']}" for g in _by_type(bundle, "Goal")
    }
    assert careplan["addresses"] == [{"reference": f"Condition/{careplan['id']}"}]


def test_the_patient_carries_the_demographics_record_number_and_clinician(record):
    patient = _by_type(_exported(record), "Patient")[0]
    assert patient["name"][0] == {"use": "official", "family": "Quigley", "given": ["Zelda"]}
    assert patient["birthDate"] == record.date_of_birth.isoformat()
    assert patient["identifier"][0]["value"] == record.record_number
    assert patient["identifier"][0]["system"] == codes.record_number_system(record.clinic_id)
    assert {"system": "email", "value": record.email, "use": "home"} in patient["telecom"]
    assert patient["generalPractitioner"][0]["reference"].startswith("PractitionerRole/")


def test_the_careplan_has_the_programme_in_force_with_text_and_structured_dosage(record):
    careplan = _by_type(_exported(record), "CarePlan")[0]
    assert careplan["status"] == "active"
    assert "version 1" in careplan["description"]
    activities = careplan["activity"]
    assert len(activities) == 2  # Alfredson: two eccentric heel drops
    detail = activities[0]["detail"]
    repeat = detail["scheduledTiming"]["repeat"]
    # Alfredson: 3 x 15, twice a day, every day, for 12 weeks (SPEC 4.2 [S81]).
    assert repeat["frequency"] == 2
    assert repeat["period"] == 1 and repeat["periodUnit"] == "d"
    assert repeat["dayOfWeek"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert repeat["boundsPeriod"]["start"] == START.isoformat()
    dosage = {e["url"]: e for e in detail["extension"][0]["extension"]}
    assert dosage["sets"]["valueInteger"] == 3
    assert dosage["reps"]["valueInteger"] == 15
    assert detail["description"].startswith("3 x 15 reps")
    assert detail["code"]["text"]


def test_scores_carry_loinc_where_one_exists_and_the_local_code_always(record):
    observations = _by_type(_exported(record), "Observation")
    by_code = {}
    for observation in observations:
        for coding in observation["code"]["coding"]:
            by_code.setdefault((coding["system"], coding["code"]), observation)
    nprs = by_code[(codes.LOINC, "72514-3")]
    assert nprs["valueQuantity"]["value"] == 6
    assert nprs["derivedFrom"][0]["reference"].startswith("QuestionnaireResponse/")
    lefs = by_code[(codes.local_system("instrument"), "lefs")]
    assert all(c["system"] != codes.LOINC for c in lefs["code"]["coding"])  # none exists
    assert lefs["valueQuantity"]["value"] == 60
    # The check-in's "pain now" is the same LOINC pain score.
    check_in = [o for o in observations if o["code"].get("text") == "Pain now (0-10)"]
    assert check_in and check_in[0]["valueQuantity"]["value"] == 4


def test_adherence_is_one_observation_per_week_the_current_one_preliminary(record):
    weekly = [
        o
        for o in _by_type(_exported(record), "Observation")
        if o["code"]["coding"][0]["system"] == codes.local_system("adherence")
    ]
    starts = [o["effectivePeriod"]["start"] for o in weekly]
    assert starts == [(START + timedelta(weeks=n)).isoformat() for n in range(4)]
    assert [o["status"] for o in weekly] == ["final", "final", "final", "preliminary"]
    first = weekly[0]
    parts = {
        c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in first["component"]
    }
    # 2 sessions a day prescribed; the logs complete session 1 every 4th day only
    # when both exercises are logged: days 0 and 4 of the first week.
    assert parts == {"sessions-prescribed": 14, "sessions-completed": 2}
    assert first["valueQuantity"] == {
        "value": 14.3,
        "unit": "%",
        "system": codes.UCUM,
        "code": "%",
    }
    assert TODAY.isoformat() <= weekly[-1]["effectivePeriod"]["end"]


def test_questionnaire_responses_hold_the_answers_as_recorded(record):
    bundle = _exported(record)
    responses = {
        r["questionnaire"].split("/")[-1].split("|")[0]: r
        for r in _by_type(bundle, "QuestionnaireResponse")
    }
    psfs = responses["psfs"]
    assert psfs["item"][0]["text"] == "Running for the bus"
    assert psfs["item"][0]["answer"][0]["valueCoding"]["code"] == "4"
    nprs = responses["nprs"]
    assert [i["answer"][0]["valueCoding"]["code"] for i in nprs["item"]] == ["6", "2", "8"]
    urls = {q["url"] for q in _by_type(bundle, "Questionnaire")}
    assert {r["questionnaire"].split("|")[0] for r in responses.values()} <= urls


def test_the_red_flag_is_a_flag_with_its_action_and_what_was_done(record):
    flag = _by_type(_exported(record), "Flag")[0]
    extensions = {e["url"].rsplit("/", 1)[-1]: e for e in flag["extension"]}
    assert extensions["red-flag-action"]["valueString"].startswith("Same-day medical")
    assert extensions["red-flag-resolution"]["valueString"] == "Same-day GP / urgent care"
    assert flag["status"] == "inactive"  # actioned


def test_a_questionnaire_for_every_instrument_we_ship():
    questionnaires = questionnaire_resources()
    assert len(questionnaires) == len(all_instruments())
    for questionnaire in questionnaires:
        construct_fhir_element("Questionnaire", json.loads(questionnaire.json()))
    odi = next(q for q in questionnaires if q.id == "odi")
    assert odi.code[0].code == "97908-8"


def test_round_trip_export_import_gives_the_same_demographics(record, clinician):
    record.address_line1, record.address_line2 = "12 Mill Lane", "Flat 3"
    record.city, record.postcode = "Riverside", "RV1 2AB"
    record.preferred_language = "cy"
    record.gp_name, record.gp_practice = "Dr Ada Jones", "Mill Lane Surgery"
    record.referral_source = "gp"
    record.emergency_contact_name = "Ivo Quigley"
    record.emergency_contact_relationship = "Brother"
    record.emergency_contact_phone = "+447911100777"
    record.save()
    raw = fhir_record_bundle(patient=record).json().encode()
    referral = referral_parse(raw=raw)
    data = {
        "clinic": record.clinic_id,
        "status": "active",
        "time_zone": "Europe/London",
        "confirm_not_duplicate": True,
        **referral.data,
    }
    form = PatientForm(data=data, staff_member=clinician.staff_member, user=clinician)
    assert form.is_valid(), form.errors
    copy = patient_create(patient=form.save(commit=False), consents={}, by=clinician)
    # Every field of the form but those the receiving clinic sets and those the
    # Patient resource does not carry (pronouns; the GP's phone and email: the GP
    # is a name in generalPractitioner).
    local = {"clinic", "status", "assigned_clinician", "time_zone"}
    not_carried = {"pronouns", "gp_phone", "gp_email"}
    fields = [f for f in DEMOGRAPHIC_FIELDS + CLINICAL_FIELDS if f not in local | not_carried]
    record.refresh_from_db()
    assert {f: getattr(copy, f) for f in fields} == {f: getattr(record, f) for f in fields}
    assert copy.record_number != record.record_number

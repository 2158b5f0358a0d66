"""The FHIR export button on the patient page (clinical roles: the bundle holds
clinical content)."""

from clinic import panels


@panels.register("patient_actions")
def fhir_export_button(*, request, staff_member, patient):
    if patient is None:
        return None
    clinical = request.user.is_superuser or (
        staff_member is not None and staff_member.sees_clinical_content
    )
    if not clinical:
        return None
    return "fhir_r4/panels/export_button.html", {"patient": patient}

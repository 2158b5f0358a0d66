"""The FHIR export button on the patient page (clinical roles: the bundle holds
clinical content) and the API-token page in the staff menu (clinic admins)."""

from clinic import panels

panels.register_nav(
    panels.NavEntry("API tokens", "fhir:tokens", order=90, clinical_only=True, admin_only=True)
)


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

"""Slots in shared staff pages that other apps fill without editing them.

An app registers a provider for a slot in its ``AppConfig.ready``; the
provider gets the request, the staff member and (on patient pages) the patient,
and returns ``(template_name, context)`` or ``None`` when it has nothing to show
(or the viewer may not see it). Slots:

- ``dashboard_top``: above the caseload (red flags, alerts)
- ``patient_banner``: top of the patient page (open red flags)
- ``patient_actions``: buttons next to "Edit" on the patient page
- ``patient_sections``: cards in the patient page's right-hand column
- ``plan_sections``: cards above the programme on the plan page (providers also get
  ``plan``)

Navigation works the same way: an app adds its entries to the staff site's
menu with ``register_nav`` (the base app names no feature app's URL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

Provider = Callable[..., tuple[str, dict] | None]
_slots: dict[str, list[Provider]] = defaultdict(list)

SLOTS = {"dashboard_top", "patient_banner", "patient_actions", "patient_sections", "plan_sections"}
# Slots whose providers also receive the page's ``plan``.
PLAN_SLOTS = {"plan_sections"}


def register(slot: str) -> Callable[[Provider], Provider]:
    if slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {slot!r}; one of {sorted(SLOTS)}.")

    def decorator(provider: Provider) -> Provider:
        _slots[slot].append(provider)
        return provider

    return decorator


def providers(slot: str) -> list[Provider]:
    return list(_slots[slot])


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int = 50
    # Shown only to roles that see clinical content (not reception).
    clinical_only: bool = False
    # Shown only to clinic admins (e.g. the FHIR API tokens).
    admin_only: bool = False


_nav: list[NavEntry] = []


def register_nav(entry: NavEntry) -> NavEntry:
    if entry not in _nav:
        _nav.append(entry)
        _nav.sort(key=lambda e: (e.order, e.label))
    return entry


def nav_entries(staff_member) -> list[NavEntry]:
    """The menu entries this staff member may use, in menu order."""
    clinical = staff_member is not None and staff_member.sees_clinical_content
    admin = staff_member is not None and staff_member.is_clinic_admin
    return [e for e in _nav if (clinical or not e.clinical_only) and (admin or not e.admin_only)]

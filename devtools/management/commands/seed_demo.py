"""Idempotent demo data: two clinics, staff of each role, about 60 patients;
40 of them with a signed assessment, a plan and weeks of home activity
(``devtools.demo_activity``).

Running it again changes nothing that is already there (lookups by username
and by name plus date of birth), so `make run` calls it every time.
"""

import random
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.models import Clinic, Role, StaffMember
from devtools.demo_activity import seed_demo_activity
from devtools.demo_data import (
    CITIES,
    CLINICS,
    CONDITIONS,
    DEMO_PASSWORD,
    FIRST_NAMES,
    LAST_NAMES,
    demo_totp_device,
    demo_usernames,
)
from messaging.models import Conversation, Message
from messaging.services import conversation_for
from patients.models import Patient, ReferralSource, Sex, Status
from patients.services import patient_create

PATIENTS_PER_CLINIC = 30
# (patient's question, the clinician's answer or "" while it waits for one).
DEMO_MESSAGES = [
    (
        "It hurts at the bottom of the heel drop, should I stop?",
        "Some discomfort up to 5 out of 10 is fine if it settles by the next morning. "
        "If it is worse the next day, do the heel drops on the flat instead of off the step.",
    ),
    ("Can I do my exercises before my run or should I wait until after?", ""),
    ("I am away next week without a step. What can I do instead?", ""),
]


PRODUCTION_FLAG = "--i-know-this-is-production"


class Command(BaseCommand):
    help = "Load demo clinics, staff and patients (idempotent). Development only."

    def add_arguments(self, parser):
        parser.add_argument(
            PRODUCTION_FLAG,
            action="store_true",
            dest="production",
            help="Run outside DJANGO_DEBUG=true: the demo accounts then get no "
            "password and no second factor (set them through password reset and "
            "an enrolment link).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["production"]:
            raise CommandError(
                "seed_demo is for development (DJANGO_DEBUG=true). It would create "
                f"accounts with the published demo password; add {PRODUCTION_FLAG} "
                "to load the demo data without any known password."
            )
        # Outside development no account gets a known password or device (issue 19).
        known = settings.DEBUG
        rng = random.Random(2026)
        User = get_user_model()  # noqa: N806
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "first_name": "Site",
                "last_name": "Admin",
            },
        )
        if created:
            _set_demo_password(admin, known)
        created_patients = 0
        for spec in CLINICS:
            clinic, _ = Clinic.objects.get_or_create(
                name=spec["name"],
                defaults={k: spec[k] for k in ("time_zone", "email", "phone", "address")},
            )
            clinicians = []
            for username, first, last, role in spec["staff"]:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@staff.example",
                        # Only clinic admins use the Django admin.
                        "is_staff": role == Role.CLINIC_ADMIN,
                    },
                )
                if created:
                    _set_demo_password(user, known)
                member, _ = StaffMember.objects.get_or_create(user=user, defaults={"role": role})
                member.clinics.add(clinic)
                if role == Role.CLINICIAN:
                    clinicians.append(member)
            created_patients += self._patients(rng, clinic, clinicians, admin)
            self._conversations(clinic)
        if known:
            # Development only: a TOTP device with the published demo secret, so
            # that `make run` logins work (codes: `manage.py demo_otp_code`).
            staff = User.objects.filter(username__in=demo_usernames() | {"admin"})
            for user in staff:
                demo_totp_device(user)
        self.stdout.write(f"Demo data ready ({created_patients} new patients).")
        call_command("load_exercise_library", stdout=self.stdout)
        seed_demo_activity(stdout=self.stdout)

    def _conversations(self, clinic) -> None:
        """A few secure-message conversations (issue 16): the first active
        patients of the clinic that have none yet; idempotent."""
        patients = Patient.objects.filter(clinic=clinic, status=Status.ACTIVE).order_by(
            "record_number"
        )[: len(DEMO_MESSAGES)]
        for patient, (question, answer) in zip(patients, DEMO_MESSAGES, strict=False):
            if Conversation.objects.filter(patient=patient).exists():
                continue
            conversation = conversation_for(patient)
            Message.objects.create(conversation=conversation, from_patient=True, body=question)
            clinician = patient.assigned_clinician
            if answer and clinician is not None:
                Message.objects.create(
                    conversation=conversation,
                    from_patient=False,
                    sender=clinician.user,
                    body=answer,
                )
            last = conversation.messages.latest("created_at")
            Conversation.objects.filter(pk=conversation.pk).update(
                last_message_at=last.created_at,
                last_from_patient=last.from_patient,
                needs_reply=last.from_patient,
                unread_by_staff=1 if last.from_patient else 0,
                unread_by_patient=0 if last.from_patient else 1,
            )

    def _patients(self, rng, clinic, clinicians, admin) -> int:
        created = 0
        for i in range(PATIENTS_PER_CLINIC):
            reason, (low, high) = CONDITIONS[i % len(CONDITIONS)]
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            age = rng.randint(low, high)
            dob = date(2026 - age, 1, 1) + timedelta(days=rng.randint(0, 364))
            # Draw every random value before the existence check, so that a
            # second run walks the same sequence and finds the same people.
            values = dict(
                sex=rng.choice([Sex.FEMALE, Sex.MALE]),
                mobile_phone=f"+4479111{rng.randint(0, 99999):05d}",
                address_line1=f"{rng.randint(1, 200)} High Street",
                city=rng.choice(CITIES),
                postcode=f"SE{rng.randint(1, 28)} {rng.randint(1, 9)}AB",
                gp_name=f"Dr {rng.choice(LAST_NAMES)}",
                gp_practice=f"{rng.choice(CITIES)} Medical Centre",
                referral_source=rng.choice(ReferralSource.values),
                emergency_contact_name=f"{rng.choice(FIRST_NAMES)} {last}",
                emergency_contact_relationship=rng.choice(
                    ["Partner", "Parent", "Friend", "Sibling"]
                ),
            )
            if Patient.objects.filter(
                clinic=clinic, first_name=first, last_name=last, date_of_birth=dob
            ).exists():
                continue
            patient = Patient(
                clinic=clinic,
                first_name=first,
                last_name=last,
                date_of_birth=dob,
                email=f"{first}.{last}.{i}@patients.example".lower(),
                time_zone=clinic.time_zone,
                referral_reason=reason,
                status=Status.ACTIVE if i % 6 else Status.DISCHARGED,
                assigned_clinician=clinicians[i % len(clinicians)] if clinicians else None,
                **values,
            )
            patient_create(
                patient=patient,
                consents={"treatment": True, "portal": i % 3 != 0, "reminders": i % 3 != 0},
                by=admin,
            )
            created += 1
        return created


def _set_demo_password(user, known: bool) -> None:
    if known:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    user.save()

"""Print a second-factor enrolment link for an account without a device (the
first superuser, or any account when no clinic admin can send one)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clinic.security import has_confirmed_device
from clinic.twofactor import otp_enrolment_link_create


class Command(BaseCommand):
    help = "Print a signed, single-use enrolment link for USERNAME (log in first, then open it)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        if has_confirmed_device(user):
            raise CommandError(f"{username} already has a second factor (reset it first).")
        path = otp_enrolment_link_create(user=user)
        self.stdout.write(
            f"Log in as {username}, then open (once, within "
            f"{settings.OTP_ENROLMENT_LINK_HOURS} hours):\n{settings.SITE_BASE_URL}{path}"
        )

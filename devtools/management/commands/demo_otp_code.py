"""Print the current second-factor code of the demo staff (development only)."""

import base64
import binascii
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp


class Command(BaseCommand):
    help = "Print the current TOTP code for the demo logins (DJANGO_DEBUG=true only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo codes exist only with DJANGO_DEBUG=true.")
        key = binascii.unhexlify(settings.OTP_DEMO_SECRET_HEX)
        code = totp(key, step=30, t0=0, digits=6)
        left = 30 - int(time.time()) % 30
        secret = base64.b32encode(key).decode()
        self.stdout.write(f"{code:06d}  (valid for {left} more seconds)")
        self.stdout.write(f"Demo authenticator secret (base32): {secret}")

"""Test settings: only what makes the suite fast and self-contained.

The suite runs on PostgreSQL (the machine's server) unless DATABASE_URL says
otherwise, and against the real Redis.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 30)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from clinic.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# No collectstatic in tests: serve from the apps' static folders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

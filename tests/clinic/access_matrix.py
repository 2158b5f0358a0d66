"""Access-matrix entries for the account-security and audit-export pages."""

STAFF = ("reception", "clinician", "colleague", "clinic_admin")
EVERYONE = ("anonymous", "patient", *STAFF)

STAFF_MATRIX = {
    # No worker heartbeat in the test Redis: unhealthy (503) for everyone; the
    # details (staff past the second factor) are tested in test_health_metrics.
    "health": (None, dict.fromkeys(EVERYONE, 503)),
    # No METRICS_TOKEN in the tests: the endpoint is off for everyone.
    "metrics": (None, dict.fromkeys(EVERYONE, 404)),
    # Patients have no second factor: the page sends them on.
    "otp-verify": (None, {"anonymous": 302, "patient": 302, **dict.fromkeys(STAFF, 200)}),
    # Every staff persona already has a confirmed device: on to verification.
    "otp-enrol": (None, dict.fromkeys(EVERYONE, 302)),
    # A made-up link; staff personas are enrolled already: on to verification.
    "otp-enrol-link": (lambda ctx: ["made-up-token"], dict.fromkeys(EVERYONE, 302)),
    "otp-recovery-codes": (None, {"anonymous": 302, "patient": 302, **dict.fromkeys(STAFF, 200)}),
    "password_reset": (None, dict.fromkeys(EVERYONE, 200)),
    "password_reset_done": (None, dict.fromkeys(EVERYONE, 200)),
    # A made-up link: the "invalid link" page, for everyone.
    "password_reset_confirm": (lambda ctx: ["MQ", "bad-token"], dict.fromkeys(EVERYONE, 200)),
    "password_reset_complete": (None, dict.fromkeys(EVERYONE, 200)),
    "audit-export": (
        None,
        {
            "anonymous": 302,
            "patient": 403,
            "reception": 403,
            "clinician": 403,
            "colleague": 403,
            "clinic_admin": 200,
        },
    ),
}

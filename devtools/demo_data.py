"""Demo content for seed_demo: two clinics and patients with the leg-pain
conditions of clinical/SPEC.md. Names and numbers are fictional."""

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (published demo login)

CLINICS = [
    {
        "name": "Riverside Physiotherapy",
        "time_zone": "Europe/London",
        "email": "hello@riverside-physio.example",
        "phone": "+442079460000",
        "address": "12 Riverside Walk\nLondon SE1 9ZZ",
        "staff": [
            ("clinician", "Amara", "Okafor", "clinician"),
            ("clinician.b", "Tom", "Hughes", "clinician"),
            ("reception", "Priya", "Shah", "reception"),
            ("clinicadmin", "Helen", "Marsh", "clinic_admin"),
        ],
    },
    {
        "name": "Harbour Sports & Spine Clinic",
        "time_zone": "America/New_York",
        "email": "front-desk@harbour-clinic.example",
        "phone": "+12125550100",
        "address": "400 Harbor Street\nNew York, NY 10004",
        "staff": [
            ("harbour.clinician", "Diego", "Ramirez", "clinician"),
            ("harbour.reception", "Jess", "Lee", "reception"),
            ("harbour.admin", "Sam", "Carter", "clinic_admin"),
        ],
    },
]

# (referral reason, typical age range) per SPEC condition.
CONDITIONS = [
    ("Sciatica: leg pain radiating below the knee with back pain", (25, 65)),
    ("PAD intermittent claudication: calf pain on walking, eased by rest", (55, 85)),
    ("Patellofemoral pain: anterior knee pain on stairs and squatting", (16, 40)),
    ("Mid-portion Achilles tendinopathy", (30, 60)),
    ("Plantar heel pain, worst on first steps in the morning", (35, 65)),
    ("Tibial bone stress injury: returning to running", (18, 40)),
    ("Hamstring strain during sprinting", (18, 40)),
    ("Lateral ankle sprain, inversion injury", (16, 50)),
    ("Knee osteoarthritis: stiffness and pain on walking", (50, 85)),
    ("Chronic exertional compartment syndrome symptoms", (18, 35)),
]

FIRST_NAMES = [
    "Olivia",
    "Noah",
    "Amelia",
    "Leo",
    "Isla",
    "Oscar",
    "Ava",
    "Arthur",
    "Mia",
    "Muhammad",
    "Freya",
    "George",
    "Ivy",
    "Harry",
    "Grace",
    "Theo",
    "Sofia",
    "Jack",
    "Lily",
    "Finley",
    "Zara",
    "Alfie",
    "Ella",
    "Henry",
    "Aisha",
    "Charlie",
    "Maya",
    "Jacob",
    "Nia",
    "Ethan",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Murphy",
    "Nowak",
    "Costa",
    "Okafor",
    "Lewis",
]
CITIES = ["London", "Croydon", "Bromley", "Kingston", "Richmond", "Greenwich"]


def demo_usernames() -> set[str]:
    return {username for spec in CLINICS for username, *_rest in spec["staff"]}


def demo_totp_device(user):
    """A confirmed TOTP device with the published demo secret. Refused outside
    DEBUG: a known secret is no second factor."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not settings.DEBUG:
        raise ImproperlyConfigured("The demo TOTP secret is for DJANGO_DEBUG=true only.")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user,
        name="demo",
        defaults={"key": settings.OTP_DEMO_SECRET_HEX, "confirmed": True},
    )
    return device

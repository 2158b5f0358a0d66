"""`make bench`: the clinic-chain benchmark (issue 8). Not part of `make test`.

1. Creates the database BENCH_DB (default clinic_bench; dropped first) and
   fills it with `generate_load_data --patients BENCH_PATIENTS`.
2. Starts gunicorn with the production settings on 127.0.0.1 (a free port).
3. Logs the users in by writing sessions straight into the session store (the
   staff second factor marked as passed, as tests/otp.py does).
4. Measures each page of PAGES with wrk for BENCH_SECONDS at BENCH_CONNECTIONS
   connections: throughput and p50/p95/p99 latency, each page also as a share
   of a trivial Django view's throughput measured on the same server.
5. Reads the peak resident memory of each gunicorn worker (VmHWM).
6. Reminders (`manage.py bench_reminders`): the planner's 48-hour pass over
   every patient of the generated data, then BENCH_REMINDERS reminders
   delivered through a real Celery worker, Redis and an SMTP sink on loopback,
   against as many no-op Celery tasks on the same worker; the worker's peak RSS.
7. Writes docs/benchmarks.md, and compares with docs/benchmarks-baseline.json
   (written when missing or with BENCH_SAVE_BASELINE=1).

Issue 20 adds: a second, fair reference in the same run (``/accounts/signed-in/``:
session, user, one indexed query, the base template with navigation), every page
against both references, the median server time of each page measured in
process (Django's test client in a child process: no network, no gunicorn); the
08:00 wave (bench/morning_wave.py: open loop at fixed arrival rates, the highest rate
that keeps p95 under 300 ms); and the chunked nightly passes with one and two
worker processes (``manage.py bench_passes``), with open alerts per clinician.

Environment: BENCH_PATIENTS (100000), BENCH_LOG_DAYS (90), BENCH_SECONDS (10),
BENCH_WARMUP (2), BENCH_CONNECTIONS (20), BENCH_WORKERS (cores + 1),
BENCH_DB (clinic_bench), BENCH_REUSE_DB=1 (keep a database generated before),
BENCH_REMINDERS (2000), BENCH_REDIS_URL (redis://127.0.0.1:6379/12),
DATABASE_HOST_URL (postgres://postgres@127.0.0.1:5432), BENCH_WAVE_RATES
(20,35,60,80,100,120 requests/s), BENCH_WAVE_SECONDS (20), BENCH_WAVE_PATIENTS
(300), BENCH_SERVER_TIMES (15 requests per page in process), BENCH_SKIP (comma
list of parts to leave out: pages, wave, passes, reminders), BENCH_REPORT (where
the report goes; default docs/benchmarks.md: a small trial run should write
elsewhere, e.g. var/bench-small.md; the baseline is only written with the
default report).
"""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOCS = ROOT / "docs"
RESULTS_MD = DOCS / "benchmarks.md"
BASELINE_JSON = DOCS / "benchmarks-baseline.json"
GENERATION_LOG = ROOT / "var" / "bench-generation.txt"  # for BENCH_REUSE_DB runs

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "100000"))
LOG_DAYS = int(os.environ.get("BENCH_LOG_DAYS", "90"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 1) + 1)))
DB_NAME = os.environ.get("BENCH_DB", "clinic_bench")
DB_HOST_URL = os.environ.get("DATABASE_HOST_URL", "postgres://postgres@127.0.0.1:5432")
REUSE_DB = os.environ.get("BENCH_REUSE_DB") == "1"
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "2000"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
WAVE_RATES = [
    float(r) for r in os.environ.get("BENCH_WAVE_RATES", "20,35,60,80,100,120").split(",")
]
WAVE_SECONDS = float(os.environ.get("BENCH_WAVE_SECONDS", "20"))
WAVE_PATIENTS = int(os.environ.get("BENCH_WAVE_PATIENTS", "300"))
SERVER_TIMES = int(os.environ.get("BENCH_SERVER_TIMES", "15"))
SKIP = {part for part in os.environ.get("BENCH_SKIP", "").split(",") if part}
REPORT = Path(os.environ.get("BENCH_REPORT", str(RESULTS_MD))).resolve()

# Targets of issue 8, and issue 20's (against the logged-in reference).
TARGET_P95_MS = 150
TARGET_RATIO = 0.40
TARGET_REFERENCE_RATIO = 0.50
TARGET_SERVER_MS = 15
TARGET_PASS_S = 300
TARGET_RSS_MB = 150
TARGET_REMINDER_RATIO = 0.50
# Issue 20: planning 100,000 patients with reminders (about 250,000 occurrences)
# in under a minute, so the planning pass has its own target.
TARGET_PLAN_PATIENTS_PER_S = 100_000 / 60
PASS_TARGETS_S = {"reminder_planning": 60.0}


@dataclass(frozen=True)
class Page:
    name: str
    user: str  # a key of make_sessions()' cookies or tokens; "" for none
    path: str  # may name {patient}, {plan}, {assessment}


TRIVIAL = Page("trivial view (healthz, no session)", "", "/healthz")
REFERENCE = Page(
    "logged-in reference (session, user, one query, base template)",
    "clinician",
    "/accounts/signed-in/",
)
# The pages measured, in order. Add a page with one line (issue 5 and 6 pages:
# the alert list, portal Progress, ...).
PAGES = [
    Page("dashboard (clinician, caseload)", "clinician", "/"),
    Page("patient list (clinician)", "clinician", "/patients/"),
    Page("patient search by name (reception)", "reception", "/patients/?q={search}"),
    Page("patient search by record number", "reception", "/patients/?q={record_number}"),
    # The record shows the patient's progress at home (issue 13): adherence, logs,
    # pain, outcomes, check-ins and alerts are this page's "At home" section.
    Page("patient page", "clinician", "/patients/{patient}/"),
    Page("plan page", "clinician", "/programmes/plans/{plan}/"),
    Page("assessment page", "clinician", "/patients/{patient}/assessments/{assessment}/"),
    Page("audit log (clinic admin)", "clinic_admin", "/audit/"),
    Page("admin: patients (clinic admin)", "clinic_admin", "/admin/patients/patient/"),
    Page("admin: audit events (clinic admin)", "clinic_admin", "/admin/clinic/auditevent/"),
    Page("portal Today (patient)", "patient", "/portal/"),
    Page("portal Progress (patient)", "patient", "/portal/progress/"),
    Page("alert list (clinician)", "clinician", "/alerts/"),
    # This round's pages, where they exist on the branch measured (a page whose
    # URL does not resolve is left out with a note, not a failure).
    Page("caseload (clinician)", "clinician", "/caseload/"),
    Page("message inbox (clinician)", "clinician", "/messages/"),
    Page("exercise library, thumbnails (clinician)", "clinician", "/exercises/"),
    # The read-only FHIR API authenticates by bearer token, not by session.
    Page("FHIR Patient $everything (API token)", "fhir", "/fhir/R4/Patient/{patient}/$everything"),
]

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d,'
    .. ' "errors": %d, "non_2xx_3xx": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors, summary.errors.status))
end
"""


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(port: int) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "bench-only-secret-" + "k" * 40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"{DB_HOST_URL}/{DB_NAME}",
        LOG_LEVEL="WARNING",
        REDIS_URL=REDIS_URL,
    )
    return env


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603


def psql(sql: str) -> None:
    run(["psql", f"{DB_HOST_URL}/postgres", "-qc", sql], dict(os.environ))


def prepare_database(env: dict) -> list[str]:
    if REUSE_DB:
        log(f"reusing database {DB_NAME}")
        return GENERATION_LOG.read_text().splitlines() if GENERATION_LOG.exists() else []
    log(f"creating database {DB_NAME}")
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    log(f"generating {PATIENTS:,} active patients ({LOG_DAYS} days of logs)")
    started = time.monotonic()
    out = run(
        [
            PYTHON,
            "manage.py",
            "generate_load_data",
            f"--patients={PATIENTS}",
            f"--log-days={LOG_DAYS}",
        ],
        env,
        capture_output=True,
        text=True,
    ).stdout
    out += f"Wall clock, commit included: {time.monotonic() - started:.0f} s.\n"
    print(out, flush=True)
    # A live database is vacuumed: hint bits set and visibility maps built,
    # so the first minutes of the run do not pay for the bulk load.
    log("VACUUM ANALYZE")
    run(["psql", f"{DB_HOST_URL}/{DB_NAME}", "-qc", "VACUUM ANALYZE"], dict(os.environ))
    GENERATION_LOG.parent.mkdir(exist_ok=True)
    GENERATION_LOG.write_text(out)
    return out.splitlines()


def make_sessions(env: dict) -> dict:
    """Session cookies and URL parameters, made in a child process with the
    production settings (the session store and keys the server uses)."""
    code = r"""
import json, time, django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from clinic.models import Role, StaffMember
from clinic.security import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from patients.models import Patient
from programmes.models import TreatmentPlan
from assessments.models import Assessment
from fhir_r4.services import api_token_create
store = import_string(settings.SESSION_ENGINE + ".SessionStore")

def session_for(user, staff):
    s = store()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = int(time.time())
    s[SESSION_STARTED_KEY] = now
    s[SESSION_SEEN_KEY] = now
    if staff:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        s[DEVICE_ID_SESSION_KEY] = device.persistent_id
    s.create()
    return s.session_key

def member(role):
    return StaffMember.objects.filter(role=role).select_related("user").order_by("id").first()

clinician = member(Role.CLINICIAN)
patient = (Patient.objects.filter(assigned_clinician=clinician, status="active", consent_portal=True)
           .order_by("record_number").first())
plan = TreatmentPlan.objects.get(patient=patient, status="active")
assessment = Assessment.objects.filter(patient=patient).order_by("assessed_on").first()
admin = member(Role.CLINIC_ADMIN)
_, fhir_secret = api_token_create(clinic=patient.clinic, name="bench", by=admin.user)
wave = [
    session_for(p.user, False)
    for p in Patient.objects.filter(
        status="active", consent_portal=True, user__isnull=False,
        treatment_plans__status="active",
    ).select_related("user").order_by("id")[:WAVE_PATIENTS]
]
print(json.dumps({
    "wave": wave,
    "cookies": {
        "clinician": session_for(clinician.user, True),
        "reception": session_for(member(Role.RECEPTION).user, True),
        "clinic_admin": session_for(admin.user, True),
        "patient": session_for(patient.user, False),
    },
    "tokens": {"fhir": fhir_secret},
    "params": {"patient": str(patient.pk), "plan": str(plan.pk), "assessment": str(assessment.pk),
               "search": patient.last_name[:3], "record_number": patient.record_number},
}))
"""
    code = code.replace("WAVE_PATIENTS", str(WAVE_PATIENTS))
    out = run([PYTHON, "-c", code], env, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def server_times(env: dict, pages: list[tuple[Page, str]], headers: dict) -> dict:
    """Median in-process server time per page (ms): Django's test client in a
    child process with the production settings, the page's session cookie or
    token, SERVER_TIMES requests after one warm-up; no network and no gunicorn."""
    spec = [(page.name, path, headers[page.user]) for page, path in pages]
    code = r"""
import json, statistics, sys, time, django
django.setup()
from django.test import Client
spec, n = json.loads(sys.argv[1]), int(sys.argv[2])
out = {}
for name, path, headers in spec:
    client = Client(HTTP_HOST="127.0.0.1", headers=headers)
    client.get(path)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        status = client.get(path).status_code
        times.append((time.perf_counter() - started) * 1000)
    out[name] = {"median_ms": statistics.median(times), "status": status}
print("SERVERJSON " + json.dumps(out))
"""
    result = run(
        [PYTHON, "-c", code, json.dumps(spec), str(SERVER_TIMES)],
        env,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(result.split("SERVERJSON ", 1)[1])


def auth_headers(setup: dict) -> dict:
    """The request headers of each user key of PAGES: a session cookie, or a
    bearer token for the FHIR API; none for ""."""
    headers = {k: {"Cookie": f"sessionid={v}"} for k, v in setup["cookies"].items()}
    headers |= {k: {"Authorization": f"Bearer {v}"} for k, v in setup["tokens"].items()}
    return headers | {"": {}}


def page_exists(url: str, headers: dict) -> bool:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310
    except urllib.error.HTTPError as error:
        return error.code != 404
    return True


def start_server(env: dict, port: int) -> subprocess.Popen:
    args = [
        str(Path(PYTHON).parent / "gunicorn"),
        "clinic.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        "--log-level=warning",
    ]
    log(f"starting gunicorn ({WORKERS} sync workers) on 127.0.0.1:{port}")
    server = subprocess.Popen(args, env=env, cwd=ROOT)  # noqa: S603
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer on /healthz")


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def check_page(url: str, headers: dict) -> None:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url} answered {error.code}; the benchmark needs 200") from error
    if response.status != 200:
        raise SystemExit(f"{url} answered {response.status}; the benchmark needs 200")


def wrk(url: str, headers: dict, seconds: int, script: str) -> dict:
    args = ["wrk", f"-c{CONNECTIONS}", "-t2", f"-d{seconds}s", "--timeout=10s", "-s", script]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # noqa: S603
        [*args, url], capture_output=True, text=True, check=True
    ).stdout
    data = json.loads(re.search(r"WRKJSON (\{.*\})", out).group(1))
    seconds_run = data["duration_us"] / 1e6
    return {
        "rps": data["requests"] / seconds_run,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "requests": data["requests"],
        "errors": data["errors"] + data["non_2xx_3xx"],
    }


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    pg = subprocess.run(  # noqa: S603
        ["psql", f"{DB_HOST_URL}/{DB_NAME}", "-tAc", "SHOW server_version"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "postgresql": pg,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def table_sizes() -> dict:
    sql = (
        "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relname IN ("
        "'patients_patient', 'clinic_auditevent', 'programmes_sessionlog', "
        "'programmes_prescription', 'assessments_assessment', 'assessments_outcomeresponse', "
        "'programmes_treatmentplan', 'programmes_alert', 'programmes_reminderpreference') "
        "ORDER BY 1"
    )
    out = subprocess.run(  # noqa: S603
        ["psql", f"{DB_HOST_URL}/{DB_NAME}", "-tAF,", "-c", sql],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name: int(n) for name, n in (line.split(",") for line in out.split())}


def measure_reminders(env: dict) -> dict:
    """`manage.py bench_reminders` on the generated data: its figures as a dict."""
    log(f"reminders: planning every patient, then {REMINDERS:,} through Celery and SMTP")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run(
            [
                PYTHON,
                "manage.py",
                "bench_reminders",
                "--plan-existing",
                f"--batch={REMINDERS}",
                f"--json={out.name}",
            ],
            env,
        )
        return json.loads(Path(out.name).read_text())


def reminder_lines(r: dict, baseline: dict) -> list[str]:
    per_minute = r["plan_created"] / r["plan_s"] * 60
    patients_per_s = r["plan_patients"] / r["plan_s"] if r["plan_s"] else 0.0
    ratio_met = r["ratio"] >= TARGET_REMINDER_RATIO and r["sent"] == r["due"]
    before = baseline.get("reminders", {})
    was = f" (baseline {before['ratio']:.2f})" if before else ""
    rss = ", ".join(f"{m:.0f}" for m in r["worker_rss_mb"])
    return [
        "",
        "## Reminders (Celery worker, Redis, SMTP sink on loopback)",
        "",
        f"Worker: prefork, {r['concurrency']} processes. The no-op task and the reminders go "
        "through the same worker and queue in the same run.",
        "",
        "| Measure | Result | Target |",
        "|---|---|---|",
        f"| Planning the next 48 h for {r['plan_patients']:,} patients with reminders | "
        f"{r['plan_created']:,} occurrences in {r['plan_s']:.1f} s ({per_minute:,.0f} per "
        f"minute, {patients_per_s:,.0f} patients/s), one process | 100,000 patients in 60 s "
        f"({TARGET_PLAN_PATIENTS_PER_S:,.0f}/s): "
        f"{'met' if patients_per_s >= TARGET_PLAN_PATIENTS_PER_S else 'MISSED'} |",
        f"| No-op task | {r['batch']:,} in {r['noop_s']:.1f} s = {r['noop_per_s']:.0f}/s | |",
        f"| Reminders delivered (dispatch to all sent; sink received {r['sink_received']:,}) | "
        f"{r['sent']:,} of {r['due']:,} in {r['delivery_s']:.1f} s = {r['sent_per_s']:.0f}/s | |",
        f"| Reminders / no-op | {r['ratio']:.2f}{was} | {TARGET_REMINDER_RATIO:.2f}: "
        f"{'met' if ratio_met else 'MISSED'} |",
        f"| Celery worker peak RSS (main, pool processes) | {rss} MB | |",
    ]


def measure_passes(env: dict) -> dict:
    """`manage.py bench_passes`: each pass with one and two worker processes."""
    log("passes: each chunked pass with one and with two worker processes")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run(
            [
                PYTHON,
                "manage.py",
                "bench_passes",
                "--week",
                "--reminders-for-all",
                f"--json={out.name}",
            ],
            env,
        )
        return json.loads(Path(out.name).read_text())


def pass_target_s(name: str, patients: int) -> float:
    """The planning target is per 100,000 patients planned; the others per pass."""
    if name in PASS_TARGETS_S:
        return PASS_TARGETS_S[name] * patients / 100_000
    return TARGET_PASS_S


def pass_lines(p: dict) -> list[str]:
    lines = [
        "",
        "## Nightly and planning passes (chunked; Celery workers on this machine)",
        "",
        f"Chunks of patient ids dispatched as Celery tasks; each pass run with one and then "
        f"two worker processes (solo pool each). Target, with two workers: each pass under "
        f"{TARGET_PASS_S} s; planning 100,000 patients with reminders under "
        f"{PASS_TARGETS_S['reminder_planning']:.0f} s (scaled to the patients planned). "
        "Every active patient has reminders for this part "
        f"({p.get('patients_with_reminders', 0):,} patients with reminders; "
        f"{p.get('reminder_preferences_added', 0):,} preferences added by this run).",
        "",
        "| Pass | Patients | Chunks | 1 worker s | 2 workers s | 1 / 2 | patients/s (2) "
        "| peak worker MB | queries per chunk | Failed | Target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in p["passes"].items():
        one, two = r["workers"]["1"]["seconds"], r["workers"]["2"]["seconds"]
        met = two < pass_target_s(name, r["patients"]) and r["workers"]["2"]["complete"]
        chunk = r.get("one_chunk", {})
        lines.append(
            f"| {name} | {r['patients']:,} | {r['chunks']:,} | {one:.1f} | {two:.1f} | "
            f"{one / two if two else 0:.2f} | {r['workers']['2'].get('patients_per_s', 0):,.0f} | "
            f"{max(w.get('peak_rss_mb', 0) for w in r['workers'].values()):.0f} | "
            f"{chunk.get('queries', '?')} ({chunk.get('patients', '?')} patients) | "
            f"{r['workers']['2']['failed']} | {'met' if met else 'MISSED'} |"
        )
    for key, when in (("alerts", "After the passes"), ("alerts_after_week", "After a week")):
        a = p.get(key)
        if not a:
            continue
        lines += [
            "",
            f"{when}: {a['open_alerts']:,} open alerts for {a['clinicians']:,} "
            f"clinicians = {a['per_clinician']:.1f} per clinician (target at most 10; by kind "
            f"{a.get('by_kind', {})}); {a['attention_signals']:,} needs-attention signals "
            "(not alerts).",
        ]
    return lines


def wave_lines(w: dict) -> list[str]:
    lines = [
        "",
        "## The 08:00 wave (open loop: fixed arrival rate, latency from the due time)",
        "",
        "Mix per 12 requests: 6 portal Today views, 5 log posts, 1 Progress view; "
        f"{WAVE_SECONDS:.0f} s per rate. Target: p95 under {w['target_p95_ms']} ms, no error.",
        "",
        "| Arrival rate /s | Requests | p50 ms | p95 ms | p99 ms | Errors |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in w["runs"]:
        lines.append(
            f"| {r['rate']:.0f} | {r['requests']:,} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{r['p99_ms']:.0f} | {r['errors']} |"
        )
    best = w["best_rate"]
    lines += [
        "",
        f"Highest arrival rate meeting the target: {f'{best:.0f}/s' if best else 'none'} "
        "(100,000 patients' morning wave is about 60/s: 35 views and 25 log posts).",
    ]
    return lines


def compare(name: str, result: dict, baseline: dict) -> str:
    before = baseline.get("pages", {}).get(name)
    if not before:
        return "new"
    change = (result["rps"] - before["rps"]) / before["rps"] * 100 if before["rps"] else 0
    p95 = result["p95_ms"] - before["p95_ms"]
    verdict = "faster" if change > 10 else "slower" if change < -10 else "same"
    return f"{verdict} ({change:+.0f} % req/s, p95 {p95:+.0f} ms)"


def write_report(
    results: dict,
    trivial: dict,
    rss: list[float],
    info: dict,
    gen: list[str],
    rem: dict,
    extra: dict,
):
    baseline = json.loads(BASELINE_JSON.read_text()) if BASELINE_JSON.exists() else {}
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand. Targets (issue 8): p95 "
        f"under {TARGET_P95_MS} ms at {CONNECTIONS} concurrent connections, at least "
        f"{TARGET_RATIO:.0%} of the trivial view's throughput, web worker under "
        f"{TARGET_RSS_MB} MB resident. Why a target is missed and what would get there: "
        "[performance.md](performance.md).",
        "",
        f"- Run: {info['run_at']}, {SECONDS} s per page after {WARMUP} s warm-up, "
        f"{CONNECTIONS} connections (wrk), gunicorn {WORKERS} sync workers, production settings.",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, "
        f"PostgreSQL {info['postgresql']}, Python {info['python']}, Linux {info['kernel']}; "
        "app, database and load tool share it.",
        f"- Data: {info['patients']:,} active patients, {info['log_days']} days of session logs. "
        "Rows: " + ", ".join(f"{k} {v:,}" for k, v in info["tables"].items()) + ".",
        f"- Trivial view: {trivial['rps']:.0f} req/s, p95 {trivial['p95_ms']:.1f} ms.",
        f"- Logged-in reference ({REFERENCE.path}): {extra['reference']['rps']:.0f} req/s, "
        f"p95 {extra['reference']['p95_ms']:.1f} ms, median server time in process "
        f"{extra['reference']['server_ms']:.1f} ms. Issue 20's targets per page: at least "
        f"{TARGET_REFERENCE_RATIO:.0%} of the reference, p95 under {TARGET_P95_MS} ms, median "
        f"server time in process under {TARGET_SERVER_MS} ms.",
        f"- Peak RSS per web worker (VmHWM): {', '.join(f'{r:.0f}' for r in rss)} MB "
        f"(target < {TARGET_RSS_MB}: {'met' if max(rss) < TARGET_RSS_MB else 'MISSED'}).",
        "",
        "| Page | req/s | of trivial | of reference | p50 ms | p95 ms | p99 ms | server ms "
        "| errors | targets | vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, r in results.items():
        server = r.get("server_ms")
        met = (
            r["p95_ms"] < TARGET_P95_MS
            and r["reference_ratio"] >= TARGET_REFERENCE_RATIO
            and (server is None or server < TARGET_SERVER_MS)
            and not r["errors"]
        )
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['ratio']:.0%} | {r['reference_ratio']:.0%} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | "
            f"{'' if server is None else f'{server:.1f}'} | {r['errors']} | "
            f"{'met' if met else 'MISSED'} | {compare(name, r, baseline)} |"
        )
    if extra.get("missing_pages"):
        lines += ["", "Not on this branch (left out): " + ", ".join(extra["missing_pages"]) + "."]
    if extra.get("wave"):
        lines += wave_lines(extra["wave"])
    if extra.get("passes"):
        lines += pass_lines(extra["passes"])
    if rem:
        lines += reminder_lines(rem, baseline)
    if gen:
        lines += ["", "Data generation (rows per second per table):", "", "```", *gen, "```"]
    lines += [
        "",
        "Baseline: docs/benchmarks-baseline.json "
        + (f"(from {baseline.get('run_at')})." if baseline else "(written by this run)."),
        "",
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines))
    log(f"wrote {REPORT}")
    if RESULTS_MD.resolve() != REPORT:
        return  # a trial run: the baseline belongs to the full run
    if not baseline or os.environ.get("BENCH_SAVE_BASELINE") == "1":
        BASELINE_JSON.write_text(
            json.dumps(
                {
                    "run_at": info["run_at"],
                    "machine": info,
                    "trivial": trivial,
                    "pages": results,
                    "reminders": rem,
                    "reference": extra.get("reference"),
                    "wave": extra.get("wave"),
                    "passes": extra.get("passes"),
                },
                indent=2,
            )
            + "\n"
        )
        log(f"wrote {BASELINE_JSON.relative_to(ROOT)}")


def main() -> None:
    port = free_port()
    env = server_env(port)
    gen = prepare_database(env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    setup = make_sessions(env)
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    results: dict = {}
    extra: dict = {"missing_pages": []}
    rss: list[float] = []
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(WRK_SCRIPT)
            script = f.name
        headers = auth_headers(setup)
        pages = []
        for page in [TRIVIAL, REFERENCE, *PAGES]:
            path = page.path.format(**setup["params"])
            if page_exists(base + path, headers[page.user]):
                pages.append((page, path))
            else:
                extra["missing_pages"].append(page.name)
        for page, path in pages:
            check_page(base + path, headers[page.user])
        if "pages" not in SKIP:
            for page, path in pages:
                url = base + path
                if WARMUP:
                    wrk(url, headers[page.user], WARMUP, script)
                result = wrk(url, headers[page.user], SECONDS, script)
                log(
                    f"{page.name}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.0f} ms, "
                    f"p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
                    f"errors {result['errors']}"
                )
                results[page.name] = result
        if "wave" not in SKIP:
            import morning_wave  # bench/morning_wave.py (this directory is on sys.path)

            log(f"08:00 wave: preparing {len(setup['wave'])} patients")
            patients = morning_wave.wave_prepare(base, setup["wave"])
            extra["wave"] = morning_wave.wave_search(
                base, patients, rates=WAVE_RATES, seconds=WAVE_SECONDS, log=log
            )
        rss = [peak_rss_mb(pid) for pid in worker_pids(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        os.unlink(script)
    times = server_times(env, [(p, path) for p, path in pages], auth_headers(setup))
    for name, t in times.items():
        log(f"{name}: median server time in process {t['median_ms']:.1f} ms")
    extra["passes"] = measure_passes(env) if "passes" not in SKIP else None
    reminder_figures = measure_reminders(env) if "reminders" not in SKIP else {}
    if not results:
        log("pages skipped: no report written")
        return
    trivial = results.pop(TRIVIAL.name)
    reference = results.pop(REFERENCE.name)
    extra["reference"] = reference | {"server_ms": times[REFERENCE.name]["median_ms"]}
    for name, r in results.items():
        r["ratio"] = r["rps"] / trivial["rps"]
        r["reference_ratio"] = r["rps"] / reference["rps"]
        r["server_ms"] = times.get(name, {}).get("median_ms")
    info = machine() | {
        "run_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "patients": PATIENTS,
        "log_days": LOG_DAYS,
        "tables": table_sizes(),
    }
    write_report(results, trivial, rss, info, gen, reminder_figures, extra)


if __name__ == "__main__":
    main()

"""The 08:00 wave (issue 20): an OPEN-LOOP load generator.

Requests are sent at a fixed arrival rate whatever the responses: request *i*
is due at ``i / rate`` seconds, and its latency is measured from that due time
(so a slow server shows as latency, never as a lower arrival rate: no
coordinated omission). What 100,000 patients' morning reminders cause: 20 %
of patients with a reminder open Today within ten minutes and 70 % of them log
a session, about 35 page views and 25 log posts per second, with a share of
Progress views. The mix per 12 requests: 6 Today views, 5 log posts, 1 Progress.

Used by bench/run.py (``wave_prepare`` then ``wave_run`` at rising rates); it
can also run alone against a server and a JSON file of patient session cookies:
``python bench/morning_wave.py http://127.0.0.1:8000 cookies.json --rate 60 --seconds 20``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

MIX = ["today"] * 6 + ["log"] * 5 + ["progress"]
ACTION = re.compile(r'action="(/portal/today/[0-9a-f-]{36}/log/)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TARGET_P95_MS = 300


@dataclass
class WavePatient:
    session: str
    csrf_cookie: str = ""
    csrf_token: str = ""
    log_urls: list[str] = field(default_factory=list)

    def cookie(self) -> str:
        parts = [f"sessionid={self.session}"]
        if self.csrf_cookie:
            parts.append(f"csrftoken={self.csrf_cookie}")
        return "; ".join(parts)


def _request(
    base: str, method: str, path: str, cookie: str, body: str = ""
) -> tuple[int, str, list]:
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Cookie": cookie, "Host": f"{url.hostname}:{url.port}"}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = base + "/portal/"
        headers["Origin"] = base
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, text, response.getheaders()
    finally:
        conn.close()


def wave_prepare(base: str, sessions: list[str]) -> list[WavePatient]:
    """Open Today once per patient: the CSRF cookie and token, the log forms."""
    patients = []
    for session in sessions:
        patient = WavePatient(session=session)
        status, text, headers = _request(base, "GET", "/portal/", patient.cookie())
        if status != 200:
            raise SystemExit(f"portal Today answered {status} for a wave patient")
        for name, value in headers:
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                patient.csrf_cookie = value.split(";", 1)[0].split("=", 1)[1]
        token = CSRF_INPUT.search(text)
        patient.csrf_token = token.group(1) if token else ""
        patient.log_urls = sorted(set(ACTION.findall(text)))
        if patient.log_urls and patient.csrf_token:
            patients.append(patient)
    if not patients:
        raise SystemExit("no wave patient has an exercise to log today")
    return patients


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def wave_run(base: str, patients: list[WavePatient], *, rate: float, seconds: float) -> dict:
    """Send ``rate`` requests per second for ``seconds``; latency from due time."""
    total = int(rate * seconds)
    latencies: dict[str, list[float]] = {"today": [], "log": [], "progress": []}
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic() + 0.5

    def one(i: int) -> None:
        due = start + i / rate
        kind = MIX[i % len(MIX)]
        patient = patients[i % len(patients)]
        try:
            if kind == "log":
                url = patient.log_urls[i % len(patient.log_urls)]
                body = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": patient.csrf_token,
                        "session": "1",
                        "outcome": "done",
                    }
                )
                status, _, _ = _request(base, "POST", url, patient.cookie(), body)
            else:
                path = "/portal/" if kind == "today" else "/portal/progress/"
                status, _, _ = _request(base, "GET", path, patient.cookie())
            ok = status < 400
        except OSError as error:
            status, ok = 0, False
            with lock:
                errors.append(type(error).__name__)
        elapsed = (time.monotonic() - due) * 1000
        with lock:
            latencies[kind].append(elapsed)
            if not ok and status:
                errors.append(str(status))

    # Enough threads that the generator never waits for a response to send.
    with ThreadPoolExecutor(max_workers=min(512, max(32, int(rate * 3)))) as pool:
        for i in range(total):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, i)
    every = [v for values in latencies.values() for v in values]
    return {
        "rate": rate,
        "seconds": seconds,
        "requests": len(every),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "p50_ms": _percentile(every, 0.50),
        "p95_ms": _percentile(every, 0.95),
        "p99_ms": _percentile(every, 0.99),
        "by_kind": {
            kind: {"requests": len(v), "p95_ms": _percentile(v, 0.95)}
            for kind, v in latencies.items()
        },
    }


def wave_search(
    base: str, patients: list[WavePatient], *, rates: list[float], seconds: float, log=print
) -> dict:
    """Each rate in turn (rising); the highest that keeps p95 under the target
    with no error."""
    runs, best = [], None
    for rate in rates:
        result = wave_run(base, patients, rate=rate, seconds=seconds)
        runs.append(result)
        met = result["p95_ms"] < TARGET_P95_MS and not result["errors"]
        log(
            f"wave {rate:.0f}/s: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
            f"errors {result['errors']} ({'met' if met else 'missed'})"
        )
        if not met:
            break
        best = rate
    return {"runs": runs, "best_rate": best, "target_p95_ms": TARGET_P95_MS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("cookies", help="JSON list of patient session keys")
    parser.add_argument("--rate", type=float, action="append")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with open(args.cookies) as f:
        sessions = json.load(f)
    patients = wave_prepare(args.base, sessions)
    print(
        json.dumps(
            wave_search(args.base, patients, rates=args.rate or [60], seconds=args.seconds),
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

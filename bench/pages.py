"""Page and API timings on a large consortium, next to /healthz in the same run. Prints numbers; asserts nothing.

    eval "$(scripts/postgres.sh start)"; .venv/bin/python bench/pages.py; scripts/postgres.sh stop "$TILTS_PGDATA"

or ``make bench``. Uses the database of DATABASE_URL (PostgreSQL; the dataset is built there once by
``seed_demo --size``, BENCH_SIZE=large by default, and reused on the next run), starts gunicorn with
BENCH_WORKERS workers (3), sends BENCH_REQUESTS requests per page (20) from BENCH_CONCURRENCY clients (4), and
prints p50/p95, the ratio of p95 to /healthz's, the response size, and the queries one request makes (counted
in this process with Django's test client); BENCH_ONLY=budget,reports measures only the pages whose label has one
of the words. The request that counts a page's queries comes first, so the timed ones find what the page
keeps rendered (tilts.core.figures) until the next change: they measure a page visited again. Also: each
worker's memory (RSS) right after it booted and after the run, and the seconds from starting gunicorn to its
first 200. Each page's row is printed as soon as it is measured; a request that
takes longer than BENCH_TIMEOUT seconds (120) counts as that long with status 0.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZE = os.environ.get("BENCH_SIZE", "large")
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "120"))
ONLY = [word for word in os.environ.get("BENCH_ONLY", "").split(",") if word]  # e.g. "budget,reports"

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit('bench/pages.py measures on PostgreSQL: eval "$(scripts/postgres.sh start)" first (make bench does).')
SERVER_ENV = {
    **os.environ,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SITE_URL": "http://127.0.0.1",
    "API_ANON_RATE": "100000/m",
    "API_USER_RATE": "100000/m",
    "CONN_MAX_AGE": "60",
}
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tilts.settings")
os.environ["TILTS_WARM_GAZETTEER"] = "0"
os.environ["SECRET_KEY"] = SERVER_ENV["SECRET_KEY"]  # the session made here must be valid in the server


def ensure_database() -> None:
    """Create DATABASE_URL's database when it is missing (a fresh scripts/postgres.sh cluster has none)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"], "password": config["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pages() -> tuple[list[tuple[str, str, bool]], str]:
    """(label, path, signed in) for every page measured, and the coordinator's session key."""
    from tilts.accounts.models import Role, User
    from tilts.projects.models import Project

    coordinator = User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk").first()
    assert coordinator is not None
    session = SessionStore()
    session[SESSION_KEY] = str(coordinator.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = coordinator.get_session_auth_hash()
    session.create()
    biggest = Project.objects.annotate(n=Count("mobilities")).order_by("-n").first()
    assert biggest is not None
    p = biggest.pk
    return [
        ("/healthz", "/healthz", False),
        ("back-office dashboard", "/en/manage/", True),
        (f"mobility list ({biggest.n}), no filter", f"/en/mobilities/project/{p}/", True),
        ("mobility list, filtered", f"/en/mobilities/project/{p}/?status=approved&sort=-start", True),
        ("budget", f"/en/mobilities/project/{p}/budget/", True),
        ("calendar", f"/en/mobilities/project/{p}/calendar/", True),
        ("reports list", f"/en/reports/project/{p}/", True),
        ("goals dashboard", "/en/follow-up/goals/", True),
        ("public results (anonymous)", "/en/follow-up/results/", False),
        ("export page", f"/en/exports/project/{p}/", True),
        ("API project mobilities", f"/api/v1/projects/{p}/mobilities", True),
        ("API reports", "/api/v1/reports", True),
        ("public home", "/en/", False),
        ("people list", "/en/people/", True),
        ("project follow-ups", f"/en/follow-up/project/{p}/", True),
        ("place search (gazetteer)", "/api/v1/places?q=R%C4%ABga", False),
        ("grant quote API (POST)", QUOTE_PATH, False),
    ], session.session_key or ""


# The quote API is a POST of one participant's mobility (the calculator's request), priced anonymously.
QUOTE_PATH = "/api/v1/grants/quote"
QUOTE_BODY = (
    b'{"activity_type": "job_shadowing", "origin_country": "LV", "destination_country": "BE", '
    b'"distance_km": 1700, "start": "2026-03-02", "end": "2026-03-06", "travel_days": 2}'
)


def queries(path: str, signed_in: bool, session_key: str) -> int:
    client = Client(HTTP_HOST="127.0.0.1")
    if signed_in:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    with CaptureQueriesContext(connection) as captured:
        if path == QUOTE_PATH:
            response = client.post(path, QUOTE_BODY, content_type="application/json", secure=False)
        else:
            response = client.get(path, secure=False)
    return len(captured) if response.status_code == 200 else -response.status_code


def fetch(port: int, path: str, cookie: str) -> tuple[float, int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    start = time.perf_counter()
    try:
        if path == QUOTE_PATH:
            conn.request("POST", path, body=QUOTE_BODY, headers={"Content-Type": "application/json"})
        else:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read()
    except TimeoutError:
        return time.perf_counter() - start, 0, 0
    finally:
        conn.close()
    return time.perf_counter() - start, len(body), response.status


def rss_of_workers(master: int) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def settled_rss(master: int) -> list[float]:
    """The workers' RSS once every worker has booted: no size moved by more than 1 MB in two seconds (30 at most;
    a worker still loading the app grows all the time)."""
    readings = [rss_of_workers(master)]
    for _ in range(60):
        time.sleep(0.5)
        readings = [*readings[-3:], rss_of_workers(master)]
        if len(readings) == 4 and all(len(sizes) == WORKERS for sizes in readings):
            first, last = sorted(readings[0]), sorted(readings[-1])
            if all(abs(a - b) < 1 for a, b in zip(first, last, strict=True)):
                break
    return readings[-1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", size=SIZE, verbosity=0, stdout=quiet)
    print(f"Dataset {SIZE!r} ready in {time.perf_counter() - started:.0f} s")
    measured, session_key = pages()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    # DEBUG=0 serves static files from the collected manifest (staticfiles/, as in production).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=SERVER_ENV, check=True
    )
    # /healthz answers 200 only with a recent heartbeat of the background worker, which the bench does not run.
    from tilts.core.heartbeat import record_heartbeat

    record_heartbeat()
    port = free_port()
    launch = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tilts.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "-t", "300"],
        cwd=ROOT,
        env={**SERVER_ENV, "TILTS_WARM_GAZETTEER": os.environ.get("BENCH_WARM_GAZETTEER", "1")},
    )
    try:
        while True:
            try:
                if fetch(port, "/healthz", "")[2] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        first_200 = time.perf_counter() - launch
        # The gazetteer is the slowest thing a fresh worker may have to open.
        while fetch(port, "/api/v1/places?q=R%C4%ABga", "")[2] != 200:
            time.sleep(0.05)
        first_search = time.perf_counter() - launch
        booted = settled_rss(server.pid)
        print(f"\n{REQUESTS} requests per page, {CONCURRENCY} at a time, gunicorn with {WORKERS} workers")
        print(f"{'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'× healthz':>10} {'KB':>8} {'queries':>8}  status")
        base = 0.0
        for label, path, signed_in in measured:
            if ONLY and label != "/healthz" and not any(word in label for word in ONLY):
                continue
            sent = cookie if signed_in else ""
            for _ in range(WORKERS):  # warm up each worker's caches a little
                fetch(port, path, sent)
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                results = list(pool.map(fetch, [port] * REQUESTS, [path] * REQUESTS, [sent] * REQUESTS))
            times = [r[0] for r in results]
            statuses = {r[2] for r in results}
            p50, p95, size = percentile(times, 0.5), percentile(times, 0.95), results[-1][1]
            base = base or p95  # /healthz comes first
            print(
                f"{label:<38} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {p95 / base:10.1f} {size / 1024:8.1f} "
                f"{queries(path, signed_in, session_key):8d}  {','.join(map(str, sorted(statuses)))}",
                flush=True,
            )
        print(f"\nFirst 200 after starting gunicorn: /healthz {first_200:.1f} s, a place search {first_search:.1f} s")
        print(f"Load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        print("Worker memory after boot (RSS, MB): " + ", ".join(f"{m:.0f}" for m in booted))
        print("Worker memory after the run (RSS, MB): " + ", ".join(f"{m:.0f}" for m in rss_of_workers(server.pid)))
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()

"""Page and API timings on a large consortium, next to /healthz in the same run. Prints numbers; asserts nothing.

    eval "$(scripts/postgres.sh start)"; .venv/bin/python bench/pages.py; scripts/postgres.sh stop "$TILTS_PGDATA"

or ``make bench``. Uses the database of DATABASE_URL (PostgreSQL; the dataset is built there once by
``seed_demo --size``, BENCH_SIZE=large by default, and reused on the next run), starts gunicorn with
BENCH_WORKERS workers (3) and measures each page twice:

- visited again ("warm"): BENCH_REQUESTS requests (20) from BENCH_CONCURRENCY clients (4), after one that renders
  the page and a few at once that reach every worker, so the timed ones find what the page keeps rendered
  (tilts.core.figures) until the next change, in workers that have served the page before;
- first visit after a change ("cold"): BENCH_COLD requests (10; 0 leaves it out), one at a time, each after this
  process has dropped what figures keeps (``figures.invalidate()``: it moves the version in the cache the workers
  share, the database's by default, so their cached parts and their in-process copies are read again). "missed"
  says how many of them really computed the page anew: the cache holds a value kept under the version moved to
  just before the request (0 for a page that keeps nothing, such as /healthz; "?" with a cache other than the
  database's, which this process cannot count).

Each row prints p50/p95 of both, the ratio of each p95 to /healthz's warm p95, the response size, and the queries
one request makes, counted in this process with Django's test client once visited again and once after a change;
BENCH_ONLY=budget,reports measures only the pages whose label has one of the words. Also: each worker's memory
(RSS) right after it booted and after the run, and the seconds from starting gunicorn to its first 200. Each
page's row is printed as soon as it is measured; a request that takes longer than BENCH_TIMEOUT seconds (120)
counts as that long with status 0.
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
COLD = int(os.environ.get("BENCH_COLD", "10"))
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
# The queries are counted in this process with the same rate limits as the server's: two runs in a minute would
# otherwise be refused the quote API here (429).
os.environ["API_ANON_RATE"], os.environ["API_USER_RATE"] = SERVER_ENV["API_ANON_RATE"], SERVER_ENV["API_USER_RATE"]


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


def queries(path: str, signed_in: bool, session_key: str, cold: bool = False) -> int:
    """The queries of one request in this process, as a worker that has served the page before makes them (one
    request first: what this process keeps of the page is then there), or, with ``cold``, of a first visit after a
    change (what figures keeps dropped first); minus the status when it is not 200."""
    client = Client(HTTP_HOST="127.0.0.1")
    if signed_in:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    if cold:
        drop_kept()
    elif path != QUOTE_PATH:
        client.get(path, secure=False)
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


def drop_kept() -> int:
    """What a change does to every page: the figures' version moves (in the cache the workers share), so each
    worker computes its cached parts and its in-process copies again. Returns the new version."""
    from tilts.core import figures

    figures.invalidate()  # outside a transaction: moved at once
    figures.flush()
    return figures.version()


def kept_under(version: int) -> int | None:
    """How many values the cache keeps under this figures version (None when the cache cannot be counted: only
    the database cache, the default, is)."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return None
    table = connection.ops.quote_name(backend._table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE cache_key LIKE %s", [f"%:core:figures:%:{version}"])
        return int(cursor.fetchone()[0])


def cold_run(port: int, path: str, cookie: str) -> tuple[list[float], set[int], int | None]:
    """BENCH_COLD requests one at a time, each the first after a change: their times, statuses, and how many of
    them kept something under the version moved to just before (None if the cache cannot be counted; 0 for a
    page that keeps nothing)."""
    times, statuses, missed = [], set(), 0
    countable = True
    for _ in range(COLD):
        version = drop_kept()
        took, _size, status = fetch(port, path, cookie)
        times.append(took)
        statuses.add(status)
        found = kept_under(version)
        if found is None:
            countable = False
        elif found:
            missed += 1
    return times, statuses, missed if countable else None


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
        print(
            f"\nVisited again: {REQUESTS} requests per page, {CONCURRENCY} at a time; after a change: {COLD} one at "
            f"a time, each after figures.invalidate(); gunicorn with {WORKERS} workers"
        )
        print(
            f"{'':<38} {'visited again':^28} | {'first visit after a change':^37} |"
            f"\n{'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'×healthz':>9}  | {'p50 ms':>8} {'p95 ms':>8} "
            f"{'×healthz':>9} {'missed':>8}  | {'KB':>7} {'queries':>7} {'cold q':>7}  status"
        )
        base = 0.0
        for label, path, signed_in in measured:
            if ONLY and label != "/healthz" and not any(word in label for word in ONLY):
                continue
            sent = cookie if signed_in else ""
            # Warm up every worker, not just one: one at a time, the requests mostly reach the same worker, and
            # a worker's first request for a page pays once in its life for what it loads then (templates
            # compiled, translations, URL patterns: 0.5 s for the dashboard in a fresh process), which the timed
            # requests then counted as the page's p95. A visit after a change is the cold column's.
            fetch(port, path, sent)  # one renders and keeps the page ...
            with ThreadPoolExecutor(CONCURRENCY) as pool:  # ... then each worker reads it at least once
                list(
                    pool.map(
                        fetch,
                        [port] * WORKERS * CONCURRENCY,
                        [path] * WORKERS * CONCURRENCY,
                        [sent] * WORKERS * CONCURRENCY,
                    )
                )
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                results = list(pool.map(fetch, [port] * REQUESTS, [path] * REQUESTS, [sent] * REQUESTS))
            times = [r[0] for r in results]
            statuses = {r[2] for r in results}
            p50, p95, size = percentile(times, 0.5), percentile(times, 0.95), results[-1][1]
            base = base or p95  # /healthz comes first
            warm_queries = queries(path, signed_in, session_key)
            cold = f"{'-':>8} {'-':>8} {'-':>9} {'-':>8}"
            cold_queries = "-"
            if COLD:
                cold_times, cold_statuses, missed = cold_run(port, path, sent)
                statuses |= cold_statuses
                c50, c95 = percentile(cold_times, 0.5), percentile(cold_times, 0.95)
                shown = "?" if missed is None else f"{missed}/{COLD}"
                cold = f"{c50 * 1000:8.1f} {c95 * 1000:8.1f} {c95 / base:9.1f} {shown:>8}"
                cold_queries = str(queries(path, signed_in, session_key, cold=True))
            print(
                f"{label:<38} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {p95 / base:9.1f}  | {cold}  | "
                f"{size / 1024:7.1f} {warm_queries:7d} {cold_queries:>7}  {','.join(map(str, sorted(statuses)))}",
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

"""Grant engine and quote API figures. Prints numbers; asserts nothing (not a timed test).

    .venv/bin/python bench/grants.py

1. quotes per second in process (the engine alone);
2. the gazetteer's first load and a typical search;
3. requests per second and p95 latency of POST /api/v1/grants/quote next to GET /healthz (a trivial view) on
   the same gunicorn server (one worker, SQLite), so the ratio, not the absolute figure, is the result.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tilts.grants.rules import QuoteRequest, calculate_quote  # noqa: E402


def engine_rate(seconds: float = 3.0) -> float:
    request = QuoteRequest(
        activity_type="job_shadowing",
        destination_country="BE",
        origin_country="LV",
        call_year=2025,
        distance_km=1454,
        activity_days=15,
        travel_days=2,
        green_travel=True,
    )
    calculate_quote(request)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            calculate_quote(request)
        count += 200
    return count / (time.perf_counter() - start)


def gazetteer_figures() -> tuple[float, float]:
    from tilts.grants.rules import gazetteer

    start = time.perf_counter()
    gazetteer.search_places("Riga")
    first = time.perf_counter() - start
    samples = []
    for query in ["Bruxelles", "Cēsis", "Frankfurt", "Viļņa", "Lisbon", "Tartu", "Kuldiga", "Oslo"] * 25:
        t = time.perf_counter()
        gazetteer.search_places(query)
        samples.append(time.perf_counter() - t)
    return first, statistics.median(samples) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(port: int, method: str, path: str, body: bytes | None, n: int) -> tuple[float, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"} if body else {"Host": "127.0.0.1"}
    latencies = []
    start = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    connection.close()
    latencies.sort()
    return n / elapsed, latencies[int(len(latencies) * 0.95) - 1] * 1000


def server_figures(n: int = 500) -> dict[str, tuple[float, float]]:
    port = free_port()
    workdir = tempfile.mkdtemp()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "1000000/m",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "tilts.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        body = json.dumps(
            {
                "activity_type": "job_shadowing",
                "call_year": 2025,
                "origin_country": "LV",
                "destination_country": "BE",
                "distance_km": 1454,
                "activity_days": 15,
                "travel_days": 2,
            }
        ).encode()
        measure(port, "GET", "/healthz", None, 50)
        measure(port, "POST", "/api/v1/grants/quote", body, 50)
        return {
            "trivial view (GET /healthz)": measure(port, "GET", "/healthz", None, n),
            "quote API (POST /api/v1/grants/quote)": measure(port, "POST", "/api/v1/grants/quote", body, n),
        }
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    print(f"engine: {engine_rate():,.0f} quotes/s in process")
    first, median_ms = gazetteer_figures()
    print(f"gazetteer: first search (builds the index) {first:.2f} s; then median search {median_ms:.2f} ms")
    figures = server_figures()
    for name, (rps, p95) in figures.items():
        print(f"{name}: {rps:,.0f} requests/s, p95 {p95:.2f} ms")
    (trivial_rps, trivial_p95), (quote_rps, quote_p95) = figures.values()
    print(
        f"quote API / trivial view: {quote_rps / trivial_rps:.2f} of the throughput, p95 {quote_p95 / trivial_p95:.2f}x"
    )

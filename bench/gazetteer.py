"""The gazetteer's cost to a web worker: memory and the first answer. Prints numbers; asserts nothing.

    .venv/bin/python bench/gazetteer.py

Migrates a temporary SQLite database, starts gunicorn with BENCH_WORKERS workers (3), and prints the seconds
from starting it to the first 200 of a place search (/api/v1/places?q=Rīga), then each worker's memory (RSS)
after BENCH_REQUESTS searches (60) spread over them. Also what building the index costs, once per deploy and in
a process of its own (manage.py build_gazetteer --force): before the index was a file, every worker paid about
that in memory and the seconds before its first search. Goals: RSS at most 120 MB, first 200 within 3 s.
"""

import http.client
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
QUERIES = ["Rīga", "Riga", "Bruxelles", "Cēsis", "sa", "ko", "Frankfurt", "Łódź", "Viļņa", "par"]

workdir = tempfile.mkdtemp(prefix="tilts-bench-gazetteer-")
ENV = {
    **os.environ,
    "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SITE_URL": "http://127.0.0.1",
    "API_ANON_RATE": "100000/m",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def search(port: int, query: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", f"/api/v1/places?q={quote(query)}")
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def rss_of_workers(master: int) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def cpu_seconds(master: int) -> float:
    """CPU time the server's processes have used (the master and its workers): the first 200's cost without the
    waiting a busy machine adds to it."""
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in [str(master), *children]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)
    started = time.perf_counter()
    subprocess.run([*manage, "build_gazetteer", "--force"], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    build_seconds = time.perf_counter() - started
    build_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    port = free_port()
    launch = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tilts.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=ENV,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if search(port, "Rīga") == 200:
                    break
            except OSError:
                time.sleep(0.05)
        first_200 = time.perf_counter() - launch
        first_cpu = cpu_seconds(server.pid)
        statuses = {search(port, QUERIES[i % len(QUERIES)]) for i in range(REQUESTS)}
        memory = rss_of_workers(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    print(f"Load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"Building the index (once per deploy, own process): {build_seconds:.1f} s, peak RSS {build_peak:.0f} MB")
    print(
        f"First 200 of a place search {first_200:.1f} s after starting gunicorn ({WORKERS} workers; "
        f"{first_cpu:.1f} CPU seconds for the master and all workers to get there)"
    )
    print(
        f"Worker memory after {REQUESTS} searches (RSS, MB): {', '.join(f'{m:.0f}' for m in memory)}"
        f"  (statuses {','.join(map(str, sorted(statuses)))})"
    )


if __name__ == "__main__":
    main()

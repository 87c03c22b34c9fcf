"""Several background workers on one PostgreSQL: each job runs once.

django-tasks' database backend takes a job with ``SELECT ... FOR UPDATE SKIP LOCKED`` (DBTaskResult.objects
.get_locked), so two ``manage.py db_worker`` processes never take the same one. Two real worker processes share
one queue here; each job records the process that ran it, and the first job of each worker waits until the
other worker has run one too, so the two certainly work side by side while a job is held.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tilts.core.tests import worker_tasks

ROOT = Path(__file__).resolve().parents[3]
JOBS = 30

pytestmark = [
    pytest.mark.pg_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tilts.settings",
        "TILTS_WARM_GAZETTEER": "0",
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    with log.open("w") as output:
        return subprocess.Popen(
            [*command, "--interval", "0.1"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def test_two_workers_run_each_job_once(transactional_db: None, tmp_path: Path) -> None:
    workers: list[subprocess.Popen[bytes]] = []
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {worker_tasks.TABLE} (job integer NOT NULL, worker integer NOT NULL)")
    try:
        for number in range(JOBS):
            worker_tasks.mark_job.enqueue(number)
        workers = [start_worker(tmp_path / "worker-1.log"), start_worker(tmp_path / "worker-2.log")]
        deadline = time.monotonic() + 240
        for worker in workers:
            worker.wait(timeout=max(1, deadline - time.monotonic()))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT job, worker FROM {worker_tasks.TABLE}")
            runs = cursor.fetchall()
        ran = sorted(job for job, _worker in runs)
        logs = "\n".join(log.read_text()[-2000:] for log in sorted(tmp_path.glob("*.log")))
        assert ran == list(range(JOBS)), f"every job once, none lost, none twice; the workers said:\n{logs}"
        assert len({worker for _job, worker in runs}) == 2
        assert DBTaskResult.objects.successful().count() == JOBS
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {worker_tasks.TABLE}")

"""A task for the test of several workers (test_workers_postgres): it records which worker process ran which job."""

import os
import time

from django.db import connection
from django_tasks import task

TABLE = "tilts_test_worker_runs"


@task()
def mark_job(number: int) -> None:
    worker = os.getpid()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE worker = %s", [worker])
        first = cursor.fetchone()[0] == 0
        cursor.execute(f"INSERT INTO {TABLE} (job, worker) VALUES (%s, %s)", [number, worker])
        # A worker's first job is held (its row locked, the job running) until the other worker has run one.
        deadline = time.monotonic() + 120
        while first and time.monotonic() < deadline:
            cursor.execute(f"SELECT COUNT(DISTINCT worker) FROM {TABLE}")
            if cursor.fetchone()[0] >= 2:
                break
            time.sleep(0.1)

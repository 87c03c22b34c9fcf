"""The worker's housekeeping: a heartbeat for /healthz and the recovery of interrupted exports.

Like the report reminders (tilts.reporting.tasks), the task queues its own next run, because the database
backend has no clock; ``manage.py schedule_housekeeping`` (run at every start or deploy) starts the chain.
"""

import datetime
import time

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

EVERY = datetime.timedelta(minutes=5)
HEARTBEAT_KEY = "tilts:worker-heartbeat"


def record_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def last_heartbeat() -> float | None:
    value = cache.get(HEARTBEAT_KEY)
    return float(value) if value is not None else None


@task()
def housekeeping() -> dict[str, int]:
    """Queue the next run, leave a heartbeat, then retry or fail exports whose worker died."""
    from tilts.exports.services import recover_stale_jobs

    schedule_housekeeping(timezone.now() + EVERY)
    record_heartbeat()
    return recover_stale_jobs()


def schedule_housekeeping(run_after: datetime.datetime | None = None) -> bool:
    """Queue a housekeeping run unless one is already waiting; returns whether one was queued."""
    waiting = DBTaskResult.objects.filter(task_path=housekeeping.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    housekeeping.using(run_after=run_after).enqueue()
    return True

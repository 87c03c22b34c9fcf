"""The worker's housekeeping: a heartbeat for /healthz and the recovery of interrupted exports and imports.

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

from tilts.core.heartbeat import record_heartbeat

EVERY = datetime.timedelta(minutes=5)
RETENTION_KEY = "tilts:retention-last-run"
RETENTION_EVERY = datetime.timedelta(days=1)


@task()
def housekeeping() -> dict[str, int]:
    """Queue the next run, leave a heartbeat, retry or fail exports whose worker died; once a day, retention."""
    import dataclasses
    import logging

    from tilts.core.listexports import recover_stale_exports
    from tilts.exports.services import recover_stale_jobs
    from tilts.housekeeping.retention import apply_retention
    from tilts.mobility.imports import recover_stale_imports

    schedule_housekeeping(timezone.now() + EVERY)
    record_heartbeat()
    done = recover_stale_jobs()
    done["imports_recovered"] = recover_stale_imports()
    done |= recover_stale_exports()
    last = cache.get(RETENTION_KEY)
    if last is None or time.time() - float(last) >= RETENTION_EVERY.total_seconds():
        cache.set(RETENTION_KEY, time.time(), timeout=None)
        removed = dataclasses.asdict(apply_retention())
        logging.getLogger(__name__).warning("Retention removed: %s", removed)
        done |= {f"retention_{key}": int(value) for key, value in removed.items()}
    return done


def schedule_housekeeping(run_after: datetime.datetime | None = None) -> bool:
    """Queue a housekeeping run unless one is already waiting; returns whether one was queued."""
    waiting = DBTaskResult.objects.filter(task_path=housekeeping.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    housekeeping.using(run_after=run_after).enqueue()
    return True

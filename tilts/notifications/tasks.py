"""The weekly digest, run by ``manage.py db_worker``: like the report reminders, the task queues its next run
(a day later) before it works; each person gets the digest once a week whatever the number of runs."""

import dataclasses
import datetime

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tilts.notifications.services import send_weekly_digest as send_digest

EVERY = datetime.timedelta(days=1)


@task()
def send_weekly_digest() -> dict[str, int]:
    schedule_digest(timezone.now() + EVERY)
    return dataclasses.asdict(send_digest())


def schedule_digest(run_after: datetime.datetime | None = None) -> bool:
    """Queue a run (``None``: now) unless one is already waiting; returns whether one was queued."""
    waiting = DBTaskResult.objects.filter(task_path=send_weekly_digest.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    send_weekly_digest.using(run_after=run_after).enqueue()
    return True

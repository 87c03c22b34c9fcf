"""Background work, run by ``manage.py db_worker`` (django-tasks, database backend): building packs, and the
hourly review reminders, which queue their next run as the report reminders do."""

import dataclasses
import datetime

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tilts.quality import services

EVERY = datetime.timedelta(hours=1)


@task()
def build_pack(job_id: int) -> None:
    services.run_pack(job_id)


@task()
def send_quality_reminders() -> dict[str, int]:
    """The same as ``manage.py send_quality_reminders``; the next run is queued first, so a failure does not
    end the schedule."""
    schedule_reminders(timezone.now() + EVERY)
    return dataclasses.asdict(services.send_reminders())


def schedule_reminders(run_after: datetime.datetime | None = None) -> bool:
    """Queue a run of the review reminders unless one is already waiting; returns whether one was queued."""
    waiting = DBTaskResult.objects.filter(task_path=send_quality_reminders.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    send_quality_reminders.using(run_after=run_after).enqueue()
    return True

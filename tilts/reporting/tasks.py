"""Background work for reports, run by ``manage.py db_worker`` (django-tasks, database backend).

The database backend has no clock, so the reminder task schedules itself: each run first puts the next run in the
queue an hour later (unless one is already waiting). ``manage.py schedule_report_reminders`` starts the chain.
"""

import dataclasses
import datetime

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tilts.reporting.services import run_reminders

EVERY = datetime.timedelta(hours=1)


@task()
def send_report_reminders() -> dict[str, int]:
    """The same as ``manage.py send_report_reminders``: open due reports and send today's reminders.

    The next run is queued before this one works, so a failing run does not end the schedule.
    """
    schedule_reminders(timezone.now() + EVERY)
    return dataclasses.asdict(run_reminders())


def schedule_reminders(run_after: datetime.datetime | None = None) -> bool:
    """Queue a run of the reminders (``None``: as soon as a worker is free) unless one is already waiting.

    Returns whether a run was queued. Two runs queued at the same moment do no harm: a run that finds the other
    waiting queues none, so the chain goes on as one, and each reminder is sent once anyway.
    """
    waiting = DBTaskResult.objects.filter(task_path=send_report_reminders.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    send_report_reminders.using(run_after=run_after).enqueue()
    return True

"""Background work for reports, run by ``manage.py db_worker`` (django-tasks, database backend)."""

from django_tasks import task

from tilts.reporting.services import run_reminders


@task()
def send_report_reminders() -> dict[str, int]:
    """The same as ``manage.py send_report_reminders``: open due reports and send today's reminders."""
    opened, sent = run_reminders()
    return {"opened": opened, "sent": sent}

from typing import Any

from django.core.management.base import BaseCommand

from tilts.reporting.tasks import schedule_reminders


class Command(BaseCommand):
    help = (
        "Queue the first run of the hourly report reminders for the background worker (manage.py db_worker); "
        "each run queues the next. Safe to run at every start or deploy: nothing is queued if a run is waiting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if schedule_reminders():
            self.stdout.write("The report reminders have been scheduled.")
        else:
            self.stdout.write("The report reminders are already scheduled.")

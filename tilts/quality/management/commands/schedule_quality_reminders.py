from typing import Any

from django.core.management.base import BaseCommand

from tilts.quality.tasks import schedule_reminders


class Command(BaseCommand):
    help = (
        "Queue the first run of the hourly quality review reminders for the background worker; each run queues "
        "the next. Safe to run at every start or deploy: nothing is queued if a run is waiting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if schedule_reminders():
            self.stdout.write("The quality review reminders have been scheduled.")
        else:
            self.stdout.write("The quality review reminders are already scheduled.")

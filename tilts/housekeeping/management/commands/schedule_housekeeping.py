from typing import Any

from django.core.management.base import BaseCommand

from tilts.housekeeping.tasks import schedule_housekeeping


class Command(BaseCommand):
    help = (
        "Queue the worker's housekeeping (heartbeat for /healthz, recovery of interrupted exports), which then "
        "runs every five minutes. Safe to run at every start or deploy: nothing is queued if a run is waiting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if schedule_housekeeping():
            self.stdout.write("The housekeeping has been scheduled.")
        else:
            self.stdout.write("The housekeeping is already scheduled.")

from typing import Any

from django.core.management.base import BaseCommand

from tilts.notifications.tasks import schedule_digest


class Command(BaseCommand):
    help = (
        "Queue the first daily run of the weekly digest for the background worker (manage.py db_worker); each run "
        "queues the next. Safe to repeat: nothing is queued if a run is waiting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if schedule_digest():
            self.stdout.write("The weekly digest has been scheduled.")
        else:
            self.stdout.write("The weekly digest is already scheduled.")

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tilts.notifications.services import send_weekly_digest


class Command(BaseCommand):
    help = (
        "E-mail each coordinator and member contact what waits for them. Safe to run daily or more often: each "
        "person gets it once a week; one the mail server refuses is tried again on the next run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None, help="Act as if today were this date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_weekly_digest(options["date"])
        self.stdout.write(f"digests sent: {run.sent}, failed: {run.failed}")

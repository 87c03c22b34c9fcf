import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tilts.reporting.services import run_reminders


class Command(BaseCommand):
    help = (
        "Open the reports of mobilities that have ended and e-mail the reminders due today. "
        "Safe to run every hour: each reminder is sent once; one the mail server refuses is tried again next run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_reminders(options["date"])
        self.stdout.write(f"reports opened: {run.opened}, reminders sent: {run.sent}, failed: {run.failed}")

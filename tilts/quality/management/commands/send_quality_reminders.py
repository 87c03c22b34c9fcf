import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tilts.quality.services import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail the contacts of institutions with unanswered items in an open quality review: from a week before "
        "the due date, then weekly. Safe to run every hour: each reminder is sent once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None, help="Act as if today were this date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_reminders(options["date"])
        self.stdout.write(f"reminders sent: {run.sent}, failed: {run.failed}")

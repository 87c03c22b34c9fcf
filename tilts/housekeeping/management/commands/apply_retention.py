import dataclasses
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tilts.housekeeping.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Remove personal data past its retention period (RETENTION_* settings); the worker does this daily. "
        "--dry-run only reports what would be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report, remove nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = apply_retention(dry_run=options["dry_run"])
        verb = "Would remove" if report.dry_run else "Removed"
        for name, count in dataclasses.asdict(report).items():
            if name != "dry_run":
                self.stdout.write(f"{verb} {count} {name.replace('_', ' ')}")

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tilts.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's online backup) and the uploaded files into one .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", nargs="?", default=".", help="A file name or a directory (default: here).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Backup written to {backup(Path(options['target']))}")

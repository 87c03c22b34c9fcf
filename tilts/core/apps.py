from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_noop

# Django's own messages whose Latvian is wrong there ("jabūt"): listed so that makemessages keeps them in our
# catalogue, which takes precedence over Django's.
CORRECTED_DJANGO_MESSAGES = [gettext_noop("Ensure this value is less than or equal to %(limit_value)s.")]


def create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The database cache (rate limits) needs its table: ``migrate`` makes it, so no deployment forgets to."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "tilts.core"

    def ready(self) -> None:
        from tilts.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="tilts-latvian-collation")
        # post_migrate is sent once per app *with models*: hang it on contenttypes, which every Django project has,
        # so that one `migrate` makes the table once (a fresh `make run` needs it at once).
        from django.apps import apps

        post_migrate.connect(
            create_cache_table, sender=apps.get_app_config("contenttypes"), dispatch_uid="tilts-cache-table"
        )

        from django.contrib.auth.signals import user_logged_in

        from tilts.core.middleware import note_login

        user_logged_in.connect(note_login, dispatch_uid="tilts-idle-timeout-login")

        from simple_history.signals import pre_create_historical_record

        from tilts.core.history import name_the_actor

        pre_create_historical_record.connect(name_the_actor, dispatch_uid="tilts-history-actor")

        from tilts.core import figures
        from tilts.core.models import ListExport

        figures.connect()
        # A list export's progress (status, rows written) counts in no figure: the worker's updates keep them.
        figures.ignore_changes_of(ListExport)

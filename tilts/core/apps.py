from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_noop

# Django's own messages whose Latvian is wrong there ("jabūt"): listed so that makemessages keeps them in our
# catalogue, which takes precedence over Django's.
CORRECTED_DJANGO_MESSAGES = [gettext_noop("Ensure this value is less than or equal to %(limit_value)s.")]


class CoreConfig(AppConfig):
    name = "tilts.core"

    def ready(self) -> None:
        from tilts.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="tilts-latvian-collation")

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "tilts.core"

    def ready(self) -> None:
        from tilts.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="tilts-latvian-collation")

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "tilts.grants"

    def ready(self) -> None:
        from django.conf import settings

        from tilts.grants.rules import gazetteer

        gazetteer.use_file(settings.GAZETTEER_FILE)

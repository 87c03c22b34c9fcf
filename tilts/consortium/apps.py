from django.apps import AppConfig


class ConsortiumConfig(AppConfig):
    name = "tilts.consortium"

    def ready(self) -> None:
        from tilts.consortium import waiting  # noqa: F401  (registers what waits on the dashboard)

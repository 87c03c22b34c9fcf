from django.apps import AppConfig


class MobilityConfig(AppConfig):
    name = "tilts.mobility"

    def ready(self) -> None:
        from tilts.mobility import costs

        costs.connect()

from django.apps import AppConfig


class MobilityConfig(AppConfig):
    name = "tilts.mobility"

    def ready(self) -> None:
        from tilts.mobility import costs, personal_data, waiting  # noqa: F401  (waiting: registers what waits on the dashboard)

        costs.connect()

        from tilts.mobility.listexports import register_kinds

        register_kinds()

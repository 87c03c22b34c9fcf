from django.apps import AppConfig


class MobilityConfig(AppConfig):
    name = "tilts.mobility"

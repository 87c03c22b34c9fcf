from django.apps import AppConfig


class ConsortiumConfig(AppConfig):
    name = "tilts.consortium"

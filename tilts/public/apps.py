from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "tilts.public"

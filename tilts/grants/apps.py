from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "tilts.grants"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo consortium (``manage.py seed_demo``): built on top of every app, which know nothing of it."""

    name = "tilts.demo"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    """Calls for participants, applications, evaluation and selection, and the agreements that follow."""

    name = "tilts.selection"
    verbose_name = _("Selection")

    def ready(self) -> None:
        from tilts.selection import personal_data, receivers, waiting  # noqa: F401  (connect the receivers, register what waits)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Exports of a project: the Beneficiary Module CSV and the project workbook, built in the background."""

    name = "tilts.exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        from tilts.exports import summaries, waiting  # noqa: F401  (waiting registers what waits on the dashboard)

        summaries.connect()

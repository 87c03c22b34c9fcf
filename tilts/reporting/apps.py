from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Participant reports after a mobility: the form, evidence, reminders, review and the final grant."""

    name = "tilts.reporting"
    verbose_name = _("Participant reports")

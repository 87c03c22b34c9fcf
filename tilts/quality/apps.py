from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """The Erasmus quality standards: per-item status and evidence, review cycles, and participant support."""

    name = "tilts.quality"
    verbose_name = _("Quality standards")

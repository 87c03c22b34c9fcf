from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """E-mails about work that needs someone, each of which a person may turn off, and the weekly digest."""

    name = "tilts.notifications"
    verbose_name = _("E-mail notifications")

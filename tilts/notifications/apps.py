from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """E-mails about work that needs someone, each of which a person may turn off, and the weekly digest."""

    name = "tilts.notifications"
    verbose_name = _("E-mail notifications")

    def ready(self) -> None:
        from tilts.mobility import signals
        from tilts.notifications import receivers

        signals.status_changed.connect(receivers.mobility_status_changed, dispatch_uid="notifications_mobility_moved")

"""What notifications does when other apps' records change (connected in ``NotificationsConfig.ready``, so the
other apps need not import notifications)."""

from typing import Any

from tilts.mobility.models import Mobility
from tilts.notifications import services


def mobility_status_changed(sender: type[Mobility], mobility: Mobility, status: str, **kwargs: Any) -> None:
    """A mobility submitted or approved: the people concerned are told."""
    services.mobility_moved(mobility)

"""What selection does when another app's records change; connected in SelectionConfig.ready."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from tilts.mobility.models import Mobility, MobilityStatus
from tilts.selection import services


@receiver(post_save, sender=Mobility, dispatch_uid="selection.mobility_cancelled")
def withdraw_when_mobility_cancelled(sender: type[Mobility], instance: Mobility, **kwargs: Any) -> None:
    """A mobility cancelled on its own page frees its application's place (mobility knows nothing of selection)."""
    if instance.status == MobilityStatus.CANCELLED:
        services.mobility_cancelled(instance)

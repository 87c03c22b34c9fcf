"""What waits in the consortium: applications to join, for the coordinator (see tilts.core.waiting)."""

import datetime

from django.urls import reverse
from django.utils.translation import ngettext

from tilts.accounts.models import User
from tilts.consortium.models import JoinApplication, JoinApplicationStatus
from tilts.core.waiting import Audience, WaitingItem, source


@source(Audience.COORDINATOR, 10)
def applications_to_join(user: User, today: datetime.date) -> list[WaitingItem]:
    joining = JoinApplication.objects.filter(status=JoinApplicationStatus.PENDING).count()
    if not joining:
        return []
    return [
        WaitingItem(
            ngettext(
                "%(n)d application to join waits for a decision",
                "%(n)d applications to join wait for a decision",
                joining,
            )
            % {"n": joining},
            reverse("backoffice:applications"),
            joining,
            "join_applications",
        )
    ]

"""What waits on mobilities: approvals and confirmations for the coordinator, drafts for the member contact
(see tilts.core.waiting)."""

import datetime

from django.db.models import Count
from django.utils.translation import ngettext

from tilts.accounts.models import User
from tilts.core.waiting import Audience, WaitingItem, per_project, source
from tilts.mobility.models import Mobility, MobilityStatus


@source(Audience.COORDINATOR, 30)
def mobilities_to_approve(user: User, today: datetime.date) -> list[WaitingItem]:
    submitted = (
        Mobility.objects.filter(status=MobilityStatus.SUBMITTED)
        .values("project_id", "project__title")
        .annotate(n=Count("pk"))
        .order_by("project_id")
    )
    return per_project(
        list(submitted),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d mobility waits for approval",
                "%(project)s: %(n)d mobilities wait for approval",
                n,
            )
            % {"n": n, "project": project}
        ),
        "mobility:list",
        "?status=submitted",
        "mobilities_to_approve",
    )


@source(Audience.COORDINATOR, 40)
def mobilities_to_confirm(user: User, today: datetime.date) -> list[WaitingItem]:
    unconfirmed = (
        Mobility.objects.filter(status=MobilityStatus.APPROVED, end_date__lt=today)
        .values("project_id", "project__title")
        .annotate(n=Count("pk"))
        .order_by("project_id")
    )
    return per_project(
        list(unconfirmed),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d mobility has ended without being confirmed",
                "%(project)s: %(n)d mobilities have ended without being confirmed",
                n,
            )
            % {"n": n, "project": project}
        ),
        "reporting:list",
        "",
        "mobilities_to_confirm",
    )


@source(Audience.MEMBER_CONTACT, 20)
def mobilities_to_submit(user: User, today: datetime.date) -> list[WaitingItem]:
    ours = Mobility.objects.filter(sending_organisation_id=user.organisation_id)
    drafts = ours.filter(status=MobilityStatus.DRAFT).values("project_id", "project__title").annotate(n=Count("pk"))
    return per_project(
        list(drafts.order_by("project_id")),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d draft mobility to complete and submit",
                "%(project)s: %(n)d draft mobilities to complete and submit",
                n,
            )
            % {"n": n, "project": project}
        ),
        "mobility:list",
        "?status=draft",
        "mobilities_to_submit",
    )

"""What waits on participant reports: reports to review for the coordinator, overdue reports for the member
contact, one's own reports to write (see tilts.core.waiting)."""

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tilts.accounts.models import User
from tilts.core import dates
from tilts.core.waiting import LIMIT, Audience, WaitingItem, per_project, source
from tilts.mobility.models import MobilityStatus
from tilts.reporting import selectors
from tilts.reporting.models import EDITABLE, ParticipantReport


def _reports_per_project(reports: QuerySet[Any]) -> list[dict[str, Any]]:
    """The participant reports (of mobilities not cancelled) counted per project, as rows for
    :func:`tilts.core.waiting.per_project`."""
    rows = (
        reports.exclude(mobility__status=MobilityStatus.CANCELLED)
        .values("mobility__project_id", "mobility__project__title")
        .annotate(n=Count("pk"))
        .order_by("mobility__project_id")
    )
    return [
        {"project_id": r["mobility__project_id"], "project__title": r["mobility__project__title"], "n": r["n"]}
        for r in rows
    ]


@source(Audience.COORDINATOR, 50)
def reports_to_review(user: User, today: datetime.date) -> list[WaitingItem]:
    # The per-project counts of the dashboard's report summary (every report of mobilities not cancelled, which the
    # coordinator sees): read once for both, instead of a second pass over the reports.
    projects, _counts = selectors.kept_summary(user, today)
    rows = [
        {"project_id": p.project_id, "project__title": p.title, "n": p.to_review}
        for p in sorted(projects, key=lambda p: p.project_id)
        if p.to_review
    ]
    return per_project(
        rows,
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d report waits for your review",
                "%(project)s: %(n)d reports wait for your review",
                n,
            )
            % {"n": n, "project": project}
        ),
        "reporting:list",
        "?status=submitted",
        "reports_to_review",
    )


@source(Audience.MEMBER_CONTACT, 50)
def reports_overdue(user: User, today: datetime.date) -> list[WaitingItem]:
    overdue = ParticipantReport.objects.filter(
        mobility__sending_organisation_id=user.organisation_id, status__in=EDITABLE, due_date__lt=today
    )
    return per_project(
        _reports_per_project(overdue),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d report of your institution is overdue",
                "%(project)s: %(n)d reports of your institution are overdue",
                n,
            )
            % {"n": n, "project": project}
        ),
        "reporting:list",
        "?status=overdue",
        "reports_overdue",
    )


@source(Audience.OWN, 10)
def own_reports(user: User, today: datetime.date) -> list[WaitingItem]:
    reports = (
        ParticipantReport.objects.filter(mobility__participant=user, status__in=EDITABLE)
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .select_related("mobility")
        .order_by("due_date", "pk")
    )
    return [
        WaitingItem(
            (
                _("Your report on %(place)s is overdue since %(date)s")
                if report.due_date < today
                else _("Write your report on %(place)s by %(date)s")
            )
            % {"place": report.mobility.receiving_city, "date": dates.short(report.due_date)},
            reverse("reporting:detail", args=[report.pk]),
            kind="own_reports",
        )
        for report in reports[:LIMIT]
    ]

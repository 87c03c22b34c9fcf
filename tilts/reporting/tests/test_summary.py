"""The dashboard's report summary (per project, overdue and to review; the totals with the open ones) comes from one
grouped query: its numbers must be those of a straightforward count over every report the person may read."""

import datetime
import itertools

import pytest
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.tests.factories import make_project, many_mobilities
from tilts.reporting import selectors
from tilts.reporting.models import EDITABLE, ParticipantReport, ReportStatus
from tilts.reporting.selectors import ProjectReports, ReportCounts
from tilts.reporting.waiting import reports_to_review

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def straightforward(user, today: datetime.date) -> tuple[list[ProjectReports], ReportCounts]:
    per_project: dict[int, list[int]] = {}
    titles, years = {}, {}
    overdue = to_review = open_ = 0
    for report in selectors.reports_for(user):
        mobility = report.mobility
        if mobility.status == MobilityStatus.CANCELLED:
            continue
        is_overdue = report.status in EDITABLE and report.due_date < today
        is_review = report.status == ReportStatus.SUBMITTED
        counts = per_project.setdefault(mobility.project_id, [0, 0])
        counts[0] += is_overdue
        counts[1] += is_review
        titles[mobility.project_id], years[mobility.project_id] = mobility.project.title, mobility.project.call_year
        overdue, to_review, open_ = overdue + is_overdue, to_review + is_review, open_ + (report.status in EDITABLE)
    order = sorted(per_project, key=lambda pk: (-years[pk], pk))
    listed = [ProjectReports(pk, titles[pk], *per_project[pk]) for pk in order if any(per_project[pk])]
    return listed, ReportCounts(overdue, to_review, open_)


def test_the_summary_is_the_straightforward_count(consortium, member, other_member, goals, coordinator) -> None:
    projects = [make_project(consortium) for _ in range(3)]
    mobilities: list[Mobility] = []
    for project, sender, n in zip(projects, itertools.cycle([member, other_member]), (9, 12, 7), strict=False):
        mobilities += many_mobilities(project, sender, goals, n)
    mobilities += many_mobilities(projects[0], other_member, goals, 8)
    statuses = [*ReportStatus.values]
    due_dates = [TODAY - datetime.timedelta(days=3), TODAY, TODAY + datetime.timedelta(days=5)]
    ParticipantReport.objects.bulk_create(
        ParticipantReport(
            mobility=mobility,
            status=statuses[i % len(statuses)],
            due_date=due_dates[i % len(due_dates)],
            actual_start=mobility.start_date,
            actual_end=mobility.end_date,
            actual_travel_days=mobility.travel_days,
            actual_green_travel=mobility.green_travel,
        )
        for i, mobility in enumerate(mobilities)
        if i % 7 != 6  # some mobilities have no report yet
    )
    Mobility.objects.filter(pk__in=[m.pk for m in mobilities[::5]]).update(status=MobilityStatus.CANCELLED)
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member)
    Mobility.objects.filter(pk=mobilities[1].pk).update(participant=contact)  # their own, sent by another member
    auditor = UserFactory(role=Role.AUDITOR)
    for user in (coordinator, auditor, contact):
        expected = straightforward(user, TODAY)
        assert selectors.summary(user, TODAY) == expected
        assert selectors.counts_of(selectors.reports_for(user), TODAY) == expected[1]
    projects_listed, totals = selectors.summary(coordinator, TODAY)
    assert len(projects_listed) == 3 and totals.overdue and totals.to_review and totals.open  # the data varies
    # The coordinator's reports to review (what waits for them) are read from the same summary.
    submitted: dict[int, int] = {}
    for report in ParticipantReport.objects.filter(status=ReportStatus.SUBMITTED).select_related("mobility"):
        if report.mobility.status != MobilityStatus.CANCELLED:
            submitted[report.mobility.project_id] = submitted.get(report.mobility.project_id, 0) + 1
    items = reports_to_review(coordinator, TODAY)
    assert [(item.url, item.count) for item in items] == [
        (reverse("reporting:list", args=[pk]) + "?status=submitted", n) for pk, n in sorted(submitted.items())
    ]

"""Reports open when a confirmed or completed mobility has ended, or when a mobility is completed; never twice."""

import datetime

import pytest

from tilts.mobility import services as mobility_services
from tilts.mobility.tests.factories import make_participant, mobility_fields
from tilts.reporting import services
from tilts.reporting.models import ParticipantReport, ReportStatus
from tilts.reporting.tests.helpers import AFTER, confirmed_mobility

pytestmark = pytest.mark.django_db


def test_a_report_opens_the_day_after_a_confirmed_mobility_ends(mobility) -> None:
    assert services.open_due_reports(mobility.end_date) == 0
    assert not ParticipantReport.objects.exists()
    assert services.open_due_reports(AFTER) == 1
    report = ParticipantReport.objects.get()
    assert report.mobility == mobility and report.status == ReportStatus.PENDING
    assert report.due_date == mobility.end_date + datetime.timedelta(days=30)
    # The plan is the first answer for the realised data.
    assert (report.actual_start, report.actual_end, report.actual_travel_days, report.actual_green_travel) == (
        mobility.start_date,
        mobility.end_date,
        2,
        False,
    )


def test_opening_is_idempotent(mobility) -> None:
    assert services.open_due_reports(AFTER) == 1
    assert services.open_due_reports(AFTER) == 0
    assert services.open_due_reports(AFTER + datetime.timedelta(days=5)) == 0
    assert ParticipantReport.objects.count() == 1


def test_only_confirmed_or_completed_mobilities_get_reports(project, member, goals, coordinator) -> None:
    approved = confirmed_mobility(project, member, make_participant(member), goals, coordinator)
    approved.status = "approved"
    approved.save()
    draft = mobility_services.create_mobility(
        goals=goals[:1], by=None, **mobility_fields(project, member, make_participant(member))
    )
    assert draft.status == "draft"
    assert services.open_due_reports(AFTER) == 0


def test_the_due_date_follows_the_setting(mobility, settings) -> None:
    settings.REPORT_DUE_DAYS = 14
    services.open_due_reports(AFTER)
    assert ParticipantReport.objects.get().due_date == mobility.end_date + datetime.timedelta(days=14)


def test_completing_a_mobility_opens_its_report(mobility, coordinator) -> None:
    mobility_services.transition(mobility, "completed", by=coordinator)
    assert ParticipantReport.objects.filter(mobility=mobility).count() == 1
    assert services.open_due_reports(AFTER) == 0

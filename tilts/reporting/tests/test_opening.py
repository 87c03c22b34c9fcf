"""Reports open when a confirmed or completed mobility has ended (on the transition, when the participant looks at
their reports or the mobility's page, or on the hourly run), or when a mobility is completed; never twice, and the
participant is e-mailed when one opens. Lists built for the staff open none (a write would leave them stale)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tilts.core import figures
from tilts.mobility import services as mobility_services
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import MobilityFactory, make_participant
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
    draft = MobilityFactory(project=project, sending_organisation=member, goals=goals[:1])
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


def test_confirming_a_mobility_that_has_ended_opens_its_report_and_mails_the_participant(
    project, member, participant, goals, coordinator, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    mobility = MobilityFactory(
        project=project,
        sending_organisation=member,
        participant=participant,
        goals=goals[:1],
        by=coordinator,
        approved=True,
    )
    assert not ParticipantReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        mobility_services.transition(mobility, "confirmed", by=coordinator)
    report = ParticipantReport.objects.get(mobility=mobility)
    assert report.status == ReportStatus.PENDING
    assert [m.to for m in mailoutbox] == [[participant.email]]
    assert mailoutbox[0].subject == "Jūsu mobilitātes atskaite ir atvērta"
    assert f"/reports/{report.pk}/" in mailoutbox[0].body


def test_the_hourly_run_mails_each_opened_report_once(mobility, mailoutbox, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.open_due_reports(AFTER)
        services.open_due_reports(AFTER)
    assert len(mailoutbox) == 1


def test_my_reports_opens_an_ended_mobilitys_report(
    mobility, participant_client, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = participant_client.get(reverse("reporting:mine"))
    report = ParticipantReport.objects.get(mobility=mobility)
    assert reverse("reporting:detail", args=[report.pk]) in response.text
    assert len(mailoutbox) == 1


def test_the_mobility_page_opens_its_report(mobility, coordinator_client) -> None:
    response = coordinator_client.get(reverse("mobility:detail", args=[mobility.pk]))
    report = ParticipantReport.objects.get(mobility=mobility)
    assert reverse("reporting:detail", args=[report.pk]) in response.text


def test_a_mobility_not_yet_ended_opens_nothing_when_viewed(project, member, participant, goals, coordinator) -> None:
    mobility = confirmed_mobility(project, member, participant, goals, coordinator)
    mobility.end_date = datetime.date.today() + datetime.timedelta(days=3)
    mobility.save(update_fields=["end_date"])
    assert services.open_ended_reports(Mobility.objects.all(), datetime.date.today()) == 0
    assert not ParticipantReport.objects.exists()


def _visit_twice(client, url: str) -> tuple[int, int, list[str]]:
    """The figures' version before and after a first visit, and the second visit's queries."""
    before = figures.version()
    assert client.get(url).status_code == 200
    after = figures.version()
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    return before, after, [query["sql"] for query in second.captured_queries]


def test_the_projects_reports_list_opens_nothing_so_the_page_kept_stays_valid(
    mobility, project, coordinator_client, participant_client, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    """Opening a report while the list is built would move the figures' version and leave the rows just kept
    stale (the next visit built them again): the list writes nothing; the hourly run opens the report."""
    url = reverse("reporting:list", args=[project.pk])
    before, after, second = _visit_twice(coordinator_client, url)
    assert not ParticipantReport.objects.exists()
    assert before == after
    assert not any("reporting_participantreport" in sql for sql in second)  # the rows kept were read back
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_reminders(datetime.date.today()).opened == 1
    report = ParticipantReport.objects.get(mobility=mobility)
    assert reverse("reporting:detail", args=[report.pk]) in coordinator_client.get(url).text
    assert [m.to for m in mailoutbox if m.subject == "Jūsu mobilitātes atskaite ir atvērta"] == [
        [mobility.participant.email]
    ]


def test_the_staffs_reports_api_opens_nothing(mobility, coordinator_client) -> None:
    before, after, second = _visit_twice(coordinator_client, "/api/v1/reports")
    assert not ParticipantReport.objects.exists()
    assert before == after
    assert not any("reporting_participantreport" in sql for sql in second)


def test_a_participant_finds_their_report_open_in_the_api(
    mobility, participant_client, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    """The participant's list is their own reports: a mobility that has ended gets its report when they look,
    before the page is built, so the page kept already holds it and stays valid."""
    with django_capture_on_commit_callbacks(execute=True):
        rows = participant_client.get("/api/v1/reports").json()
    report = ParticipantReport.objects.get(mobility=mobility)
    assert [row["id"] for row in rows] == [report.pk]
    assert len(mailoutbox) == 1
    before, after, second = _visit_twice(participant_client, "/api/v1/reports")
    assert before == after
    assert not any("reporting_participantreport" in sql and "ORDER BY" in sql for sql in second)

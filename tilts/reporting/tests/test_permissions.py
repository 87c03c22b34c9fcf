"""Who sees which report: the coordinator and the auditor all, a member contact their institution's (read-only),
the participant their own; everything else is 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_participant
from tilts.reporting import services
from tilts.reporting.models import ReportStatus
from tilts.reporting.tests.helpers import confirmed_mobility, submitted_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def others_report(project, other_member, goals, coordinator):
    return services.open_report(
        confirmed_mobility(project, other_member, make_participant(other_member), goals, coordinator)
    )


def test_each_role_sees_the_reports_in_its_reach(
    report,
    others_report,
    project,
    coordinator_client,
    auditor_client,
    member_client,
    participant_client,
    evaluator_client,
) -> None:
    detail, other = reverse("reporting:detail", args=[report.pk]), reverse("reporting:detail", args=[others_report.pk])
    for client in (coordinator_client, auditor_client):
        assert client.get(detail).status_code == 200 and client.get(other).status_code == 200
    for client in (member_client, participant_client):
        assert client.get(detail).status_code == 200
        assert client.get(other).status_code == 404
    assert evaluator_client.get(detail).status_code == 404
    listing = reverse("reporting:list", args=[project.pk])
    assert len(coordinator_client.get(listing).context["reports"]) == 2
    assert len(auditor_client.get(listing).context["reports"]) == 2
    assert list(member_client.get(listing).context["reports"]) == [report]
    assert participant_client.get(listing).status_code == 403
    assert evaluator_client.get(listing).status_code == 403


def test_member_contacts_and_auditors_only_read(report, member_client, auditor_client) -> None:
    submitted_report(report)
    for client in (member_client, auditor_client):
        page = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
        assert reverse("reporting:accept", args=[report.pk]) not in page
        assert client.post(reverse("reporting:accept", args=[report.pk])).status_code == 403
        assert client.post(reverse("reporting:request_changes", args=[report.pk]), {"comment": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_coordinator_cannot_review_a_report_out_of_turn(report, coordinator_client) -> None:
    response = coordinator_client.post(reverse("reporting:accept", args=[report.pk]), follow=True)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING and report.final_grant_total is None


def test_my_reports_and_my_mobilities_link_to_the_report(report, participant_client, member) -> None:
    page = participant_client.get(reverse("reporting:mine")).content.decode()
    assert reverse("reporting:detail", args=[report.pk]) in page
    page = participant_client.get(reverse("mobility:mine")).content.decode()
    assert reverse("reporting:detail", args=[report.pk]) in page
    page = participant_client.get(reverse("mobility:detail", args=[report.mobility_id])).content.decode()
    assert reverse("reporting:detail", args=[report.pk]) in page
    colleague = client_for(make_participant(member))
    assert (
        reverse("reporting:detail", args=[report.pk]) not in colleague.get(reverse("reporting:mine")).content.decode()
    )


def test_the_list_puts_overdue_reports_first_and_filters(
    report, others_report, project, coordinator_client, participant
) -> None:
    others_report.due_date = datetime.date(2020, 1, 1)
    others_report.save()
    report.due_date = datetime.date(2020, 1, 2)
    report.save()
    submitted_report(report)
    listing = reverse("reporting:list", args=[project.pk])
    response = coordinator_client.get(listing)
    assert list(response.context["reports"]) == [others_report, report]
    days = (timezone.localdate() - others_report.due_date).days
    with translation.override("en"):
        english = coordinator_client.get(reverse("reporting:list", args=[project.pk])).content.decode()
    assert f"({days} days overdue)" in english
    assert english.count("days overdue") == 1  # the submitted one is no longer overdue
    assert list(coordinator_client.get(listing, {"status": "overdue"}).context["reports"]) == [others_report]
    assert list(coordinator_client.get(listing, {"status": "submitted"}).context["reports"]) == [report]
    assert coordinator_client.get(listing, {"status": "bogus"}).context["status"] == ""


def test_the_dashboard_counts_overdue_reports(report, coordinator_client, participant_client) -> None:
    report.due_date = datetime.date(2020, 1, 1)
    report.save()
    response = coordinator_client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("reporting:list", args=[report.mobility.project_id]) in page
    assert '<span class="stat">1</span> nokavētas atskaites' in page
    assert '<span class="stat">0</span> atskaites gaida izskatīšanu' in page
    page = participant_client.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("reporting:mine") in page


def test_a_member_contact_of_another_member_sees_nothing(report, other_member) -> None:
    client = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    assert client.get(reverse("reporting:detail", args=[report.pk])).status_code == 404

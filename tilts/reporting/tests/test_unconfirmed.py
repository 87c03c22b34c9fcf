"""Mobilities that ended while still only approved get no report: the project's reports page lists them so the
coordinator confirms (or cancels) them."""

import pytest
from django.urls import reverse
from django.utils import translation

from tilts.mobility import services as mobility_services
from tilts.mobility.tests.factories import MobilityFactory
from tilts.reporting import selectors, services
from tilts.reporting.models import ParticipantReport
from tilts.reporting.tests.helpers import AFTER

pytestmark = pytest.mark.django_db
HEADING = "Ended but not confirmed: no report opened"


def approved(project, organisation, goals, coordinator):
    return MobilityFactory(
        project=project, sending_organisation=organisation, goals=goals[:2], by=coordinator, approved=True
    )


def listed(client, project) -> tuple[list[int], str]:
    with translation.override("en"):
        response = client.get(reverse("reporting:list", args=[project.pk]))
    assert response.status_code == 200
    return [m.pk for m in response.context["ended_unconfirmed"]], response.content.decode()


def test_the_coordinator_sees_the_ended_approved_mobilities_with_links(
    mobility, project, member, other_member, goals, coordinator, coordinator_client
) -> None:
    ours, theirs = approved(project, member, goals, coordinator), approved(project, other_member, goals, coordinator)
    assert services.open_due_reports(AFTER) == 1  # only the confirmed one gets a report
    assert not ParticipantReport.objects.filter(mobility__in=[ours, theirs]).exists()
    pks, page = listed(coordinator_client, project)
    assert pks == [ours.pk, theirs.pk]  # the confirmed mobility is not in the list
    assert HEADING in page
    assert reverse("mobility:detail", args=[ours.pk]) in page and reverse("mobility:detail", args=[theirs.pk]) in page


def test_a_member_contact_sees_only_their_institutions(
    project, member, other_member, goals, coordinator, member_client
) -> None:
    ours, theirs = approved(project, member, goals, coordinator), approved(project, other_member, goals, coordinator)
    pks, page = listed(member_client, project)
    assert pks == [ours.pk]
    assert reverse("mobility:detail", args=[theirs.pk]) not in page


def test_only_mobilities_that_have_ended_and_nothing_when_none(
    mobility, project, member, goals, coordinator, coordinator_client
) -> None:
    pks, page = listed(coordinator_client, project)
    assert pks == [] and HEADING not in page
    ongoing = approved(project, member, goals, coordinator)
    assert list(selectors.ended_unconfirmed(coordinator, project.pk, ongoing.end_date)) == []
    assert list(selectors.ended_unconfirmed(coordinator, project.pk, AFTER)) == [ongoing]
    mobility_services.transition(ongoing, "confirmed", by=coordinator)
    assert listed(coordinator_client, project)[0] == []


def test_a_long_list_shows_the_first_20_and_how_many_more(
    project, member, goals, coordinator, coordinator_client
) -> None:
    from tilts.mobility.models import Mobility

    first = approved(project, member, goals, coordinator)
    copies = []
    for _ in range(22):
        copy = Mobility.objects.get(pk=first.pk)
        copy.pk = None
        copies.append(copy)
    Mobility.objects.bulk_create(copies)
    pks, page = listed(coordinator_client, project)
    assert len(pks) == 20 and "And 3 more:" in page
    assert reverse("mobility:list", args=[project.pk]) + "?status=approved" in page

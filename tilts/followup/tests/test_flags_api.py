"""The flags over the API: the project page's two lists, for the people who see them there."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.dates import add_months
from tilts.core.tests.fixtures import client_for
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project
from tilts.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium: Consortium) -> Project:
    return make_project(consortium)


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def late(project, member: Organisation, participant, today, settings) -> Mobility:
    """The participant's mobility, ended eight months ago: two months past the six to deliver a follow-up."""
    settings.FOLLOWUP_GRACE_MONTHS = 6
    return mobility(project, member, participant, end=add_months(today, -8))


@pytest.fixture
def planned(late: Mobility, goals: list[Goal], today):
    return followup([late], goals[:1], status="planned", date=today - datetime.timedelta(days=20), title="Darbnīca")


@pytest.fixture
def theirs(project, other_member: Organisation, today) -> Mobility:
    return mobility(project, other_member, end=add_months(today, -8))


def flags(client: Client, project: Project):
    return client.get(f"/api/v1/projects/{project.pk}/follow-up-flags")


def test_coordinator_and_auditor_see_every_flag_with_its_numbers(
    coordinator_client, auditor_client, project, member, late, planned, theirs, today
) -> None:
    mobility(project, member, end=today - datetime.timedelta(days=10))  # within the grace months
    for reader in (coordinator_client, auditor_client):
        response = flags(reader, project)
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["project_id"], body["today"], body["grace_months"]) == (project.pk, today.isoformat(), 6)
        assert body["total"] == 3
        first = body["mobilities_without_followup"][0]
        due = add_months(late.end_date, 6)
        assert first == {
            "mobility_id": late.pk,
            "participant_id": late.participant_id,
            "participant_name": str(late.participant),
            "sending_organisation_id": member.pk,
            "receiving_name": "KBR",
            "start_date": late.start_date.isoformat(),
            "end_date": late.end_date.isoformat(),
            "followup_due": due.isoformat(),
            "months_since_end": 8,
            "days_overdue": (today - due).days,
        }
        assert {row["mobility_id"] for row in body["mobilities_without_followup"]} == {late.pk, theirs.pk}
        assert body["planned_past_date"] == [
            {
                "followup_id": planned.pk,
                "title": "Darbnīca",
                "type": "workshop",
                "date": planned.date.isoformat(),
                "organiser_id": member.pk,
                "days_overdue": 20,
            }
        ]


def test_member_contact_and_participant_see_their_own(
    member_client, participant_client, other_member, project, late, planned, theirs
) -> None:
    for reader in (member_client, participant_client):
        body = flags(reader, project).json()
        assert [row["mobility_id"] for row in body["mobilities_without_followup"]] == [late.pk]
        assert [row["followup_id"] for row in body["planned_past_date"]] == [planned.pk]
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    body = flags(other_contact, project).json()
    assert [row["mobility_id"] for row in body["mobilities_without_followup"]] == [theirs.pk]
    assert (body["planned_past_date"], body["total"]) == ([], 1)


def test_delivering_clears_the_flags(participant_client, project, late, planned) -> None:
    response = participant_client.patch(
        f"/api/v1/follow-ups/{planned.pk}",
        {"version": planned.version, "status": "delivered", "no_attendance_list_reason": "Papīra formā."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = flags(participant_client, project).json()
    assert (body["total"], body["mobilities_without_followup"], body["planned_past_date"]) == (0, [], [])


def test_outsiders_are_not_found_and_anonymous_must_log_in(
    evaluator_client, member, client, project, late, planned
) -> None:
    colleague = client_for(UserFactory(role=Role.PARTICIPANT, organisation=member))
    for outsider in (colleague, evaluator_client):
        assert flags(outsider, project).status_code == 404
    assert flags(client, project).status_code == 401


def test_huge_or_unknown_project_ids_are_not_server_errors(coordinator_client) -> None:
    assert coordinator_client.get("/api/v1/projects/999999/follow-up-flags").status_code == 404
    assert coordinator_client.get(f"/api/v1/projects/{2**64}/follow-up-flags").status_code in (404, 422)


def test_openapi_lists_the_flags(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/projects/{project_id}/follow-up-flags"]["get"]["responses"]
    assert "200" in responses

"""The mobility API: the same rules and permissions as the pages; conflicts and bad input are 4xx."""

from decimal import Decimal

import pytest
from django.test import Client

from tilts.consortium.models import Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_participant, mobility_payload

pytestmark = pytest.mark.django_db


def test_plan_change_and_approve_through_the_api(
    member_client: Client, coordinator_client: Client, project, member: Organisation, goals: list[Goal]
) -> None:
    person = make_participant(member)
    response = member_client.post(
        f"/api/v1/projects/{project.pk}/mobilities",
        mobility_payload(project, member, person),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], Decimal(body["grant_total"]), body["goals"]) == ("draft", Decimal("3468.00"), [1, 2])
    mobility_id, version = body["id"], body["version"]
    url = f"/api/v1/mobilities/{mobility_id}"
    response = member_client.patch(
        url, {"version": version, "green_travel": True, "travel_days": 6}, content_type="application/json"
    )
    assert Decimal(response.json()["grant_total"]) == Decimal("4108.00")
    stale = member_client.patch(url, {"version": version, "travel_days": 1}, content_type="application/json")
    assert stale.status_code == 409 and "__all__" in stale.json()["errors"]
    assert (
        member_client.post(f"{url}/transitions", {"to": "approved"}, content_type="application/json").status_code == 403
    )
    assert (
        member_client.post(f"{url}/transitions", {"to": "submitted"}, content_type="application/json").status_code
        == 200
    )
    response = coordinator_client.post(f"{url}/transitions", {"to": "approved"}, content_type="application/json")
    assert response.json()["status"] == "approved" and response.json()["grant_frozen_at"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2025-10-01"}, "end_date"),
        ({"receiving_country": "LV", "venue": "g:456172"}, "receiving_country"),
        ({"start_date": "2024-01-01"}, "start_date"),
        ({"goals": [9]}, "goals"),
    ],
)
def test_bad_mobility_input_is_422(coordinator_client: Client, project, member, goals, overrides, field) -> None:
    body = mobility_payload(project, member, make_participant(member), **overrides)
    response = coordinator_client.post(
        f"/api/v1/projects/{project.pk}/mobilities", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_other_members_cannot_reach_or_create(project, member, other_member, goals, member_client: Client) -> None:
    person = make_participant(other_member)
    response = member_client.post(
        f"/api/v1/projects/{project.pk}/mobilities",
        mobility_payload(project, other_member, person),
        content_type="application/json",
    )
    assert response.status_code == 404
    mine = client_for(person)
    assert mine.get(f"/api/v1/projects/{project.pk}/mobilities").json() == []
    assert (
        mine.post(
            f"/api/v1/projects/{project.pk}/mobilities",
            mobility_payload(project, other_member, person),
            content_type="application/json",
        ).status_code
        == 403
    )

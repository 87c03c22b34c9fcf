"""The mobility API: the same rules and permissions as the pages; conflicts and bad input are 4xx."""

from decimal import Decimal

import pytest
from django.test import Client

from tilts.consortium.models import Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.core.tests.plans import needs_postgresql, plan, queries_of
from tilts.mobility.tests.factories import MobilityFactory, make_participant, mobility_payload

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


def test_each_listed_mobility_is_the_mobility_as_read_alone(
    coordinator_client: Client, coordinator, project, member: Organisation, goals: list[Goal]
) -> None:
    """The list builds its rows from the table (tilts.core.keyset.json_rows): they must be what the mobility's own
    page of the API answers, field for field and in the same order: a draft, an approved one (grant frozen) and
    one with several goals and a follow-up date."""
    MobilityFactory(project=project, sending_organisation=member, goals=goals[:1], by=coordinator)
    MobilityFactory(project=project, sending_organisation=member, goals=goals[1:3], by=coordinator, approved=True)
    MobilityFactory(project=project, sending_organisation=member, goals=goals[::-1], by=coordinator, confirmed=True)
    rows = coordinator_client.get(f"/api/v1/projects/{project.pk}/mobilities").json()
    assert len(rows) == 3 and {row["status"] for row in rows} == {"draft", "approved", "confirmed"}
    for row in rows:
        alone = coordinator_client.get(f"/api/v1/mobilities/{row['id']}").json()
        assert list(row.items()) == list(alone.items())
    assert sorted(len(row["goals"]) for row in rows) == [1, 2, len(goals)]
    assert all(row["goals"] == sorted(row["goals"]) for row in rows)


@needs_postgresql
def test_a_page_of_the_list_is_read_from_the_index_not_sorted(
    coordinator_client: Client, coordinator, project, member: Organisation, goals: list[Goal]
) -> None:
    for _ in range(3):
        MobilityFactory(project=project, sending_organisation=member, goals=goals[:1], by=coordinator)
    url = f"/api/v1/projects/{project.pk}/mobilities"
    cursor = coordinator_client.get(url, {"limit": 1})["X-Next-Cursor"]
    made = queries_of(lambda: coordinator_client.get(url, {"limit": 1, "cursor": cursor}))
    found = plan(next(sql for sql in made if "ORDER BY" in sql))
    assert "mobility_project_start_id" in found and "Sort" not in found, found
    assert "Index Cond" in found and "start_date" in found.split("Index Cond", 1)[1].split("\n", 1)[0], found

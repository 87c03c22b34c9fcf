"""The follow-up API: the same rules and permissions as the pages; others' follow-ups are 404."""

import pytest
from django.test import Client

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup.models import FollowUp
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(consortium: Consortium, member: Organisation, participant, goals: list[Goal]):
    return mobility(make_project(consortium), member, participant, goals=goals[:2])


def payload(own, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "type": "seminar",
        "title": "Seminārs par medijpratību",
        "date": "2025-12-03",
        "status": "delivered",
        "place": "Valmieras bibliotēka",
        "mobilities": [own.pk],
        "goals": [3],
        "organiser": own.sending_organisation_id,
        "attendees": 18,
        "no_attendance_list_reason": "Reģistrācija notika tiešsaistē.",
    }
    data.update(overrides)
    return data


def test_record_read_and_change_through_the_api(participant_client: Client, own) -> None:
    url = f"/api/v1/projects/{own.project_id}/follow-ups"
    response = participant_client.post(url, payload(own), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["attendees"], body["goals"], body["mobilities"]) == ("delivered", 18, [3], [own.pk])
    assert body["has_attendance_list"] is False
    assert [item["id"] for item in participant_client.get(url).json()] == [body["id"]]
    detail = f"/api/v1/follow-ups/{body['id']}"
    assert participant_client.get(detail).json()["title"] == "Seminārs par medijpratību"
    changed = participant_client.patch(detail, {"version": 1, "attendees": 21}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["attendees"] == 21 and changed.json()["version"] == 2
    stale = participant_client.patch(detail, {"version": 1, "attendees": 5}, content_type="application/json")
    assert stale.status_code == 409 and "__all__" in stale.json()["errors"]
    assert FollowUp.objects.get().attendees == 21


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": "2099-01-01"}, "date"),
        ({"attendees": 0}, "attendees"),
        ({"no_attendance_list_reason": ""}, "attendance_list"),
        ({"type": "party"}, "type"),
        ({"goals": [9]}, "goals"),
        ({"mobilities": []}, "mobilities"),
    ],
)
def test_bad_input_is_422_and_changes_nothing(coordinator_client: Client, own, overrides, field) -> None:
    url = f"/api/v1/projects/{own.project_id}/follow-ups"
    response = coordinator_client.post(url, payload(own, **overrides), content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not FollowUp.objects.exists()


def test_others_followups_are_not_found(own, goals, other_member, member, auditor_client, evaluator_client) -> None:
    made = followup([own], goals[:1])
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    colleague = client_for(UserFactory(role=Role.PARTICIPANT, organisation=member))
    detail = f"/api/v1/follow-ups/{made.pk}"
    for outsider in (other_contact, colleague, evaluator_client):
        assert outsider.get(detail).status_code == 404
        assert outsider.patch(detail, {"version": 1, "title": "x"}, content_type="application/json").status_code == 404
        assert outsider.get(f"/api/v1/projects/{own.project_id}/follow-ups").status_code == 404
        response = outsider.post(
            f"/api/v1/projects/{own.project_id}/follow-ups", payload(own), content_type="application/json"
        )
        assert response.status_code == 404
    assert auditor_client.get(detail).status_code == 200
    patch = auditor_client.patch(detail, {"version": 1, "title": "x"}, content_type="application/json")
    assert patch.status_code == 403
    assert FollowUp.objects.get().title == made.title
    assert FollowUp.objects.count() == 1


def test_member_contact_cannot_use_another_members_mobility(own, other_member, member_client) -> None:
    theirs = mobility(own.project, other_member)
    response = member_client.post(
        f"/api/v1/projects/{own.project_id}/follow-ups",
        payload(own, mobilities=[own.pk, theirs.pk]),
        content_type="application/json",
    )
    assert response.status_code == 404 and not FollowUp.objects.exists()


def test_anonymous_is_401(client: Client, own) -> None:
    assert client.get(f"/api/v1/projects/{own.project_id}/follow-ups").status_code == 401
    assert client.get("/api/v1/dashboard/goals").status_code == 401


def test_goals_numbers(own, goals, other_member, coordinator_client, member_client, participant_client) -> None:
    followup([own], goals[1:2], attendees=25)
    followup([mobility(own.project, other_member, goals=goals[1:2])], goals[1:2], attendees=5, type="seminar")
    body = coordinator_client.get("/api/v1/dashboard/goals", {"project": own.project_id}).json()
    assert (body["total"]["colleagues"], body["total"]["participants"], body["total"]["multiplier"]) == (30, 2, "15.00")
    goal_two = next(g for g in body["goals"] if g["number"] == 2)
    assert goal_two["followups_by_type"]["workshop"] == 1 and goal_two["followups_by_type"]["seminar"] == 1
    # ``own`` serves goals 1 and 2, so its follow-up counts for goal 1 as well.
    assert body["over_time"] == [{"period": "2025", "total": 30, "by_goal": {"1": 25, "2": 30}}]
    mine = member_client.get("/api/v1/dashboard/goals").json()
    assert (mine["total"]["colleagues"], mine["organisation_id"]) == (25, own.sending_organisation_id)
    assert participant_client.get("/api/v1/dashboard/goals").status_code == 403


def test_reach_per_mobility(
    own, goals, other_member, coordinator_client, member_client, participant_client, evaluator_client, client
) -> None:
    theirs = mobility(own.project, other_member, goals=goals[1:2])
    followup([own, theirs], goals[1:2], attendees=25)  # counts for each mobility, once in the total
    followup([theirs], goals[1:2], attendees=5, type="seminar")
    url = f"/api/v1/projects/{own.project_id}/follow-up-reach"
    body = coordinator_client.get(url).json()
    assert {row["mobility_id"]: row["colleagues_reached"] for row in body["mobilities"]} == {own.pk: 25, theirs.pk: 30}
    assert (body["total"]["colleagues"], body["total"]["mobilities"]) == (30, 2)
    row = next(row for row in body["mobilities"] if row["mobility_id"] == own.pk)
    assert (row["participant_id"], row["colleagues_planned"], row["followup_due"]) == (
        own.participant_id,
        20,
        "2026-04-10",
    )
    mine = member_client.get(url).json()  # their institution's mobilities and numbers
    assert [row["mobility_id"] for row in mine["mobilities"]] == [own.pk] and mine["total"]["colleagues"] == 25
    personal = participant_client.get(url).json()  # their own mobility, no totals
    assert [row["mobility_id"] for row in personal["mobilities"]] == [own.pk] and personal["total"] is None
    assert evaluator_client.get(url).status_code == 404
    assert client.get(url).status_code == 401
    assert coordinator_client.get("/api/v1/projects/99999999999999999999/follow-up-reach").status_code in (404, 422)

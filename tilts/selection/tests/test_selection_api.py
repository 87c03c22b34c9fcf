"""Selection over JSON: the same rules and permissions as the pages."""

import json

import pytest
from django.test import Client

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Membership, MembershipStatus
from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_participant
from tilts.selection import services
from tilts.selection.models import Application, ApplicationStatus, Assignment
from tilts.selection.tests.factories import application_fields, make_call, ready_to_select, submitted_application


@pytest.fixture
def call(consortium):
    return make_call(consortium)


def body(fields):
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()}


def test_open_calls_are_listed_without_login(call) -> None:
    data = Client().get("/api/v1/calls").json()
    assert [item["id"] for item in data] == [call.pk]
    assert data[0]["is_open"] is True and len(data[0]["criteria"]) == 2


def test_apply_save_and_submit_over_the_api(call, participant, goals) -> None:
    client = client_for(participant)
    created = client.post(f"/api/v1/calls/{call.pk}/applications")
    assert created.status_code == 201
    application = created.json()
    payload = {**body(application_fields()), "goals": [1], "version": application["version"]}
    saved = client.patch(
        f"/api/v1/applications/{application['id']}", json.dumps(payload), content_type="application/json"
    )
    assert saved.status_code == 200, saved.json()
    assert all(check["passed"] for check in saved.json()["checks"])
    submitted = client.post(f"/api/v1/applications/{application['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = client.patch(
        f"/api/v1/applications/{application['id']}", json.dumps(payload), content_type="application/json"
    )
    assert again.status_code == 422


def test_nulls_and_stale_versions_are_refused(call, participant) -> None:
    client = client_for(participant)
    application = client.post(f"/api/v1/calls/{call.pk}/applications").json()
    url = f"/api/v1/applications/{application['id']}"
    response = client.patch(
        url, json.dumps({"version": application["version"], "motivation": None}), content_type="application/json"
    )
    assert response.status_code == 422 and "motivation" in response.json()["errors"]
    client.patch(
        url, json.dumps({"version": application["version"], "motivation": "A"}), content_type="application/json"
    )
    stale = client.patch(
        url, json.dumps({"version": application["version"], "motivation": "B"}), content_type="application/json"
    )
    assert stale.status_code == 409
    assert Application.objects.get(pk=application["id"]).motivation == "A"


def test_others_cannot_reach_an_application(call, participant, goals, other_member) -> None:
    application = submitted_application(call, participant, goals)
    for user in (
        make_participant(other_member),
        UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member),
        UserFactory(role=Role.EVALUATOR),
    ):
        client = client_for(user)
        assert client.get(f"/api/v1/applications/{application.pk}").status_code == 404
        assert client.get("/api/v1/applications").json() == []
        assert (
            client.post(
                f"/api/v1/applications/{application.pk}/support",
                json.dumps({"confirmed": True}),
                content_type="application/json",
            ).status_code
            == 404
        )


def test_evaluation_and_decision_over_the_api(call, participant, goals, evaluator, coordinator) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    client = client_for(evaluator)
    url = f"/api/v1/applications/{application.pk}"
    scores = [{"criterion_id": c.pk, "score": 9, "comment": "Ļoti labi"} for c in call.criteria.all()]
    refused = client.put(
        f"{url}/scores", json.dumps({"scores": scores, "complete": True}), content_type="application/json"
    )
    assert refused.status_code == 422  # no declaration yet
    assert (
        client.post(f"{url}/conflict", json.dumps({"conflict": False}), content_type="application/json").status_code
        == 204
    )
    assert (
        client.put(
            f"{url}/scores", json.dumps({"scores": scores, "complete": True}), content_type="application/json"
        ).status_code
        == 204
    )
    assert (
        client.post(
            f"{url}/decision", json.dumps({"decision": "selected"}), content_type="application/json"
        ).status_code
        == 403
    )
    boss = client_for(coordinator)
    boss.post(f"{url}/support", json.dumps({"confirmed": True}), content_type="application/json")
    boss.post(f"{url}/eligibility", json.dumps({"eligible": True}), content_type="application/json")
    ranking = boss.get(f"/api/v1/calls/{call.pk}/ranking").json()
    assert ranking[0]["score"] == "27.00" and ranking[0]["position"] == 1
    decided = boss.post(f"{url}/decision", json.dumps({"decision": "selected"}), content_type="application/json")
    assert decided.status_code == 200 and decided.json()["mobility_id"]
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SELECTED
    assert client_for(participant).get(f"/api/v1/calls/{call.pk}/ranking").status_code == 403


def _applications(call, goals, member, count):
    for _ in range(count):
        submitted_application(call, UserFactory(role=Role.PARTICIPANT, organisation=member), goals)


def test_listing_applications_takes_the_same_queries_for_one_or_many(
    call, goals, member, coordinator, django_assert_max_num_queries
) -> None:
    """The checks shown with each application (is the institution a member?) come with the list, not per row."""
    client = client_for(coordinator)
    _applications(call, goals, member, 1)
    with django_assert_max_num_queries(8) as one:
        assert len(client.get("/api/v1/applications").json()) == 1
    _applications(call, goals, member, 5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        data = client.get("/api/v1/applications").json()
    assert len(data) == 6
    assert all(item["checks"][0]["passed"] for item in data)
    Membership.objects.filter(organisation=member).update(status=MembershipStatus.LEFT)
    data = client.get("/api/v1/applications").json()
    assert not any(item["checks"][0]["passed"] for item in data)
    assert data[0]["checks"][0]["reason"] == f"{member} nav aktīvs konsorcija dalībnieks."


def test_an_unknown_decision_is_a_clear_422(call, participant, goals, coordinator) -> None:
    application = submitted_application(call, participant, goals)
    ready_to_select(application, coordinator)
    response = client_for(coordinator).post(
        f"/api/v1/applications/{application.pk}/decision",
        json.dumps({"decision": "maybe"}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "decision" in response.json()["errors"]
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_declined_support_is_named_when_selecting_over_the_api(call, participant, goals, coordinator) -> None:
    application = submitted_application(call, participant, goals)
    boss = client_for(coordinator)
    url = f"/api/v1/applications/{application.pk}"
    boss.post(f"{url}/eligibility", json.dumps({"eligible": True}), content_type="application/json")
    boss.post(f"{url}/support", json.dumps({"confirmed": False, "comment": "Nav"}), content_type="application/json")
    response = boss.post(
        f"{url}/decision",
        json.dumps({"decision": "selected"}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "member contact does not support" in json.dumps(response.json())
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def _scored(call, application, evaluator, comment="Pamatots"):
    client = client_for(evaluator)
    url = f"/api/v1/applications/{application.pk}"
    client.post(f"{url}/conflict", json.dumps({"conflict": False}), content_type="application/json")
    scores = [{"criterion_id": c.pk, "score": 7, "comment": comment} for c in call.criteria.all()]
    return client.put(
        f"{url}/scores", json.dumps({"scores": scores, "complete": True}), content_type="application/json"
    )


def test_scores_submitted_without_comments_are_refused_over_the_api(call, participant, goals, evaluator) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    response = _scored(call, application, evaluator, comment="")
    assert response.status_code == 422
    assert {f"comment_{c.pk}" for c in call.criteria.all()} <= set(response.json()["errors"])
    assert not Assignment.objects.get(evaluator=evaluator).scores.exists()


def test_evaluators_read_their_own_evaluation_and_the_coordinator_reads_all(
    call, participant, member, goals, evaluator, coordinator
) -> None:
    colleague = UserFactory(role=Role.EVALUATOR, organisation=member)  # in conflict: works at the applicant's
    other = UserFactory(role=Role.EVALUATOR)
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator, colleague, other], by=None)
    assert _scored(call, application, evaluator).status_code == 204
    url = f"/api/v1/applications/{application.pk}/evaluation"
    mine = client_for(evaluator).get(url, headers={"Accept-Language": "en"})
    assert mine.status_code == 200
    [evaluation] = mine.json()
    first, second = call.criteria.all()
    assert evaluation["evaluator"]["id"] == evaluator.pk and evaluation["conflict"] is False
    assert evaluation["completed_at"]
    assert [(s["criterion_id"], s["score"], s["comment"]) for s in evaluation["scores"]] == [
        (first.pk, 7, "Pamatots"),
        (second.pk, 7, "Pamatots"),
    ]
    [declared] = client_for(colleague).get(url, headers={"Accept-Language": "en"}).json()
    assert declared["conflict"] is True and declared["conflict_note"] == "Works at the applicant's institution."
    [unscored] = client_for(other).get(url).json()
    assert unscored["evaluator"]["id"] == other.pk and unscored["completed_at"] is None
    assert [s["score"] for s in unscored["scores"]] == [None, None]
    everything = client_for(coordinator).get(url).json()
    assert sorted(e["evaluator"]["id"] for e in everything) == sorted([evaluator.pk, colleague.pk, other.pk])


def test_only_the_assigned_and_the_coordinator_read_an_evaluation(
    call, participant, goals, evaluator, member_contact, consortium
) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    url = f"/api/v1/applications/{application.pk}/evaluation"
    outsider = UserFactory(role=Role.EVALUATOR)  # evaluates other calls
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(participant).get(url).status_code == 403
    assert client_for(member_contact).get(url).status_code == 403
    assert Client().get(url).status_code == 401
    assert client_for(evaluator).get("/api/v1/applications/999999999/evaluation").status_code == 404


def test_the_schema_describes_the_evaluation_and_the_three_decisions() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/applications/{application_id}/evaluation" in schema["paths"]
    decision = schema["components"]["schemas"]["DecisionIn"]["properties"]["decision"]
    assert decision["enum"] == ["selected", "reserve", "rejected"]

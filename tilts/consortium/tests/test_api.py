"""The consortium API: public reads and the join form, and back-office endpoints behind the same permissions."""

import pytest
from django.test import Client

from tilts.consortium.models import Consortium, Goal, JoinApplication, JoinApplicationStatus, Organisation
from tilts.consortium.tests.forms import join_payload

pytestmark = pytest.mark.django_db


def test_public_reads(client: Client, consortium: Consortium, goals: list[Goal], member: Organisation) -> None:
    body = client.get("/api/v1/consortium").json()
    assert body["accreditation_number"] == consortium.accreditation_number
    assert [g["number"] for g in body["goals"]] == [1, 2, 3, 4, 5]
    assert body["contact_phones"] == ["+371 67806129", "+371 67716054"]
    members = client.get("/api/v1/members").json()
    assert {m["legal_name"] for m in members} == {member.legal_name, consortium.coordinator.legal_name}
    assert "registration_number" not in members[0]


def test_apply_through_the_api(client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    response = client.post("/api/v1/join-applications", join_payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    application = JoinApplication.objects.get(pk=response.json()["id"])
    assert application.language == "en"
    assert sorted(g.number for g in application.goals.all()) == [2, 3]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("goals", []),
        ("goals", [9]),
        ("contact_email", "x"),
        ("oid", "E1"),
        ("registration_number", "123"),
        ("consent", False),
        ("type", "zoo"),
        ("language", "de"),
    ],
)
def test_bad_api_input_is_422_per_field_and_saves_nothing(
    client: Client, consortium: Consortium, goals: list[Goal], field: str, value: object
) -> None:
    response = client.post(
        "/api/v1/join-applications",
        join_payload(**{field: value}),
        content_type="application/json",
        headers={"accept-language": "lv"},
    )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors or any(field in str(e) for e in errors)
    assert not JoinApplication.objects.exists()


def test_duplicate_pending_application_is_422(client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    client.post("/api/v1/join-applications", join_payload(), content_type="application/json")
    response = client.post("/api/v1/join-applications", join_payload(), content_type="application/json")
    assert response.status_code == 422
    assert "registration_number" in response.json()["errors"]


def test_back_office_endpoints_need_login(client: Client, consortium: Consortium) -> None:
    assert client.get("/api/v1/organisations").status_code == 401
    assert client.get("/api/v1/join-applications").status_code == 401


def test_member_contact_sees_and_edits_only_own_institution(
    member_client: Client, member: Organisation, other_member: Organisation
) -> None:
    assert [o["id"] for o in member_client.get("/api/v1/organisations").json()] == [member.pk]
    assert member_client.get(f"/api/v1/organisations/{other_member.pk}").status_code == 404
    response = member_client.patch(
        f"/api/v1/organisations/{other_member.pk}", {"city": "X"}, content_type="application/json"
    )
    assert response.status_code == 404
    response = member_client.patch(
        f"/api/v1/organisations/{member.pk}", {"city": "Cēsis"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["city"] == "Cēsis"
    response = member_client.patch(
        f"/api/v1/organisations/{member.pk}", {"oid": "bad"}, content_type="application/json"
    )
    assert response.status_code == 422 and "oid" in response.json()["errors"]


def test_auditor_reads_but_cannot_decide(
    auditor_client: Client, consortium: Consortium, goals: list[Goal], client: Client
) -> None:
    client.post("/api/v1/join-applications", join_payload(), content_type="application/json")
    application = JoinApplication.objects.get()
    assert len(auditor_client.get("/api/v1/join-applications").json()) == 1
    assert auditor_client.post(f"/api/v1/join-applications/{application.pk}/accept").status_code == 403
    assert (
        auditor_client.patch(
            f"/api/v1/organisations/{consortium.coordinator_id}", {"city": "X"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_coordinator_accepts_and_rejects_through_the_api(
    coordinator_client: Client, consortium: Consortium, goals: list[Goal], client: Client
) -> None:
    client.post("/api/v1/join-applications", join_payload(), content_type="application/json")
    client.post(
        "/api/v1/join-applications", join_payload(registration_number="90000054321"), content_type="application/json"
    )
    first, second = JoinApplication.objects.order_by("pk")
    assert coordinator_client.post(f"/api/v1/join-applications/{first.pk}/accept").json()["status"] == "accepted"
    response = coordinator_client.post(
        f"/api/v1/join-applications/{second.pk}/reject", {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    response = coordinator_client.post(
        f"/api/v1/join-applications/{second.pk}/reject", {"reason": "No"}, content_type="application/json"
    )
    assert response.json()["status"] == "rejected"
    assert coordinator_client.post(f"/api/v1/join-applications/{first.pk}/accept").status_code == 422
    assert JoinApplication.objects.filter(status=JoinApplicationStatus.PENDING).count() == 0


def test_participant_cannot_list_applications(participant_client: Client, consortium: Consortium) -> None:
    assert participant_client.get("/api/v1/join-applications").status_code == 403


def test_openapi_docs_are_served(client: Client) -> None:
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/join-applications" in schema["paths"]

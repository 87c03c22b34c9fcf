"""The reports API: the same rules and permissions as the pages."""

from decimal import Decimal

import pytest
from django.test import Client

from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_participant
from tilts.reporting import services
from tilts.reporting.models import ReportStatus
from tilts.reporting.tests.helpers import complete_answers, confirmed_mobility, pdf

pytestmark = pytest.mark.django_db


def patch(client: Client, url: str, data: dict[str, object]):
    return client.patch(url, data, content_type="application/json")


def test_fill_submit_and_accept_through_the_api(
    report, participant, participant_client: Client, coordinator_client: Client
) -> None:
    url = f"/api/v1/reports/{report.pk}"
    body = participant_client.get(url).json()
    assert (body["status"], body["actual_end"], body["agreed_grant_total"]) == ("pending", "2025-10-20", "3146.00")
    answers = complete_answers(report)
    response = patch(participant_client, url, {**answers, "actual_end": "2025-10-17"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    response = participant_client.post(f"{url}/submit")
    assert response.status_code == 422 and "evidence" in response.json()["errors"]
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    response = participant_client.post(f"{url}/submit")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    evidence_id = report.evidence.get().pk
    assert response.json()["evidence"][0]["url"] == f"/api/v1/reports/{report.pk}/evidence/{evidence_id}/file"
    assert patch(participant_client, url, {"learned": "Vēlāks labojums"}).status_code == 403
    assert participant_client.post(f"{url}/accept").status_code == 403
    response = coordinator_client.post(f"{url}/accept")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["final_grant_total"], body["final_grant_difference"]) == (
        "accepted",
        "2789.00",
        "-357.00",
    )
    assert Decimal(body["final_grant_breakdown"]["by_category"]["individual_support"]) == Decimal("2380.00")


def test_bad_input_is_422_and_changes_nothing(report, participant_client: Client) -> None:
    url = f"/api/v1/reports/{report.pk}"
    for data, field in (
        ({"satisfaction": 9}, "satisfaction"),
        ({"competences": ["astrology"]}, "competences"),
        ({"goal_contributions": {"5": "x"}}, "goal_contributions"),
        ({"actual_travel_days": 99}, "actual_travel_days"),
        ({"actual_start": "vakar"}, "actual_start"),
    ):
        response = patch(participant_client, url, {"learned": "Mainīts", **data})
        assert response.status_code == 422, data
        assert field in response.json()["errors"]
    assert participant_client.get(url).json()["learned"] == ""


def test_request_changes_needs_a_comment(report, participant, participant_client, coordinator_client) -> None:
    url = f"/api/v1/reports/{report.pk}"
    patch(participant_client, url, complete_answers(report))
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    participant_client.post(f"{url}/submit")
    response = coordinator_client.post(f"{url}/request-changes", {"comment": ""}, content_type="application/json")
    assert response.status_code == 422 and "comment" in response.json()["errors"]
    response = coordinator_client.post(
        f"{url}/request-changes", {"comment": "Pievienojiet foto."}, content_type="application/json"
    )
    assert response.json()["status"] == ReportStatus.CHANGES_REQUESTED
    assert response.json()["review_comment"] == "Pievienojiet foto."


def test_the_list_is_scoped_and_others_are_404(
    report,
    project,
    other_member,
    goals,
    coordinator,
    coordinator_client,
    auditor_client,
    member_client,
    participant_client,
    evaluator_client,
) -> None:
    other = services.open_report(
        confirmed_mobility(project, other_member, make_participant(other_member), goals, coordinator)
    )
    ids = lambda client: sorted(r["id"] for r in client.get("/api/v1/reports").json())  # noqa: E731
    assert ids(coordinator_client) == ids(auditor_client) == sorted([report.pk, other.pk])
    assert ids(member_client) == ids(participant_client) == [report.pk]
    assert ids(evaluator_client) == []
    for client in (member_client, participant_client, evaluator_client):
        assert client.get(f"/api/v1/reports/{other.pk}").status_code == 404
        assert patch(client, f"/api/v1/reports/{other.pk}", {"learned": "x"}).status_code == 404
    assert auditor_client.post(f"/api/v1/reports/{report.pk}/accept").status_code == 403
    assert patch(member_client, f"/api/v1/reports/{report.pk}", {"learned": "x"}).status_code == 403
    assert client_for(make_participant(other_member)).get(f"/api/v1/reports/{report.pk}").status_code == 404
    assert Client().get("/api/v1/reports").status_code == 401

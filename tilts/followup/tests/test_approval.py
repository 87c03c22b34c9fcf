"""A delivered follow-up is public only once the coordinator approves it; until then it waits in "to review"."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.core.tests.fixtures import client_for
from tilts.followup.models import FollowUp
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(consortium, member, participant, goals) -> FollowUp:
    made = mobility(make_project(consortium), member, participant, goals=goals[:1])
    return followup([made], goals[:1], attendees=25, title="Semināra par digitālajām prasmēm", type="seminar")


def test_a_recorded_follow_up_is_not_public_until_approved(
    client: Client, recorded, coordinator, coordinator_client: Client
) -> None:
    assert "Semināra par digitālajām prasmēm" not in client.get(reverse("followup:results")).text
    assert client.get("/api/v1/results").json()["colleagues"] == 0
    dashboard = coordinator_client.get(reverse("backoffice:dashboard")).text
    assert "1 notikusi turpmākā aktivitāte jāpārskata" in dashboard
    assert reverse("followup:detail", args=[recorded.pk]) in dashboard
    response = coordinator_client.post(reverse("followup:approve", args=[recorded.pk]))
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.approved_at is not None and recorded.approved_by == coordinator
    assert "Semināra par digitālajām prasmēm" in client.get(reverse("followup:results")).text
    assert client.get("/api/v1/results").json()["colleagues"] == 25
    assert "jāpārskata" not in coordinator_client.get(reverse("backoffice:dashboard")).text


def test_the_back_office_counts_it_before_approval(recorded, coordinator_client: Client) -> None:
    body = coordinator_client.get("/api/v1/dashboard/goals").json()
    assert body["total"]["colleagues"] == 25


def test_only_the_coordinator_approves(recorded, member_contact, auditor, consortium, coordinator) -> None:
    url = reverse("followup:approve", args=[recorded.pk])
    assert client_for(member_contact).post(url).status_code == 403
    assert client_for(auditor).post(url).status_code == 403
    api = f"/api/v1/follow-ups/{recorded.pk}/approve"
    assert client_for(member_contact).post(api).status_code == 403
    assert client_for(coordinator).post(api).json()["approved_at"] is not None
    assert FollowUp.objects.get().approved_at is not None


def test_a_planned_follow_up_cannot_be_approved(consortium, member, participant, goals, coordinator_client) -> None:
    made = mobility(make_project(consortium), member, participant, goals=goals[:1])
    planned = followup([made], goals[:1], status="planned", attendees=0)
    response = coordinator_client.post(f"/api/v1/follow-ups/{planned.pk}/approve")
    assert response.status_code == 422
    assert FollowUp.objects.get().approved_at is None


def test_the_dashboard_counts_every_follow_up_to_review_and_lists_ten(
    consortium, member, participant, goals, coordinator, coordinator_client: Client, django_assert_max_num_queries
) -> None:
    project = make_project(consortium)
    for n in range(12):
        made = mobility(project, member, participant, goals=goals[:1])
        followup([made], goals[:1], title=f"Darbnīca {n:02d}")
    url = reverse("backoffice:dashboard")
    coordinator_client.get(url)
    with django_assert_max_num_queries(40):
        dashboard = coordinator_client.get(url).text
    assert "12 notikušas turpmākās aktivitātes jāpārskata" in dashboard
    assert dashboard.count(">Darbnīca ") == 10  # the earliest ten listed, the count says how many there are
    # The dashboard loads only those ten, however many wait (4 812 in the large demo took 0.2 s of every visit).
    from tilts.followup.templatetags.followup import followups_to_approve

    with django_assert_max_num_queries(2):
        waiting = followups_to_approve(coordinator)
    assert (waiting.count, len(waiting.first)) == (12, 10)

"""Group activities in the back office and the API: pages, forms in Latvian, permissions per member, lists."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.mobility import services
from tilts.mobility.models import GroupActivity, MobilityStatus
from tilts.mobility.tests.factories import BRUSSELS, RIGA, group_fields, make_participant, make_project

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def project(consortium: Consortium):
    return make_project(consortium, 2023)


@pytest.fixture
def other_group(project, other_member: Organisation) -> GroupActivity:
    return services.create_group_activity(
        by=None, **group_fields(project, other_member, make_participant(other_member), title="Citu grupa")
    )


def form_data(lead, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "sending_organisation": lead.organisation_id,
        "title": "Senioru digitālās prasmes",
        "activity_type": "group_mobility",
        "receiving_name": "KBR",
        "receiving_country": "BE",
        "receiving_city": "Brisele",
        "origin": RIGA,
        "venue": BRUSSELS,
        "start_date": "2023-10-06",
        "end_date": "2023-10-10",
        "travel_days": 2,
        "means_of_transport": "",
        "learners": 10,
        "learners_fewer_opportunities": 2,
        "accompanying_persons": 2,
        "lead_accompanying_person": lead.pk,
        "learner_daily_rate": "",
        "topic": "Digitālās prasmes",
    }
    data.update(overrides)
    return data


def test_a_member_contact_plans_a_group_in_latvian(member_client: Client, project, member_contact) -> None:
    lead = make_participant(member_contact.organisation)
    response = member_client.post(
        reverse("mobility:group_create", args=[project.pk]), form_data(lead), HTTP_ACCEPT_LANGUAGE="lv"
    )
    group = GroupActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("mobility:group", args=[group.pk])
    assert group.grant_total == D("9876.00") and group.created_by == member_contact
    page = member_client.get(reverse("mobility:group", args=[group.pk]))
    html = page.content.decode()
    assert "9876,00" in html.replace("\xa0", "").replace(" ", "")  # the Latvian decimal comma
    assert "Pavadošās personas" in html or "pavadošās personas" in html


def test_a_latvian_learners_rate_with_a_decimal_comma(member_client: Client, consortium, member_contact) -> None:
    project = make_project(consortium, 2025)
    lead = make_participant(member_contact.organisation)
    url = reverse("mobility:group_create", args=[project.pk])
    data = form_data(lead, start_date="2025-10-06", end_date="2025-10-10")
    refused = member_client.post(url, data)
    assert refused.status_code == 422 and not GroupActivity.objects.exists()
    with translation.override("lv"):
        url = reverse("mobility:group_create", args=[project.pk])
        response = member_client.post(url, {**data, "learner_daily_rate": "60,50"})
    assert response.status_code == 302
    assert GroupActivity.objects.get().learner_daily_rate == D("60.50")


def test_bad_input_is_a_message_on_the_form_and_nothing_is_saved(member_client: Client, project, member_contact):
    lead = make_participant(member_contact.organisation)
    response = member_client.post(
        reverse("mobility:group_create", args=[project.pk]), form_data(lead, learners=1, accompanying_persons=0)
    )
    assert response.status_code == 422
    assert response.context["form"].errors
    assert not GroupActivity.objects.exists()


def test_another_members_group_is_404_for_a_member_contact(
    member_client: Client, group: GroupActivity, other_group: GroupActivity
) -> None:
    for name in ("mobility:group", "mobility:group_edit"):
        assert member_client.get(reverse(name, args=[group.pk])).status_code == 200
        assert member_client.get(reverse(name, args=[other_group.pk])).status_code == 404
    response = member_client.post(reverse("mobility:group_transition", args=[other_group.pk]), {"to": "submitted"})
    assert response.status_code == 404
    listed = member_client.get(reverse("mobility:groups", args=[group.project_id]))
    assert [g.pk for g in listed.context["page"]] == [group.pk]


def test_a_member_contact_may_not_approve_nor_choose_another_member(
    member_client: Client, group: GroupActivity, project, other_member: Organisation
) -> None:
    url = reverse("mobility:group_transition", args=[group.pk])
    assert member_client.post(url, {"to": "submitted"}).status_code == 302
    # A group the member contact sees but may not change now: 403, as for mobilities (tilts.core.access)
    assert member_client.post(url, {"to": "approved"}).status_code == 403
    assert GroupActivity.objects.get(pk=group.pk).status == MobilityStatus.SUBMITTED
    # Submitted: no longer the member's to edit
    assert member_client.get(reverse("mobility:group_edit", args=[group.pk])).status_code == 403
    lead = make_participant(other_member)
    response = member_client.post(reverse("mobility:group_create", args=[project.pk]), form_data(lead))
    assert response.status_code == 422 and GroupActivity.objects.count() == 1


def test_participants_and_evaluators_reach_no_group(group: GroupActivity, evaluator) -> None:
    participant = UserFactory(role=Role.PARTICIPANT, organisation=group.sending_organisation)
    for user in (participant, evaluator):
        client = client_for(user)
        assert client.get(reverse("mobility:group", args=[group.pk])).status_code in (403, 404)
        assert client.get(f"/api/v1/group-activities/{group.pk}").status_code == 404


def test_the_coordinator_approves_and_the_grant_is_frozen(coordinator_client: Client, group: GroupActivity) -> None:
    url = reverse("mobility:group_transition", args=[group.pk])
    coordinator_client.post(url, {"to": "submitted"})
    coordinator_client.post(url, {"to": "approved"})
    group.refresh_from_db()
    assert group.status == MobilityStatus.APPROVED and group.grant_frozen_at is not None
    page = coordinator_client.get(reverse("mobility:group", args=[group.pk]))
    assert "Kopā, noteikts apstiprinot" in page.content.decode()


def test_the_list_paginates_with_a_constant_number_of_queries(
    coordinator_client: Client, group: GroupActivity, django_assert_max_num_queries
) -> None:
    copies = []
    for i in range(60):
        copy = GroupActivity.objects.get(pk=group.pk)
        copy.pk, copy.title = None, f"Grupa {i}"
        copies.append(copy)
    GroupActivity.objects.bulk_create(copies)
    url = reverse("mobility:groups", args=[group.project_id])
    coordinator_client.get(url)
    with django_assert_max_num_queries(10):
        response = coordinator_client.get(url)
    assert len(response.context["page"]) == 50 and response.context["page"].paginator.count == 61
    assert coordinator_client.get(url, {"page": 2}).context["page"].object_list[0].title.startswith("Grupa")


def test_editing_prices_the_group_again(coordinator_client: Client, group: GroupActivity, coordinator) -> None:
    for step in ("submitted", "approved"):
        group = services.transition_group(group, step, by=coordinator)
    url = reverse("mobility:group_edit", args=[group.pk])
    data = form_data(group.lead_accompanying_person, learners=12, version=group.version)
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    group.refresh_from_db()
    assert group.learners == 12 and group.grant_total == D("9876.00") + 2 * D("767.00")
    assert group.status == MobilityStatus.APPROVED and group.grant_frozen_at is not None


# The API -------------------------------------------------------------------------------------------------------


def api_payload(lead, **overrides: object) -> dict[str, object]:
    data = form_data(lead, **overrides)
    data.pop("learner_daily_rate")
    return data


def test_the_api_plans_lists_and_moves_a_group(member_client: Client, project, member_contact, other_group) -> None:
    lead = make_participant(member_contact.organisation)
    created = member_client.post(
        f"/api/v1/projects/{project.pk}/group-activities",
        json.dumps(api_payload(lead, means_of_transport="train")),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["grant_total"] == "10416.00" and body["green_travel"]  # 320.00 travel each: 12 x 45.00 more
    listed = member_client.get(f"/api/v1/projects/{project.pk}/group-activities").json()
    assert [g["id"] for g in listed] == [body["id"]]  # not the other member's
    assert member_client.get(f"/api/v1/group-activities/{other_group.pk}").status_code == 404
    moved = member_client.post(
        f"/api/v1/group-activities/{body['id']}/transitions",
        json.dumps({"to": "submitted"}),
        content_type="application/json",
    )
    assert moved.json()["status"] == "submitted"
    approve = member_client.post(
        f"/api/v1/group-activities/{body['id']}/transitions",
        json.dumps({"to": "approved"}),
        content_type="application/json",
    )
    assert approve.status_code == 403


def test_the_api_refuses_a_bad_group_with_422_and_saves_nothing(member_client: Client, project, member_contact):
    lead = make_participant(member_contact.organisation)
    response = member_client.post(
        f"/api/v1/projects/{project.pk}/group-activities",
        json.dumps(api_payload(lead, learners=1, learners_fewer_opportunities=0)),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "learners" in json.dumps(response.json())
    assert not GroupActivity.objects.exists()


def test_the_api_patch_prices_again_and_checks_the_version(coordinator_client: Client, group: GroupActivity):
    url = f"/api/v1/group-activities/{group.pk}"
    changed = coordinator_client.patch(url, json.dumps({"version": 1, "learners": 12}), content_type="application/json")
    assert changed.json()["grant_total"] == "11410.00"  # two more learners at 767.00
    stale = coordinator_client.patch(url, json.dumps({"version": 1, "learners": 14}), content_type="application/json")
    assert stale.status_code == 409
    assert GroupActivity.objects.get(pk=group.pk).learners == 12

"""Recording follow-ups in the browser's back office, by role: others' follow-ups are not found (404), and those
one sees but may not change are refused (403)."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup.models import FollowUp
from tilts.followup.tests.forms import followup_form_data
from tilts.followup.tests.helpers import D, followup, mobility
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium: Consortium):
    return make_project(consortium)


@pytest.fixture
def own(project, member: Organisation, participant, goals: list[Goal]):
    """The participant fixture's own mobility at the member fixture's institution."""
    return mobility(project, member, participant, goals=goals[:2])


def test_participant_records_a_followup_for_their_mobility(participant_client: Client, own, goals, member) -> None:
    url = reverse("followup:create", args=[own.project_id])
    page = participant_client.get(url, {"mobility": own.pk})
    assert page.status_code == 200 and page.context["form"].initial["organiser"] == member
    response = participant_client.post(url, followup_form_data([own], goals[:1], member))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    made = FollowUp.objects.get()
    assert (made.status, made.attendees, list(made.mobilities.all())) == ("delivered", 24, [own])
    detail = participant_client.get(response["Location"])
    assert "Darbnīca par digitālajām kolekcijām" in detail.text


def test_planned_from_the_mobility_plan_is_prefilled(participant_client: Client, own) -> None:
    url = reverse("followup:create", args=[own.project_id])
    form = participant_client.get(url, {"mobility": own.pk, "plan": 1}).context["form"]
    assert form.initial["status"] == "planned"
    assert (form.initial["title"], form.initial["attendees"]) == ("Darbnīca novada bibliotekāriem", 20)
    assert form.initial["date"] == own.followup_due


def test_mobility_page_lists_its_followups_and_links_to_record(participant_client: Client, own, goals) -> None:
    followup([own], goals[:1], title="Semināri Vidzemes bibliotekāriem")
    response = participant_client.get(reverse("mobility:detail", args=[own.pk]))
    assert "Semināri Vidzemes bibliotekāriem" in response.text
    assert reverse("followup:create", args=[own.project_id]) + f"?mobility={own.pk}" in response.text


def test_bad_input_changes_nothing(participant_client: Client, own, goals, member) -> None:
    url = reverse("followup:create", args=[own.project_id])
    response = participant_client.post(url, followup_form_data([own], goals[:1], member, date="2099-01-01"))
    assert response.status_code == 422
    assert "date" in response.context["form"].errors
    assert not FollowUp.objects.exists()


def test_nobody_records_for_anothers_mobility(project, own, other_member, member, goals) -> None:
    others = mobility(project, other_member)
    outsider = client_for(make_participant(member))  # a colleague, but not on this mobility
    url = reverse("followup:create", args=[project.pk])
    assert outsider.get(url, {"mobility": own.pk}).status_code == 404
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    assert other_contact.get(url, {"mobility": own.pk}).status_code == 404
    response = other_contact.post(url, followup_form_data([own], goals[:1], member))
    assert response.status_code == 422 and "mobilities" in response.context["form"].errors
    assert not FollowUp.objects.exists()
    assert other_contact.get(url, {"mobility": others.pk}).status_code == 200


def test_who_sees_and_changes_a_followup(
    own,
    goals,
    other_member,
    participant_client,
    member_client,
    coordinator_client,
    auditor_client,
    evaluator_client,
    client,
) -> None:
    made = followup([own], goals[:1])
    detail, edit = reverse("followup:detail", args=[made.pk]), reverse("followup:edit", args=[made.pk])
    for reader in (participant_client, member_client, coordinator_client, auditor_client):
        assert reader.get(detail).status_code == 200
    for editor in (participant_client, member_client, coordinator_client):
        assert editor.get(edit).status_code == 200
    assert auditor_client.get(edit).status_code == 403  # reads, may not change
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    for outsider in (other_contact, evaluator_client, client_for(make_participant(own.sending_organisation))):
        assert outsider.get(detail).status_code == 404
        assert outsider.get(edit).status_code == 404
        assert outsider.post(edit, {"title": "x"}).status_code == 404
    assert client.get(detail).status_code == 302  # to the login page
    assert FollowUp.objects.get().title == made.title


def test_editing_keeps_a_mobility_out_of_the_editors_reach(project, own, member, other_member, goals) -> None:
    theirs = mobility(project, other_member)
    made = followup([own, theirs], goals[:1], attendees=30)
    contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=member))
    response = contact.post(
        reverse("followup:edit", args=[made.pk]),
        followup_form_data([own], goals[:1], member, attendees=35, version=made.version),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    made.refresh_from_db()
    assert made.attendees == 35 and set(made.mobilities.all()) == {own, theirs}


def test_project_page_per_mobility_and_totals(coordinator_client: Client, project, own, member, goals) -> None:
    second = mobility(project, member)
    followup([own, second], goals[:1], attendees=30)
    response = coordinator_client.get(reverse("followup:project", args=[project.pk]))
    assert response.status_code == 200
    assert [row.colleagues for row in response.context["mobility_rows"]] == [30, 30]
    assert response.context["total"].colleagues == 30


def test_index_lists_projects_with_flags(participant_client: Client, own) -> None:
    response = participant_client.get(reverse("followup:index"))
    assert [p for p, _flags in response.context["projects"]] == [own.project]
    assert response.context["projects"][0][1] == 1  # the mobility ended 2025-10-10 without a follow-up


def test_date_field_rejects_a_date_before_the_mobility(participant_client, own, goals, member) -> None:
    url = reverse("followup:create", args=[own.project_id])
    response = participant_client.post(
        url, followup_form_data([own], goals[:1], member, date=D(2025, 10, 1).isoformat())
    )
    assert response.status_code == 422 and "date" in response.context["form"].errors


def test_project_total_is_cached_until_something_changes(coordinator_client: Client, project, own, goals) -> None:
    made = followup([own], goals[:1], attendees=30)
    url = "/en" + reverse("followup:project", args=[project.pk])
    assert coordinator_client.get(url).context["total"].colleagues == 30
    # a second visit is kept rendered (no context of its own): its text is checked
    assert '<span class="stat">30</span> colleagues reached' in coordinator_client.get(url).text
    FollowUp.objects.filter(pk=made.pk).update(attendees=99)  # no signal: any write drops the cached figures
    assert coordinator_client.get(url).context["total"].colleagues == 99
    followup([own], goals[:1], attendees=5)  # and so does a change through the models
    assert coordinator_client.get(url).context["total"].colleagues == 104

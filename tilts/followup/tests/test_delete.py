"""Deleting a follow-up (a workshop recorded twice): the coordinator any, whoever recorded it only while it is
planned; history kept, files removed once the deletion is committed. Replacing a file removes the old one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role, User
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup import selectors, services
from tilts.followup.models import FollowUp
from tilts.followup.tests.helpers import CSV, PDF, PNG, D, followup, mobility, stored_files
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(consortium: Consortium, member: Organisation, participant: User, goals: list[Goal]) -> Mobility:
    return mobility(make_project(consortium), member, participant, goals=goals[:1])


@pytest.fixture
def with_files(own: Mobility, goals: list[Goal], coordinator: User) -> FollowUp:
    return followup(
        [own],
        goals[:1],
        by=coordinator,
        attendance_list=SimpleUploadedFile("saraksts.pdf", PDF),
        materials_file=SimpleUploadedFile("slaidi.png", PNG),
    )


def planned(own: Mobility, goals: list[Goal], by: User) -> FollowUp:
    return followup([own], goals[:1], status="planned", date=D(2027, 3, 1), attendees=0, by=by)


def test_coordinator_deletes_on_the_page_history_kept_files_removed(
    coordinator_client: Client, with_files, settings, django_capture_on_commit_callbacks
) -> None:
    assert len(stored_files(settings)) == 2
    url = reverse("followup:delete", args=[with_files.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200 and with_files.title in page.text
    assert FollowUp.objects.exists()  # asking is not deleting
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse(
        "followup:project", args=[with_files.project_id]
    )
    assert not FollowUp.objects.exists()
    assert stored_files(settings) == []
    deleted = FollowUp.history.filter(id=with_files.pk, history_type="-").get()
    assert deleted.history_user.role == Role.COORDINATOR and deleted.title == with_files.title


def test_files_stay_when_the_deletion_is_rolled_back(with_files, coordinator, settings) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.delete_followup(with_files, by=coordinator)
        raise RuntimeError
    assert FollowUp.objects.filter(pk=with_files.pk).exists() and len(stored_files(settings)) == 2


def test_detail_page_offers_delete_only_to_who_may(
    coordinator_client: Client, participant_client: Client, own, goals, participant, coordinator
) -> None:
    mine = planned(own, goals, participant)
    delivered = followup([own], goals[:1], by=participant)
    link = reverse("followup:delete", args=[mine.pk])
    assert link in participant_client.get(reverse("followup:detail", args=[mine.pk])).text
    other = reverse("followup:delete", args=[delivered.pk])
    assert other not in participant_client.get(reverse("followup:detail", args=[delivered.pk])).text
    assert other in coordinator_client.get(reverse("followup:detail", args=[delivered.pk])).text


def test_who_recorded_a_planned_followup_deletes_it(participant_client: Client, own, goals, participant) -> None:
    mine = planned(own, goals, participant)
    assert participant_client.post(reverse("followup:delete", args=[mine.pk])).status_code == 302
    assert not FollowUp.objects.exists()


def test_once_delivered_only_the_coordinator_deletes(
    participant_client: Client, member_client: Client, own, goals, participant
) -> None:
    delivered = followup([own], goals[:1], by=participant)
    for refused in (participant_client, member_client):
        assert refused.post(reverse("followup:delete", args=[delivered.pk])).status_code == 403
        assert refused.delete(f"/api/v1/follow-ups/{delivered.pk}").status_code == 403
    assert FollowUp.objects.count() == 1


def test_others_may_not_delete(
    own, goals, participant, member, other_member, member_client, auditor_client, evaluator_client, client
) -> None:
    mine = planned(own, goals, participant)
    colleague = client_for(UserFactory(role=Role.PARTICIPANT, organisation=member))
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    page, api = reverse("followup:delete", args=[mine.pk]), f"/api/v1/follow-ups/{mine.pk}"
    for outsider in (colleague, other_contact, evaluator_client):  # they do not see it
        assert outsider.post(page).status_code == 404 and outsider.delete(api).status_code == 404
    for onlooker in (member_client, auditor_client):  # they see it but did not record it
        assert onlooker.post(page).status_code == 403 and onlooker.delete(api).status_code == 403
    assert client.post(page).status_code == 302 and client.delete(api).status_code == 401
    assert FollowUp.objects.count() == 1
    assert not selectors.can_delete(participant, followup([own], goals[:1], by=participant))


def test_api_delete(coordinator_client: Client, with_files, settings, django_capture_on_commit_callbacks) -> None:
    url = f"/api/v1/follow-ups/{with_files.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator_client.delete(url).status_code == 204
    assert not FollowUp.objects.exists() and stored_files(settings) == []
    assert coordinator_client.delete(url).status_code == 404
    assert coordinator_client.delete("/api/v1/follow-ups/99999999999999999999").status_code in (404, 422)


def test_get_on_the_page_changes_nothing_and_other_methods_are_refused(coordinator_client: Client, with_files) -> None:
    url = reverse("followup:delete", args=[with_files.pk])
    assert coordinator_client.put(url).status_code == 405
    assert FollowUp.objects.count() == 1


def test_replacing_a_file_removes_the_old_one_on_commit(
    coordinator_client: Client, with_files, settings, django_capture_on_commit_callbacks
) -> None:
    old = {with_files.attendance_list.name, with_files.materials_file.name}
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            f"/api/v1/follow-ups/{with_files.pk}/files",
            {"version": with_files.version, "attendance_list": SimpleUploadedFile("jauns.csv", CSV)},
        )
    assert response.status_code == 200, response.content
    fresh = FollowUp.objects.get()
    names = {str(p.relative_to(settings.MEDIA_ROOT)) for p in stored_files(settings)}
    assert names == {fresh.attendance_list.name, with_files.materials_file.name}
    assert fresh.attendance_list.name not in old


def test_a_conflicting_replacement_keeps_the_old_file(
    coordinator_client: Client, with_files, settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            f"/api/v1/follow-ups/{with_files.pk}/files",
            {"version": with_files.version + 5, "attendance_list": SimpleUploadedFile("jauns.csv", CSV)},
        )
    assert response.status_code == 409
    names = {str(p.relative_to(settings.MEDIA_ROOT)) for p in stored_files(settings)}
    assert (
        with_files.attendance_list.name in names
        and FollowUp.objects.get().attendance_list == with_files.attendance_list
    )


def test_openapi_lists_the_new_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "204" in paths["/api/v1/follow-ups/{followup_id}"]["delete"]["responses"]
    assert {"members", "followups_by_type"} <= set(schema["components"]["schemas"]["GoalsDashboardOut"]["properties"])
    assert "get" in paths["/api/v1/projects/{project_id}/follow-up-reach"]

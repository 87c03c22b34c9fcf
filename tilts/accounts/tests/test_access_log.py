"""The access log records who viewed or exported personal data; the coordinator and the auditor read it."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import AccessRecord, User
from tilts.core.tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_viewing_a_person_and_the_api_are_recorded(
    coordinator_client: Client, coordinator: User, participant: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator_client.get(reverse("people:detail", args=[participant.pk])).status_code == 200
        assert coordinator_client.get("/api/v1/projects").status_code == 200
        coordinator_client.get(reverse("people:list"))  # a list of names is not a look at one person's data
        coordinator_client.get(reverse("people:detail", args=[999999]))  # a miss is not recorded
    records = list(AccessRecord.objects.order_by("pk").values_list("user", "action", "path"))
    assert records == [
        (coordinator.pk, "people:detail", reverse("people:detail", args=[participant.pk])),
        (coordinator.pk, "api:" + records[1][1].split(":", 1)[1], "/api/v1/projects"),
    ]


def test_coordinator_and_auditor_read_the_log(
    coordinator: User, auditor: User, member_contact: User, participant: User, django_assert_max_num_queries
) -> None:
    for _ in range(120):
        AccessRecord.objects.create(user=coordinator, action="people:detail", method="GET", path="/people/1/")
    client = client_for(auditor)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("people:access_log"))
    assert page.status_code == 200 and page.content.decode().count("/people/1/") == 100
    assert client_for(member_contact).get(reverse("people:access_log")).status_code == 403
    assert client_for(participant).get(reverse("people:access_log")).status_code == 403

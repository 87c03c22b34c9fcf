"""GDPR: a person downloads their data with their files; the coordinator can erase a person by anonymisation."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from tilts.accounts.models import User
from tilts.core.tests.fixtures import client_for
from tilts.mobility.models import Mobility
from tilts.reporting import services
from tilts.reporting.models import Evidence
from tilts.reporting.tests.helpers import PDF, pdf

pytestmark = pytest.mark.django_db


def test_a_person_downloads_their_data_and_files(report, participant: User) -> None:
    evidence = services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    response = client_for(participant).get(reverse("people:my_data"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Security-Policy"].startswith("sandbox")  # a file, not a page: no script runs
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["account"][0]["fields"]["email"] == participant.email
    assert "password" not in data["account"][0]["fields"]
    assert [m["pk"] for m in data["mobilities"]] == [report.mobility_id]
    assert archive.read(f"files/{evidence.file.name}") == PDF


def test_only_the_coordinator_downloads_or_erases_someone_else(report, participant, member_contact, auditor) -> None:
    for other in (member_contact, auditor):
        client = client_for(other)
        assert client.get(reverse("people:data", args=[participant.pk])).status_code == 403
        assert client.post(reverse("people:erase", args=[participant.pk]), {"confirm": "on"}).status_code == 403
    assert User.objects.get(pk=participant.pk).email == participant.email


def test_erasure_anonymises_the_person_and_their_history_and_deletes_their_files(
    report, participant: User, coordinator: User, django_capture_on_commit_callbacks
) -> None:
    evidence = services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    stored = evidence.file.name
    participant.phone = "+371 20000000"
    participant.save()
    client = client_for(coordinator)
    assert client.post(reverse("people:erase", args=[participant.pk])).status_code == 302  # not confirmed
    assert User.objects.get(pk=participant.pk).phone == "+371 20000000"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:erase", args=[participant.pk]), {"confirm": "on"})
    assert response.status_code == 302
    erased = User.objects.get(pk=participant.pk)
    assert (erased.first_name, erased.phone, erased.is_active) == ("—", "", False)
    assert erased.email.endswith("@invalid.invalid") and not erased.has_usable_password()
    assert set(User.history.filter(id=participant.pk).values_list("email", flat=True)) == {erased.email}
    assert not set(User.history.filter(id=participant.pk).values_list("phone", flat=True)) - {""}
    assert Mobility.objects.get(pk=report.mobility_id).participant_id == participant.pk  # statistics stay
    assert not Evidence.objects.filter(pk=evidence.pk).exists() and not default_storage.exists(stored)

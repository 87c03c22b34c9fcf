"""Who may export what: coordinator and auditor the whole project, a member contact their institution's part."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.exports.models import ExportJob
from tilts.exports.tests.helpers import awarded, make_mobility, read_csv, row_pks
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


@pytest.fixture
def ours_and_theirs(project, member, other_member, goals, coordinator):
    return make_mobility(project, member, goals, by=coordinator), make_mobility(
        project, other_member, goals, by=coordinator
    )


def download(client: Client, project, kind: str = "csv"):
    return client.post(reverse("exports:start", args=[project.pk]), {"kind": kind, "background": "0"})


def test_coordinator_and_auditor_get_the_whole_project(coordinator_client, auditor_client, project, ours_and_theirs):
    for client in (coordinator_client, auditor_client):
        response = download(client, project)
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="beneficiary-module-2025-{project.pk}.csv"'
        assert set(row_pks(read_csv(response.content))) == {m.pk for m in ours_and_theirs}


def test_member_contact_gets_only_their_institutions_mobilities(member_client, project, ours_and_theirs):
    ours, theirs = ours_and_theirs
    assert row_pks(read_csv(download(member_client, project).content)) == [ours.pk]
    response = download(member_client, project, "xlsx")
    assert response.status_code == 200
    assert theirs.participant.email.encode() not in response.content  # not in the (zipped) sheets either
    page = member_client.get(reverse("exports:project", args=[project.pk]))
    assert page.status_code == 200
    check = page.context["check"]  # the check's summary: only the member's mobility was checked
    assert check.row_count == 1 and theirs.pk not in check.problem_ids


def test_member_contacts_workbook_has_no_other_member(member_client, project, ours_and_theirs):
    import io

    from openpyxl import load_workbook

    ours, theirs = ours_and_theirs
    book = load_workbook(io.BytesIO(download(member_client, project, "xlsx").content))
    values = {v for sheet in book for row in sheet.values for v in row}
    assert ours.participant.email in values and theirs.participant.email not in values
    assert theirs.sending_organisation.legal_name not in values


def test_participants_and_evaluators_cannot_export(participant_client, evaluator_client, project, ours_and_theirs):
    for client in (participant_client, evaluator_client):
        assert client.get(reverse("exports:project", args=[project.pk])).status_code == 403
        assert download(client, project).status_code == 403
        assert (
            client.post(f"/api/v1/projects/{project.pk}/exports", {"kind": "csv"}, "application/json").status_code
            == 403
        )
    assert not ExportJob.objects.exists()


def test_an_unknown_project_is_404(coordinator_client, member_client) -> None:
    for client in (coordinator_client, member_client):
        assert client.get(reverse("exports:project", args=[987654])).status_code == 404
        assert download(client, type("P", (), {"pk": 987654})()).status_code == 404


def test_jobs_and_files_reach_only_their_creator_and_the_coordinator(
    member_client, coordinator_client, auditor_client, member, project, ours_and_theirs
):
    response = member_client.post(reverse("exports:start", args=[project.pk]), {"kind": "csv", "background": "1"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:job", args=[job.pk])
    file_url = reverse("exports:file", args=[job.pk])
    colleague = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=member))
    for client in (auditor_client, colleague):
        assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
        assert client.get(file_url).status_code == 404
        assert client.get(f"/api/v1/exports/{job.pk}").status_code == 404
        assert client.get(f"/api/v1/exports/{job.pk}/file").status_code == 404
    for client in (member_client, coordinator_client):
        assert client.get(file_url).status_code == 200
        assert client.get(f"/api/v1/exports/{job.pk}/file").status_code == 200

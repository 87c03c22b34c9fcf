"""The round trip over the API: upload the module's export, read the result and the differences, decide; the EU
Survey report status on a mobility. The same permissions as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tilts.exports import services
from tilts.exports.models import ModuleMobility
from tilts.exports.tests.helpers import awarded, make_mobility, module_csv, module_export
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


@pytest.fixture
def mobility(project, member, goals, coordinator, participant):
    return make_mobility(project, member, goals, by=coordinator, participant=participant)


def changed(coordinator, project, mobility) -> bytes:
    content = services.build_csv(coordinator, project)
    activity_id = ModuleMobility.objects.get(mobility=mobility).activity_id
    return module_csv(
        module_export(content, {activity_id: {"Travel Days": "1", "Participant Report Status": "Manual reminder"}})
    )


def post_file(client, project, content: bytes, name: str = "bm.csv"):
    return client.post(f"/api/v1/projects/{project.pk}/module-imports", {"file": SimpleUploadedFile(name, content)})


def test_upload_result_differences_and_decision(coordinator_client, coordinator, project, mobility) -> None:
    response = post_file(coordinator_client, project, changed(coordinator, project, mobility))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows"], body["differing"], body["only_in_module"], body["layout_version"]) == (1, 1, 0, "1")
    assert coordinator_client.get(f"/api/v1/module-imports/{body['id']}").json()["differing"] == 1
    rows = coordinator_client.get(body["rows_url"] + "?kind=differs").json()
    assert rows["count"] == 1
    row = rows["rows"][0]
    assert row["differences"] == [
        {"field": "travel_days", "label": "Ceļa dienas", "tilts": "2", "module": "1", "adoptable": True}
    ]
    decided = coordinator_client.post(
        f"/api/v1/module-import-rows/{row['id']}/decision", {"decision": "adopted"}, content_type="application/json"
    )
    assert decided.status_code == 200 and decided.json()["decision"] == "adopted"
    assert Mobility.objects.get(pk=mobility.pk).travel_days == 1
    again = coordinator_client.post(
        f"/api/v1/module-import-rows/{row['id']}/decision", {"decision": "kept"}, content_type="application/json"
    )
    assert again.status_code == 422
    assert again.json()["errors"]["__all__"] == ["Par šo atšķirību lēmums jau ir pieņemts."]


def test_a_bad_file_is_422_with_the_reason(coordinator_client, coordinator, project, mobility) -> None:
    response = post_file(coordinator_client, project, services.build_csv(coordinator, project))
    assert response.status_code == 422
    assert "trūkst kolonnas „Unique Erasmus+ Mobility ID”" in response.json()["errors"]["file"][0]


def test_eu_report_status_of_a_mobility(
    client, coordinator_client, coordinator, participant, project, mobility
) -> None:
    post_file(coordinator_client, project, changed(coordinator, project, mobility))
    client.force_login(participant)
    body = client.get(f"/api/v1/mobilities/{mobility.pk}/eu-report").json()
    assert body["eu_report_status"] == "manual_reminder"
    assert body["eu_report_status_label"] == "Nosūtīts manuāls atgādinājums"
    assert body["eu_report_sent_to"] == participant.email
    assert body["consortium_report_status"] == ""
    listing = coordinator_client.get(f"/api/v1/projects/{project.pk}/eu-reports").json()
    assert [item["mobility_id"] for item in listing] == [mobility.pk]


def test_permissions_are_those_of_the_pages(
    auditor_client,
    member_client,
    participant_client,
    coordinator_client,
    coordinator,
    project,
    mobility,
    other_member,
    goals,
) -> None:
    content = changed(coordinator, project, mobility)
    assert post_file(auditor_client, project, content).status_code == 403
    assert post_file(member_client, project, content).status_code == 403
    imported = post_file(coordinator_client, project, content).json()
    assert auditor_client.get(imported["rows_url"]).status_code == 200
    row = auditor_client.get(imported["rows_url"]).json()["rows"][0]
    decision = auditor_client.post(
        f"/api/v1/module-import-rows/{row['id']}/decision", {"decision": "adopted"}, content_type="application/json"
    )
    assert decision.status_code == 403
    assert member_client.get(f"/api/v1/module-imports/{imported['id']}").status_code == 403
    assert participant_client.get(f"/api/v1/module-imports/{imported['id']}").status_code == 403
    theirs = make_mobility(project, other_member, goals, by=coordinator)
    assert member_client.get(f"/api/v1/mobilities/{theirs.pk}/eu-report").status_code == 404
    assert Mobility.objects.get(pk=mobility.pk).travel_days == 2

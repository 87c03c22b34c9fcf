"""The pages of the round trip: the upload, the reconciliation with a decision per row, who may do what."""

import pytest
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.exports import services
from tilts.exports.models import Decision, ModuleImport, ModuleMobility
from tilts.exports.tests.helpers import awarded, make_mobility, module_csv, module_export, upload
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


@pytest.fixture
def exported(project, member, goals, coordinator):
    mobility = make_mobility(project, member, goals, by=coordinator)
    make_mobility(project, member, goals, by=coordinator)
    return mobility, services.build_csv(coordinator, project)


def changed_file(coordinator, exported) -> bytes:
    mobility, content = exported
    activity_id = ModuleMobility.objects.get(mobility=mobility).activity_id
    return module_csv(module_export(content, {activity_id: {"Travel Days": "1", "Force Majeure": "Yes"}}))


def test_upload_in_latvian_then_the_reconciliation_shows_both_values(coordinator_client, project, exported) -> None:
    url = reverse("exports:module_imports", args=[project.pk])
    assert (
        "modulī eksportējiet projekta mobilitātes"
        in coordinator_client.get(url, HTTP_ACCEPT_LANGUAGE="lv").content.decode()
    )
    file = upload(changed_file(None, exported))
    response = coordinator_client.post(url, {"file": file})
    imported = ModuleImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:reconciliation", args=[imported.pk])
    page = coordinator_client.get(response.url).content.decode()
    assert "Ceļa dienas" in page and "Nepārvarama vara" in page
    assert "<td>2</td><td>1</td>" in page and "<td>Nē</td><td>Jā</td>" in page
    assert "Pieņemt moduļa vērtības" in page and "Paturēt Tilts vērtības (eksportēt vēlreiz)" in page


def test_a_bad_file_shows_the_reason_on_the_form(coordinator_client, project, exported) -> None:
    response = coordinator_client.post(
        reverse("exports:module_imports", args=[project.pk]), {"file": upload(exported[1])}
    )
    assert response.status_code == 422
    assert "trūkst kolonnas" in response.content.decode() or "trūkst kolonna" in response.content.decode()
    assert not ModuleImport.objects.exists()


def test_take_the_modules_values_through_the_page(coordinator_client, coordinator, project, exported) -> None:
    imported = services.import_module_export(coordinator, project, upload(changed_file(coordinator, exported)))
    line = imported.lines.get(kind="differs")
    response = coordinator_client.post(
        reverse("exports:reconciliation_decide", args=[line.pk]), {"decision": "adopted", "kind": "differs"}
    )
    assert response.status_code == 302
    assert response.url == reverse("exports:reconciliation", args=[imported.pk]) + f"?kind=differs#row-{line.pk}"
    mobility = Mobility.objects.get(pk=exported[0].pk)
    assert (mobility.travel_days, mobility.force_majeure) == (1, True)
    line.refresh_from_db()
    assert line.decision == Decision.ADOPTED and line.decided_by == coordinator
    page = coordinator_client.get(response.url).content.decode()
    assert "Pieņemtas moduļa vērtības" in page
    assert "Pieņemt moduļa vērtības</button>" not in page


def test_keeping_tilts_values_changes_nothing_in_tilts(coordinator_client, coordinator, project, exported) -> None:
    imported = services.import_module_export(coordinator, project, upload(changed_file(coordinator, exported)))
    line = imported.lines.get(kind="differs")
    before = Mobility.objects.get(pk=exported[0].pk).history.count()
    coordinator_client.post(reverse("exports:reconciliation_decide", args=[line.pk]), {"decision": "kept"})
    mobility = Mobility.objects.get(pk=exported[0].pk)
    assert (mobility.travel_days, mobility.force_majeure, mobility.history.count()) == (2, False, before)
    line.refresh_from_db()
    assert line.decision == Decision.KEPT


def test_the_auditor_reads_but_cannot_upload_or_decide(auditor_client, coordinator, project, exported) -> None:
    imported = services.import_module_export(coordinator, project, upload(changed_file(coordinator, exported)))
    line = imported.lines.get(kind="differs")
    page = auditor_client.get(reverse("exports:reconciliation", args=[imported.pk])).content.decode()
    assert "<td>2</td><td>1</td>" in page and "Pieņemt moduļa vērtības" not in page
    listing = auditor_client.get(reverse("exports:module_imports", args=[project.pk])).content.decode()
    assert 'type="file"' not in listing
    assert auditor_client.post(reverse("exports:module_imports", args=[project.pk]), {}).status_code == 404
    assert (
        auditor_client.post(reverse("exports:reconciliation_decide", args=[line.pk]), {"decision": "adopted"})
    ).status_code == 403
    assert Mobility.objects.get(pk=exported[0].pk).travel_days == 2


def test_member_contacts_and_participants_do_not_reach_the_reconciliation(
    member_client, participant_client, coordinator, project, exported
) -> None:
    imported = services.import_module_export(coordinator, project, upload(changed_file(coordinator, exported)))
    for client in (member_client, participant_client):
        assert client.get(reverse("exports:module_imports", args=[project.pk])).status_code == 403
        assert client.get(reverse("exports:reconciliation", args=[imported.pk])).status_code == 403


def test_an_import_of_another_consortiums_project_is_not_found(coordinator, project, exported) -> None:
    imported = services.import_module_export(coordinator, project, upload(changed_file(coordinator, exported)))
    stranger = client_for(UserFactory(role=Role.AUDITOR))
    # An auditor sees every project of the installation: the boundary is the project list of exportable_projects.
    assert stranger.get(reverse("exports:reconciliation", args=[imported.pk + 1000])).status_code == 404


def test_only_the_latest_import_takes_decisions(coordinator_client, coordinator, project, exported) -> None:
    first = services.import_module_export(coordinator, project, upload(changed_file(coordinator, exported)))
    services.import_module_export(coordinator, project, upload(changed_file(coordinator, exported)))
    line = first.lines.get(kind="differs")
    response = coordinator_client.post(
        reverse("exports:reconciliation_decide", args=[line.pk]), {"decision": "adopted"}, follow=True
    )
    assert "Ir importēts jaunāks moduļa eksports" in response.content.decode()
    assert Mobility.objects.get(pk=exported[0].pk).travel_days == 2


def test_the_reconciliation_pages_its_rows_within_a_query_budget(
    coordinator_client, coordinator, project, member, goals, django_assert_max_num_queries
) -> None:
    for _ in range(55):
        make_mobility(project, member, goals, by=coordinator)
    content = services.build_csv(coordinator, project)
    rows = [{**row, "Travel Days": "1"} for row in module_export(content)]
    imported = services.import_module_export(coordinator, project, upload(module_csv(rows)))
    assert imported.differing == 55
    url = reverse("exports:reconciliation", args=[imported.pk])
    with django_assert_max_num_queries(12):
        first = coordinator_client.get(url).content.decode()
    assert first.count('name="decision" value="adopted"') == 50
    second = coordinator_client.get(url + "?page=2").content.decode()
    assert second.count('name="decision" value="adopted"') == 5

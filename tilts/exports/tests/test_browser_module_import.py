"""A coordinator, on Latvian pages, uploads the module's export and takes the module's value for a mobility."""

import pytest
from playwright.sync_api import Page, expect

from tilts.core.tests.browser import log_in_as
from tilts.exports import services
from tilts.exports.models import ModuleMobility
from tilts.exports.tests.helpers import awarded, make_mobility, module_csv, module_export
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.browser


def test_upload_and_reconcile_in_latvian(
    transactional_db: None, live_server, page: Page, tmp_path, consortium, member, goals, coordinator
) -> None:
    project = awarded(make_project(consortium))
    mobility = make_mobility(project, member, goals, by=coordinator)
    make_mobility(project, member, goals, by=coordinator)
    content = services.build_csv(coordinator, project)
    activity_id = ModuleMobility.objects.get(mobility=mobility).activity_id
    file = tmp_path / "bm-eksports.csv"
    file.write_bytes(module_csv(module_export(content, {activity_id: {"Travel Days": "1"}})))

    log_in_as(page, live_server.url, coordinator)
    page.goto(f"{live_server.url}/exports/project/{project.pk}/")
    page.get_by_role("link", name="Moduļa eksports, importēts atpakaļ: salīdzināt un saskaņot").click()
    page.get_by_label("Moduļa mobilitāšu eksports (CSV vai XLSX)").set_input_files(str(file))
    page.get_by_role("button", name="Importēt un salīdzināt").click()

    expect(page.get_by_role("heading", name="Tilts un Beneficiary Module")).to_be_visible()
    expect(page.get_by_text("Moduļa eksports ir importēts. Izlemiet par katru atšķirību zemāk.")).to_be_visible()
    expect(page.get_by_text("2 rindas datnē")).to_be_visible()
    row = page.locator("tr", has_text=activity_id).first
    expect(row.get_by_role("row", name="Ceļa dienas 2 1")).to_be_visible()
    row.get_by_role("button", name="Pieņemt moduļa vērtības").click()

    expect(page.get_by_text("Moduļa vērtības ir pārņemtas sistēmā Tilts.")).to_be_visible()
    expect(page.get_by_text("Pieņemtas moduļa vērtības")).to_be_visible()
    assert Mobility.objects.get(pk=mobility.pk).travel_days == 1

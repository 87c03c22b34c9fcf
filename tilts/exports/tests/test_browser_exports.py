"""A coordinator finds the exports from the project page, fixes what the module check finds, prepares the workbook
in the background, downloads it."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tilts.core.tests.browser import log_in_with_password
from tilts.exports.tests.helpers import awarded, make_mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.browser


def test_workbook_prepared_in_the_background(
    transactional_db: None, live_server, page: Page, consortium, member, goals, coordinator
) -> None:
    project = awarded(make_project(consortium))
    make_mobility(project, member, goals, by=coordinator, transport=None)
    log_in_with_password(page, live_server.url, coordinator.email)
    page.goto(f"{live_server.url}/en/projects/{project.pk}/")
    page.get_by_role("link", name="Exports: Beneficiary Module and workbook").click()
    expect(page.get_by_role("heading", name="Check before the Beneficiary Module import")).to_be_visible()
    expect(page.get_by_text("1 mobility is held back by a problem.")).to_be_visible()
    page.get_by_role("link", name="Main Means of Transport is missing.").click()
    page.get_by_label("Main means of transport").select_option(label="Plane")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The Beneficiary Module details are saved.")).to_be_visible()
    expect(page.get_by_text("Every mobility to report passes the module's checks.")).to_be_visible()
    page.get_by_role("button", name="Prepare in the background: Project workbook (XLSX)").click()
    expect(page.locator("#job-progress")).to_contain_text("Ready")
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "100")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the file").click()
    download = info.value
    assert download.suggested_filename == f"project-2025-{project.pk}.xlsx"
    with open(download.path(), "rb") as handle:  # the saved download has no .xlsx suffix, which openpyxl wants
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames == ["Mobilities", "Participants", "Budget", "Follow-ups", "Payments"]

"""The review journey: the coordinator opens a review, a member answers with evidence, the coordinator closes it
and downloads the pack, whose numbers are the goals dashboard's."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory, OrganisationFactory
from tilts.core.tests.browser import log_in_with_password
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.tests.factories import make_project
from tilts.quality import services

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _tasks_at_once(settings: pytest.FixtureRequest) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


def test_open_answer_close_and_download_the_pack(transactional_db: None, live_server, page: Page) -> None:
    services.load_standards()  # a transactional test starts without the migration's data
    consortium = ConsortiumFactory(
        coordinator=OrganisationFactory(legal_name="Latvijas Nacionālā bibliotēka", city="Rīga")
    )
    goals = [GoalFactory(consortium=consortium, number=n, title_en=f"Goal {n}") for n in (1, 2)]
    valmiera = MemberFactory(
        consortium=consortium, organisation=OrganisationFactory(legal_name="Valmieras bibliotēka")
    ).organisation
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator, email="k@lnb.example")
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=valmiera, email="anna@valmiera.example")
    project = make_project(consortium)
    workshop = followup([mobility(project, valmiera, goals=goals[:1])], goals[:1], attendees=31)

    log_in_with_password(page, live_server.url, coordinator.email)
    page.goto(f"{live_server.url}/en/quality/reviews/new/")
    page.get_by_label("Title").fill("Review 2025 Q4")
    page.get_by_role("button", name="Open the review").click()
    expect(page.get_by_text("The review has been opened")).to_be_visible()
    page.get_by_role("button", name=re.compile("Log out")).click()

    log_in_with_password(page, live_server.url, contact.email)
    page.goto(f"{live_server.url}/en/quality/")
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.get_by_role("link", name="Review 2025 Q4").click()
    expect(page.get_by_role("link", name="Latvijas Nacionālā bibliotēka")).to_have_count(0)
    page.get_by_role("link", name="Valmieras bibliotēka").click()
    row = page.locator('tr[data-item="4.1"]')
    row.get_by_label("Status").select_option("met")
    row.get_by_label("Responsible").fill("Anna Bērziņa")
    page.get_by_role("button", name="Save the answers").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.locator('tr[data-item="4.1"]').get_by_role("link", name="0 pieces").click()
    page.get_by_label("Kind").select_option("followup")
    page.get_by_label("Record number").fill(str(workshop.pk))
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("The evidence has been added.")).to_be_visible()
    expect(page.get_by_role("link", name=workshop.title)).to_be_visible()
    page.get_by_role("button", name=re.compile("Log out")).click()

    log_in_with_password(page, live_server.url, coordinator.email)
    page.goto(f"{live_server.url}/en/quality/reviews/")
    page.get_by_role("link", name="Review 2025 Q4").click()
    expect(page.get_by_role("row", name=re.compile("Valmieras bibliotēka"))).to_contain_text("1 / 18")
    page.get_by_role("button", name="Close the review").click()
    expect(page.get_by_text("The review has been closed")).to_be_visible()
    page.goto(f"{live_server.url}/en/follow-up/goals/")
    expect(page.locator(".card", has_text="colleagues reached").first).to_contain_text("31")
    page.goto(f"{live_server.url}/en/quality/packs/")
    page.get_by_label("Language of the pack").select_option("en")
    page.get_by_role("button", name="Build the pack").click()
    expect(page.get_by_text("Ready")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = PdfReader(Path(download.value.path()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert re.search(r"Total 1 1 31", text)
    assert "Valmieras bibliotēka" in text and "Anna Bērziņa" in text and workshop.title in text

"""A member contact plans a joint trip; another member joins; the coordinator approves it; the budget updates."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory, OrganisationFactory
from tilts.mobility.tests.factories import make_project
from tilts.projects import services as project_services

pytestmark = pytest.mark.browser


def test_joint_trip_from_plan_to_budget(transactional_db: None, live_server, page: Page, log_in) -> None:
    consortium = ConsortiumFactory(
        coordinator=OrganisationFactory(legal_name="Latvijas Nacionālā bibliotēka", city="Rīga")
    )
    for number in range(1, 4):
        GoalFactory(consortium=consortium, number=number, title_en=f"Goal {number}")
    valmiera = MemberFactory(
        consortium=consortium, organisation=OrganisationFactory(legal_name="Valmieras bibliotēka", city="Valmiera")
    )
    project = make_project(consortium)
    project_services.set_awarded_budget(project, by=None, version=project.version, amounts={"travel": Decimal("300")})
    contact = UserFactory(
        role=Role.MEMBER_CONTACT,
        organisation=valmiera.organisation,
        email="jj@valmiera.example",
        first_name="Jānis",
        last_name="Jansons",
    )
    UserFactory(role=Role.PARTICIPANT, organisation=valmiera.organisation, first_name="Līga", last_name="Kalniņa")
    coordinator = UserFactory(
        role=Role.COORDINATOR,
        organisation=consortium.coordinator,
        email="k@lnb.example",
        first_name="Anna",
        last_name="Koordinatore",
    )
    UserFactory(role=Role.PARTICIPANT, organisation=consortium.coordinator, first_name="Ilze", last_name="Bērziņa")

    # The member contact plans a joint study trip to Helsinki and submits the draft.
    log_in(contact)
    page.goto(f"{live_server.url}/en/mobilities/project/{project.pk}/trips/new/")
    page.get_by_label("Title of the trip").fill("Helsinki 2025")
    page.get_by_label("Activity type").select_option("job_shadowing")
    page.locator("#id_receiving_name").fill("Kansalliskirjasto")
    page.get_by_label("Receiving country").select_option("FI")
    page.get_by_label("Receiving city").fill("Helsinki")
    page.get_by_label("Venue").fill("Helsinki")
    page.get_by_label(re.compile(r"Helsinki, Finland")).first.check()
    page.locator("#id_start_date").fill("2025-10-06")
    page.locator("#id_end_date").fill("2025-10-10")
    page.get_by_label("Topic").fill("Digital services for adult learners")
    page.get_by_label("Learning objectives").fill("Learn how the library trains its colleagues.")
    page.get_by_label("What the participant will teach afterwards").fill("A workshop for regional librarians")
    page.get_by_label("For whom").fill("Librarians of Vidzeme")
    page.get_by_label("Colleagues to reach").fill("30")
    page.get_by_label("Follow-up by").fill("2026-01-31")
    page.get_by_label(re.compile("Līga Kalniņa")).check()
    page.get_by_label(re.compile("Goal 2")).check()
    page.get_by_role("button", name="Save the trip").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Helsinki 2025")
    page.get_by_role("link", name="Līga Kalniņa").click()
    page.get_by_role("button", name="Submit to the coordinator").click()
    expect(page.get_by_text("The mobility is now: Submitted.")).to_be_visible()
    page.get_by_role("button", name=re.compile("Log out")).click()

    # The coordinator adds a participant of another member, then approves the whole trip.
    log_in(coordinator)
    page.goto(f"{live_server.url}/en/mobilities/project/{project.pk}/")
    page.get_by_role("link", name="Helsinki 2025").first.click()
    page.get_by_label(re.compile("Ilze Bērziņa")).check()
    page.get_by_role("button", name="Add to the trip").click()
    expect(page.get_by_text("1 participants have joined the trip.")).to_be_visible()
    page.get_by_role("button", name="Submit the whole trip").click()
    page.get_by_role("button", name="Approve the whole trip").click()
    expect(page.get_by_text("Every participant of the trip is now: Approved.")).to_be_visible()
    expect(page.locator("tbody .badge.approved")).to_have_count(2)

    # The budget view shows the trip as planned spending, over the small awarded travel budget.
    page.goto(f"{live_server.url}/en/mobilities/project/{project.pk}/budget/")
    travel = page.get_by_role("row", name=re.compile("^Travel"))
    expect(travel).to_contain_text("300.00")
    expect(travel).to_contain_text("422.00")
    expect(travel).to_contain_text("over the awarded amount")

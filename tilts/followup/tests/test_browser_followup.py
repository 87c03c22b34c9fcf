"""A participant records a delivered workshop with its attendance list; the coordinator sees it counted."""

import re

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory, OrganisationFactory
from tilts.core.tests.browser import log_in_with_password
from tilts.core.tests.pdf import make_pdf
from tilts.followup.tests.helpers import mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.browser


def test_record_a_followup_and_see_it_on_the_dashboard(transactional_db: None, live_server, page: Page, tmp_path):
    consortium = ConsortiumFactory()
    goals = [GoalFactory(consortium=consortium, number=n, title_en=f"Goal {n}") for n in (1, 2, 3)]
    valmiera = MemberFactory(
        consortium=consortium, organisation=OrganisationFactory(legal_name="Valmieras bibliotēka", city="Valmiera")
    ).organisation
    participant = UserFactory(
        role=Role.PARTICIPANT,
        organisation=valmiera,
        email="liga@valmiera.example",
        first_name="Līga",
        last_name="Kalniņa",
    )
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator, email="k@lnb.example")
    trip = mobility(make_project(consortium), valmiera, participant, goals=goals[:2])
    attendance = tmp_path / "saraksts.pdf"
    attendance.write_bytes(make_pdf())

    log_in_with_password(page, live_server.url, participant.email)
    page.goto(f"{live_server.url}/en/mobilities/{trip.pk}/")
    page.get_by_role("link", name="Record a follow-up").click()
    page.get_by_label("Title").fill("Workshop on digital collections for Vidzeme librarians")
    page.get_by_label("Date").fill("2025-11-20")
    page.get_by_label("Place").fill("Valmieras bibliotēka")
    page.get_by_label("Colleagues reached").fill("24")
    page.get_by_label("Attendance list", exact=True).set_input_files(str(attendance))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The follow-up has been recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Workshop on digital collections")
    expect(page.get_by_role("link", name="saraksts.pdf")).to_be_visible()
    page.get_by_role("button", name=re.compile("Log out")).click()

    log_in_with_password(page, live_server.url, coordinator.email)
    page.goto(f"{live_server.url}/en/follow-up/goals/")
    expect(page.locator(".card", has_text="colleagues reached").first).to_contain_text("24")
    expect(page.get_by_role("img", name=re.compile("Colleagues reached per goal"))).to_be_visible()
    # Public only once the coordinator has approved it from the dashboard's list of follow-ups to review.
    page.goto(f"{live_server.url}/en/follow-up/results/")
    expect(page.get_by_role("cell", name="Workshop on digital collections for Vidzeme librarians")).to_have_count(0)
    page.goto(f"{live_server.url}/en/manage/")
    page.get_by_role("link", name="Workshop on digital collections for Vidzeme librarians").click()
    page.get_by_role("button", name="Approve for the results page").click()
    expect(page.get_by_text("The follow-up is approved and appears on the public results page.")).to_be_visible()
    page.goto(f"{live_server.url}/en/follow-up/results/")
    expect(page.get_by_role("cell", name="Workshop on digital collections for Vidzeme librarians")).to_be_visible()
    expect(page.get_by_text("Kalniņa")).to_have_count(0)

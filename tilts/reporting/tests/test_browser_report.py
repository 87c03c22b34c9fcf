"""After the trip, in Chromium: the participant reports, the coordinator accepts it (seeing the final grant
difference), the participant records the follow-up workshop, and the goals dashboard counts the colleagues."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory, OrganisationFactory
from tilts.core.tests.browser import log_in_with_password
from tilts.mobility.tests.factories import make_project
from tilts.reporting import services
from tilts.reporting.tests.helpers import PDF, confirmed_mobility

pytestmark = pytest.mark.browser


def test_participant_reports_coordinator_accepts_and_the_followup_counts_on_the_goals_dashboard(
    transactional_db: None, live_server, page: Page
) -> None:
    consortium = ConsortiumFactory(
        coordinator=OrganisationFactory(legal_name="Latvijas Nacionālā bibliotēka", city="Rīga")
    )
    goals = [GoalFactory(consortium=consortium, number=n, title_en=f"Goal {n}") for n in (1, 2)]
    valmiera = MemberFactory(
        consortium=consortium, organisation=OrganisationFactory(legal_name="Valmieras bibliotēka", city="Valmiera")
    ).organisation
    project = make_project(consortium)
    participant = UserFactory(
        role=Role.PARTICIPANT,
        organisation=valmiera,
        email="liga@valmiera.example",
        first_name="Līga",
        last_name="Kalniņa",
    )
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator, email="k@lnb.example")
    mobility = confirmed_mobility(project, valmiera, participant, goals, coordinator)
    report = services.open_report(mobility)

    # The participant finds the report under "My reports" and fills it in: the stay was three days shorter.
    log_in_with_password(page, live_server.url, participant.email)
    page.goto(f"{live_server.url}/en/reports/")
    page.get_by_role("link", name=re.compile("Koninklijke Bibliotheek")).click()
    page.get_by_role("link", name="Fill in the report").click()
    page.get_by_label("Overall, how satisfied are you with the mobility?").select_option("5")
    page.get_by_label("What did you learn?").fill("How KBR digitises collections and teaches adult groups.")
    page.get_by_label("Digital skills").check()
    page.get_by_label("Teaching and training methods for adults").check()
    page.get_by_label(re.compile("serve goal 1")).fill("Digital collections workshop for colleagues.")
    page.get_by_label(re.compile("serve goal 2")).fill("Training programme with KBR.")
    page.get_by_label("Follow-up plan", exact=True).select_option("keep")
    page.locator("#id_actual_end").fill("2025-10-17")
    # The certificate is uploaded without leaving the page: what was typed stays.
    page.get_by_label("What is the file?").select_option("certificate")
    page.locator("#id_file").set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="Certificate of attendance: certificate.pdf")).to_be_visible()
    expect(page.get_by_label("What did you learn?")).to_have_value(
        "How KBR digitises collections and teaches adult groups."
    )
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_text("Thank you: your report has been sent to the coordinator.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    page.get_by_role("button", name=re.compile("Log out")).click()

    # The coordinator sees the difference before accepting, accepts, and sees it fixed.
    log_in_with_password(page, live_server.url, coordinator.email)
    page.goto(f"{live_server.url}/en/reports/project/{project.pk}/")
    page.get_by_role("link", name="Līga Kalniņa").click()
    expect(page.get_by_role("heading", name="Final grant if the report is accepted")).to_be_visible()
    expect(page.locator("#grant-difference")).to_have_text("-399.00")
    page.get_by_role("button", name="Accept the report and fix the final grant").click()
    expect(page.get_by_text("The report has been accepted. Final grant: 3069.00 EUR.")).to_be_visible()
    expect(page.get_by_role("heading", name="Final grant", exact=True)).to_be_visible()
    expect(page.locator("#grant-difference")).to_have_text("-399.00")
    expect(page.get_by_text("The final grant is 399.00 EUR less than agreed.")).to_be_visible()
    report.refresh_from_db()
    assert report.final_grant_total is not None and report.mobility.status == "completed"
    assert report.actual_end == datetime.date(2025, 10, 17)

    # The participant records the workshop they taught; the goals dashboard counts its colleagues.
    page.get_by_role("button", name=re.compile("Log out")).click()
    log_in_with_password(page, live_server.url, participant.email)
    page.goto(f"{live_server.url}/en/mobilities/{mobility.pk}/")
    page.get_by_role("link", name="Record a follow-up").click()
    page.get_by_label("Title").fill("Digitisation workshop for Vidzeme librarians")
    page.get_by_label("Date").fill("2025-11-20")
    page.get_by_label("Place").fill("Valmieras bibliotēka")
    page.get_by_label("Colleagues reached").fill("24")
    page.get_by_label("Attendance list", exact=True).set_input_files(
        files=[{"name": "saraksts.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The follow-up has been recorded.")).to_be_visible()
    page.get_by_role("button", name=re.compile("Log out")).click()
    log_in_with_password(page, live_server.url, coordinator.email)
    page.goto(f"{live_server.url}/en/follow-up/goals/")
    expect(page.locator(".card", has_text="colleagues reached").first).to_contain_text("24")
    per_goal = page.get_by_role("table", name="Colleagues reached per goal")
    expect(per_goal.get_by_role("row", name=re.compile("Goal 1"))).to_contain_text("24")

"""In Latvian, in Chromium: an ended mobility's report is there when the participant looks (no hourly run needed),
and a final grant above the agreement is accepted only after the amended agreement is issued from the review page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
from tilts.mobility.tests.factories import make_project
from tilts.reporting.models import ParticipantReport
from tilts.reporting.tests.helpers import confirmed_mobility, submitted_report

pytestmark = pytest.mark.browser


def test_report_opens_when_looked_for_and_a_higher_grant_needs_the_amended_agreement(
    transactional_db: None, live_server, page: Page, log_in
) -> None:
    consortium = ConsortiumFactory()
    goals = [GoalFactory(consortium=consortium, number=n) for n in (1, 2)]
    member = MemberFactory(consortium=consortium).organisation
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator)
    participant = UserFactory(role=Role.PARTICIPANT, organisation=member)
    mobility = confirmed_mobility(make_project(consortium), member, participant, goals, coordinator)
    assert not ParticipantReport.objects.exists()  # ended long ago; the hourly run has not come

    log_in(participant)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name=re.compile(re.escape(mobility.receiving_name))).click()
    expect(page.get_by_role("link", name="Aizpildīt atskaiti")).to_be_visible()

    report = submitted_report(ParticipantReport.objects.get(), actual_travel_days=4, actual_green_travel=True)
    page.context.clear_cookies()
    log_in(coordinator)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("par 374,00 EUR lielāka")
    expect(page.get_by_role("button", name="Apstiprināt atskaiti un noteikt galīgo dotāciju")).to_have_count(0)
    page.get_by_role("button", name="Izsniegt grozīto dotācijas līgumu").click()
    expect(page.get_by_text("Izsniegta dotācijas līguma 1. versija ar galīgo dotāciju")).to_be_visible()
    page.get_by_role("button", name="Apstiprināt atskaiti un noteikt galīgo dotāciju").click()
    expect(page.get_by_text("Galīgā dotācija: 3842.00 EUR")).to_be_visible()
    report.refresh_from_db()
    assert (report.status, report.final_grant_total) == ("accepted", Decimal("3842.00"))

"""From application to selection to agreement, in Chromium: the applicant, the member contact, an evaluator and
the coordinator each do their part."""

import re

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory, OrganisationFactory
from tilts.core.tests.browser import log_in_with_password
from tilts.mobility.models import Mobility
from tilts.selection.models import Agreement, Application
from tilts.selection.tests.factories import make_call

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Log out")).click()


def test_application_to_selection_to_agreement(transactional_db: None, live_server, page: Page) -> None:
    consortium = ConsortiumFactory(coordinator=OrganisationFactory(legal_name="Latvijas Nacionālā bibliotēka"))
    for number in range(1, 4):
        GoalFactory(consortium=consortium, number=number, title_en=f"Goal {number}")
    valmiera = MemberFactory(
        consortium=consortium, organisation=OrganisationFactory(legal_name="Valmieras bibliotēka", city="Valmiera")
    ).organisation
    call = make_call(consortium, places=1)
    applicant = UserFactory(
        role=Role.PARTICIPANT,
        organisation=valmiera,
        email="liga@valmiera.example",
        first_name="Līga",
        last_name="Kalniņa",
    )
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=valmiera, email="janis@valmiera.example")
    evaluator = UserFactory(role=Role.EVALUATOR, email="eval@lnb.example")
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator, email="k@lnb.example")
    base = live_server.url

    # The applicant finds the open call on the public site, applies, saves a draft and submits.
    log_in_with_password(page, base, applicant.email)
    page.goto(f"{base}/en/calls/")
    page.get_by_role("link", name="Job shadowing 2027").click()
    page.get_by_role("button", name="Start an application").click()
    page.get_by_label("Position").fill("Librarian, training lead")
    page.get_by_label("Role in educational work").fill("I lead digital skills workshops for regional librarians.")
    page.get_by_label("Activity type").select_option("job_shadowing")
    page.get_by_label("Host organisation", exact=True).fill("Koninklijke Bibliotheek van België (KBR)")
    page.get_by_label("Host country").select_option("BE")
    page.get_by_label("Host city").fill("Brussels")
    page.get_by_label(re.compile(r"Brussels, Belgium")).first.check()
    page.locator("#id_start_date").fill("2027-03-01")
    page.locator("#id_end_date").fill("2027-03-12")
    page.get_by_label(re.compile("Goal 2")).check()
    page.get_by_label("Motivation").fill("To learn how KBR trains its staff in digitisation.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The draft has been saved.")).to_be_visible()
    # Without the plan the application cannot be submitted, and the reason is shown.
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text(re.compile("The dissemination plan must say")).first).to_be_visible()
    page.get_by_label("What you will organise afterwards").select_option("workshop")
    page.get_by_label("Its topic").fill("Digitisation in small libraries")
    page.get_by_label("For whom").fill("Librarians of Vidzeme")
    page.get_by_label("How many colleagues").fill("25")
    page.get_by_label("At which institutions").fill("Libraries of Valmiera county")
    page.locator("#id_dissemination_by").fill("2027-05-31")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("The application has been submitted.")).to_be_visible()
    log_out(page)

    # The member contact confirms employment and support.
    log_in_with_password(page, base, contact.email)
    page.get_by_role("link", name=re.compile("Līga Kalniņa")).first.click()
    page.get_by_label(re.compile("I confirm the applicant works at our institution")).check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Your decision has been recorded.")).to_be_visible()
    log_out(page)

    # The coordinator assigns the evaluator and decides eligibility.
    log_in_with_password(page, base, coordinator.email)
    page.goto(f"{base}/en/calls/manage/{call.pk}/")
    page.get_by_label(re.compile(evaluator.last_name)).check()
    page.get_by_role("button", name="Assign").click()
    application = Application.objects.get(applicant=applicant)
    page.goto(f"{base}/en/calls/applications/{application.pk}/")
    page.get_by_label("Eligible", exact=True).check()
    page.get_by_role("button", name="Record eligibility").click()
    expect(page.get_by_text("The eligibility decision has been recorded.")).to_be_visible()
    log_out(page)

    # The evaluator declares no conflict and scores.
    log_in_with_password(page, base, evaluator.email)
    page.get_by_role("link", name=re.compile("Līga Kalniņa")).first.click()
    page.get_by_label(re.compile("No, I can evaluate it impartially")).check()
    page.get_by_role("button", name="Record the declaration").click()
    page.get_by_label(re.compile(r"^Contribution to the goals \(weight")).fill("9")
    page.get_by_label(re.compile(r"^Dissemination plan \(weight")).fill("8")
    page.get_by_label("Comment on “Contribution to the goals”").fill("Serves the digitisation goal directly.")
    page.get_by_label("Comment on “Dissemination plan”").fill("A workshop for 25 colleagues, clearly planned.")
    page.get_by_role("button", name="Submit the scores").click()
    expect(page.get_by_text("Your scores have been submitted.")).to_be_visible()
    log_out(page)

    # The coordinator sees the ranking, selects, and issues the grant agreement once the mobility is approved.
    log_in_with_password(page, base, coordinator.email)
    page.goto(f"{base}/en/calls/manage/{call.pk}/")
    expect(page.get_by_role("cell", name="26.00 (86.7 %)")).to_be_visible()
    page.get_by_role("link", name="Līga Kalniņa").first.click()
    page.get_by_label("Select", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision has been recorded and the applicant told.")).to_be_visible()
    page.get_by_role("link", name="The mobility planned from this application").click()
    page.get_by_role("button", name="Submit to the coordinator").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The mobility is now: Approved.")).to_be_visible()
    page.get_by_role("link", name="Agreements").click()
    page.locator("#id_kind").select_option("grant")
    page.get_by_label("Language of the document").select_option("en")
    page.get_by_label("Participant's bank account (IBAN)").fill("LV80 BANK 0000 4351 9500 1")
    page.get_by_label("Participant's personal code or staff ID").fill("VB-0042")
    page.get_by_label("Signs for the sending institution").fill("Inese Kalniņa")
    page.locator("#id_sending_signatory_role").fill("Direktore")
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_text("Version 1 has been issued.")).to_be_visible()
    mobility = Mobility.objects.get(participant=applicant)
    agreement = Agreement.objects.get(mobility=mobility)
    with page.expect_response(re.compile(rf"/agreements/{agreement.pk}/document.pdf")) as response:
        page.goto(f"{base}/en/calls/agreements/{agreement.pk}/document.pdf")
    assert response.value.headers["content-type"] == "application/pdf"

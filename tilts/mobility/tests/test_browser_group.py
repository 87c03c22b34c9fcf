"""A member contact plans a group of adult learners in Latvian; the group's grant is shown with a decimal comma."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory, OrganisationFactory
from tilts.core.tests.browser import serious_accessibility_findings
from tilts.mobility.models import GroupActivity
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.browser


def test_a_member_contact_plans_a_group_activity_in_latvian(
    transactional_db: None, live_server, page: Page, log_in
) -> None:
    consortium = ConsortiumFactory()
    GoalFactory(consortium=consortium, number=1)
    valmiera = MemberFactory(
        consortium=consortium, organisation=OrganisationFactory(legal_name="Valmieras bibliotēka", city="Valmiera")
    ).organisation
    project = make_project(consortium, 2023)  # its table has learner rates
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=valmiera, first_name="Jānis", last_name="Jansons")
    UserFactory(role=Role.PARTICIPANT, organisation=valmiera, first_name="Līga", last_name="Kalniņa")
    log_in(contact)

    page.goto(f"{live_server.url}/mobilities/project/{project.pk}/")
    page.get_by_role("link", name="Pieaugušo izglītojamo grupu aktivitātes").click()
    page.get_by_role("link", name="Plānot grupas aktivitāti").click()
    expect(page.get_by_text("Vadošā pavadošā persona", exact=False).first).to_be_visible()
    page.locator("#id_title").fill("Senioru digitālo prasmju kurss")
    page.locator("#id_receiving_name").fill("Koninklijke Bibliotheek van België (KBR)")
    page.locator("#id_receiving_country").select_option("BE")
    page.locator("#id_receiving_city").fill("Brisele")
    page.locator("#id_venue").fill("Brisele")
    page.get_by_label(re.compile("Brisele, Beļģija")).first.check()
    page.locator("#id_start_date").fill("2023-10-02")
    page.locator("#id_end_date").fill("2023-10-06")
    page.locator("#id_means_of_transport").select_option("bus")
    page.locator("#id_learners").fill("12")
    page.locator("#id_learners_fewer_opportunities").fill("3")
    page.locator("#id_accompanying_persons").fill("2")
    page.locator("#id_lead_accompanying_person").select_option(label="Līga Kalniņa, Valmieras bibliotēka")
    page.locator("#id_topic").fill("Digitālās prasmes senioriem")
    page.get_by_role("button", name="Saglabāt grupas aktivitāti").click()

    expect(page.get_by_text("Grupas aktivitāte saglabāta kā melnraksts.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Senioru digitālo prasmju kurss")
    group = GroupActivity.objects.get()
    assert group.green_travel and group.learners == 12 and group.created_by == contact
    assert group.grant_total > Decimal(0)
    # The total in Latvian: a space between thousands and a decimal comma
    whole, cents = f"{group.grant_total:.2f}".split(".")
    expect(page.get_by_test_id("group-total")).to_have_text(re.compile(rf"{whole[:-3]}\s{whole[-3:]},{cents}"))
    page.reload()  # the page itself, without the one-time message
    assert serious_accessibility_findings(page) == []

    page.get_by_role("button", name="Iesniegt koordinatoram").click()
    expect(page.get_by_text(re.compile("Grupas aktivitātes statuss tagad: Iesniegta"))).to_be_visible()

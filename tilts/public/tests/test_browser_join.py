"""A visitor applies to join in the browser; the coordinator accepts; the new member is listed publicly."""

import re

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import PASSWORD, UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory

pytestmark = pytest.mark.browser


def test_apply_accept_and_listed(transactional_db: None, live_server, page: Page) -> None:
    consortium = ConsortiumFactory()
    for number, (lv, en) in enumerate(
        [
            ("Latviešu valoda digitālajā vidē", "Latvian in the digital environment"),
            ("Digitālās kompetences", "Digital competences"),
        ],
        start=1,
    ):
        GoalFactory(consortium=consortium, number=number, title_lv=lv, title_en=en)
    coordinator = UserFactory(
        role=Role.COORDINATOR, email="koordinators@example.org", organisation=consortium.coordinator
    )

    # A visitor opens the home page in Latvian and switches to English.
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.get_by_role("heading", level=1)).to_have_text(consortium.name_lv)
    page.get_by_role("button", name=re.compile("EN")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url + "/en/")

    # ... and applies to join.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join").click()
    page.get_by_label("Legal name").fill("Talsu novada muzejs")
    page.get_by_label("Type").select_option("museum")
    page.get_by_label("Registration number").fill("90000012345")
    page.get_by_label("Address").fill("Rožu iela 7")
    page.get_by_label("City").fill("Talsi")
    page.get_by_label("Digital competences").check()
    page.get_by_label("Motivation").fill("We want our staff to teach colleagues across Kurzeme.")
    page.get_by_label("Planned educational activities").fill("Workshops on digitisation for regional museums.")
    page.get_by_label("Contact person").fill("Ilze Krūmiņa")
    page.get_by_label("Contact e-mail").fill("ilze@talsi.example")
    page.get_by_label(re.compile("I agree")).check()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application received")

    # The coordinator logs in, opens the application and accepts it.
    page.goto(live_server.url + "/en/accounts/login/")
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("applications waiting for a decision")).to_be_visible()
    page.get_by_role("link", name="Talsu novada muzejs").click()
    page.get_by_role("button", name="Accept the application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Talsu novada muzejs")
    expect(page.get_by_text("is now a member")).to_be_visible()

    # The new member is on the public list, under museums.
    page.goto(live_server.url + "/en/members/")
    museums = page.get_by_role("region", name=re.compile("Museums"))
    expect(museums.get_by_text("Talsu novada muzejs")).to_be_visible()

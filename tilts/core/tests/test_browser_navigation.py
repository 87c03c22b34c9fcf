"""The back office's grouped menu in Latvian: opened with the keyboard, one group at a time, usable on a phone."""

import pytest
from playwright.sync_api import Page, expect

from tilts.core.tests.browser import log_in_with_password

pytestmark = pytest.mark.browser


def test_menu_groups_work_with_the_keyboard(transactional_db: None, live_server, page: Page, coordinator) -> None:
    log_in_with_password(page, live_server.url, coordinator.email)
    page.goto(f"{live_server.url}/manage/")
    menu = page.get_by_role("navigation", name="Darba vide")
    projects_link = menu.get_by_role("link", name="Projekti", exact=True)
    expect(projects_link).to_be_hidden()
    expect(page.get_by_role("heading", name="Mani gaida")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-menu", "ready")  # nav.js has run: Escape below needs it

    menu.locator("summary", has_text="Projekti un mobilitātes").focus()
    page.keyboard.press("Enter")
    expect(projects_link).to_be_visible()
    menu.locator("summary", has_text="Iestatījumi").focus()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="Likmju tabulas")).to_be_visible()
    expect(projects_link).to_be_hidden()  # one group open at a time
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="Likmju tabulas")).to_be_hidden()
    expect(menu.locator("summary", has_text="Iestatījumi")).to_be_focused()

    menu.locator("summary", has_text="Atskaites un turpmākās aktivitātes").click()
    menu.get_by_role("link", name="Mērķu pārskats").click()
    expect(page).to_have_url(f"{live_server.url}/follow-up/goals/")
    current = page.get_by_role("navigation", name="Darba vide").locator("summary.current")
    expect(current).to_have_text("Atskaites un turpmākās aktivitātes (pašreizējā sadaļa)")


def test_menu_on_a_phone(transactional_db: None, live_server, page: Page, member_contact, member) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    log_in_with_password(page, live_server.url, member_contact.email)
    page.goto(f"{live_server.url}/manage/")
    menu = page.get_by_role("navigation", name="Darba vide")
    menu.locator("summary", has_text="Konsorcijs").click()
    link = menu.get_by_role("link", name="Mana institūcija")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sticks out sideways
    link.click()
    expect(page).to_have_url(f"{live_server.url}/manage/members/{member.pk}/")

"""A visitor prices a trip in the browser; the breakdown follows every change without a page load."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_price_a_trip_as_you_type(transactional_db: None, live_server, page: Page) -> None:
    page.goto(live_server.url + "/en/grants/calculator/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erasmus+ grant calculator")
    expect(page.get_by_label(re.compile("Riga, Latvia"))).to_be_checked()  # the default origin

    page.get_by_label("To (venue of the activity)").fill("Bruxelles")
    page.get_by_label(re.compile("Brussels, Belgium")).check()
    page.get_by_label("Activity days").fill("15")
    total = page.get_by_test_id("total")
    expect(total).to_have_text("3,468.00")
    expect(page.get_by_text("One-way distance 1454 km, band 500–1999 km")).to_be_visible()
    expect(page.get_by_test_id("grouping")).to_contain_text("Grouping of the 2026 call")
    expect(page.get_by_role("cell", name="to confirm").first).to_be_visible()

    page.get_by_label(re.compile("Green travel")).check()
    page.get_by_label("Travel days").fill("6")
    expect(total).to_have_text("4,108.00")
    page.get_by_label(re.compile("Distance from the EC distance calculator")).fill("2100")
    expect(page.get_by_text(re.compile("from the EC distance calculator; Tilts computes 1454 km"))).to_be_visible()


def test_latvian_calculator_names_places_and_the_rate_table_in_latvian(
    transactional_db: None, live_server, page: Page
) -> None:
    page.goto(live_server.url + "/grants/calculator/")
    expect(page.get_by_label(re.compile("Rīga, Latvija"))).to_be_checked()  # the default origin
    page.get_by_label("Uz (aktivitātes norises vieta)").fill("Brisele")
    page.get_by_label(re.compile("Brisele, Beļģija")).check()
    page.get_by_label("Aktivitātes dienas").fill("15")
    expect(page.get_by_test_id("total")).to_have_text(re.compile(r"3\s468,00"))
    expect(page.locator("#quote")).to_contain_text("Likmju tabula: Erasmus+ 2026. gada konkurss, KA1 pieaugušo")
    expect(page.locator("#quote")).not_to_contain_text("call, KA1")

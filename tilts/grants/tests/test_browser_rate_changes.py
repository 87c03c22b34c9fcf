"""A coordinator reads what changed between two call years, from the rates page, in Latvian and English."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_what_changed_since_the_year_before(transactional_db: None, live_server, page: Page) -> None:
    page.goto(live_server.url + "/en/grants/rates/2024/")
    belgium_by_year = page.locator("#groups-by-year + p + .table-wrap tr", has_text="Belgium")
    expect(belgium_by_year).to_have_text(re.compile(r"Belgium\s*2\s*2\s*2\*?\s*1\*\s*1\*\s*1\*"))
    page.get_by_role("link", name="What changed since 2023").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed between call years")
    belgium = page.locator("tr", has_text="Country group of Belgium")
    expect(belgium).to_contain_text("2")
    expect(belgium).to_contain_text("Icelandic national agency")
    page.get_by_label("From call year").select_option("2025")
    page.get_by_label("To call year").select_option("2026")
    page.get_by_role("button", name="Compare").click()
    expect(
        page.get_by_role("row", name="Days of Individual learning mobility of adult learners, short-term")
    ).to_contain_text("2–29")
    page.goto(live_server.url + "/grants/rates/changes/?before=2023&after=2024")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kas mainījies starp konkursa gadiem")
    expect(page.locator("tr", has_text="Valstu grupa: Beļģija")).to_be_visible()

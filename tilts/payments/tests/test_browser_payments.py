"""In Latvian: the coordinator records a mobility's pre-financing with a decimal comma and sees it paid on the
mobility and in the project's payments per member."""

import pytest
from playwright.sync_api import Page, expect

from tilts.core.tests.browser import log_in_with_password
from tilts.mobility.tests.factories import make_project
from tilts.payments.tests.helpers import signed_agreement
from tilts.reporting.tests.helpers import confirmed_mobility

pytestmark = pytest.mark.browser


def test_prefinancing_recorded_in_latvian(
    transactional_db: None, live_server, page: Page, consortium, member, participant, goals, coordinator
) -> None:
    mobility = confirmed_mobility(make_project(consortium), member, participant, goals, coordinator)
    signed_agreement(mobility, coordinator)
    log_in_with_password(page, live_server.url, coordinator.email)
    page.goto(f"{live_server.url}/mobilities/{mobility.pk}/")
    expect(page.locator(".amounts")).to_contain_text("Saskaņotā dotācija")
    page.get_by_role("link", name="Maksājumi: priekšfinansējums un atlikums").click()
    expect(page.get_by_role("heading", name="Reģistrēt maksājumu: Priekšfinansējums")).to_be_visible()
    amount = page.locator("#id_prefinancing-amount")
    expect(amount).to_have_value("2774,40")
    amount.fill("2774,4")
    page.locator("#id_prefinancing-paid_to").select_option(label="Nosūtītāja dalībinstitūcija")
    page.get_by_role("button", name="Saglabāt maksājumu").first.click()
    expect(page.get_by_role("status")).to_contain_text("Maksājums reģistrēts.")
    expect(page.locator(".amounts")).to_contain_text("2\u00a0774,40 EUR")
    expect(page.get_by_role("heading", name="Labot maksājumu: Priekšfinansējums")).to_be_visible()
    page.get_by_role("link", name="Projekta maksājumi").click()
    row = page.get_by_role("row", name=member.legal_name).first  # the per-member totals come first
    expect(row).to_contain_text("2\u00a0774,40")

"""In a real browser, the Content-Security-Policy blocks nothing Tilts itself needs (htmx, Swagger UI)."""

import pytest
from playwright.sync_api import Page, expect

from tilts.consortium.tests.factories import ConsortiumFactory

pytestmark = pytest.mark.browser


def test_swagger_ui_and_pages_run_under_the_policy(transactional_db: None, live_server, page: Page) -> None:
    ConsortiumFactory()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    external: list[str] = []
    page.on(
        "request", lambda request: None if request.url.startswith(live_server.url) else external.append(request.url)
    )

    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)  # Swagger UI rendered the operations
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert violations == [] and external == []

"""Helpers for browser tests: log a user in without typing, and check a page with axe-core."""

from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from tilts.accounts.models import User

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


def log_in_as(page: Page, base: str, user: User) -> None:
    """Give the browser the session cookie of a logged-in test client (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


def serious_accessibility_findings(page: Page) -> list[str]:
    """Run axe-core (vendored, served from disk: no network) on the page; its serious and critical findings,
    each as 'rule: the offending elements'."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));
        }"""
    )

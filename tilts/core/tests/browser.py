"""Helpers for browser tests: log a user in (through the form, or without typing), and check a page with axe-core."""

from urllib.parse import urljoin

from django.conf import settings
from django.templatetags.static import static
from django.test import Client
from playwright.sync_api import Page

from tilts.accounts.models import User
from tilts.accounts.tests.factories import PASSWORD

AXE = "vendor/axe-core/axe.min.js"  # tilts/static/, served by the site itself


def log_in_with_password(page: Page, base: str, email: str) -> None:
    """Log in through the English login form, as a person does (the factories' users share ``PASSWORD``)."""
    page.goto(base + "/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def log_in_as(page: Page, base: str, user: User) -> None:
    """Give the browser the session cookie of a logged-in test client (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


def serious_accessibility_findings(page: Page) -> list[str]:
    """Run axe-core (vendored, served by the site itself: no network, and allowed by the Content-Security-Policy,
    which refuses inline script) on the page; its serious and critical findings, each as 'rule: the offending
    elements'."""
    page.add_script_tag(url=urljoin(page.url, static(AXE)))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));
        }"""
    )

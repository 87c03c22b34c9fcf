"""Shared test set-up: Chromium from Debian for Playwright, and the fixtures most tests need."""

import os
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; Django's guard against ORM use inside one
# would stop the browser tests' own set-up queries, which are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config: pytest.Config) -> None:
    """A fast password hasher for the whole run (as healthchecks does): hashing a factory user's password with
    PBKDF2 costs most of a second, which the suite paid for every user it made. Real hashing is still what
    production uses; ``tilts/accounts/tests/test_password_hashing.py`` checks that setting."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True)
def _site_url(settings: pytest.FixtureRequest) -> None:
    settings.SITE_URL = "http://testserver"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _latvian_first() -> Iterator[None]:
    """Each test starts in Latvian, as a visitor does; an /en/ request must not leak into the next test's reverse()."""
    with translation.override("lv"):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files go to a temporary directory, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache(settings: pytest.FixtureRequest) -> None:
    """Rate limits count in the cache; each test starts with none used.

    Tests count in process memory: the database cache a deployment uses would add its queries to every query
    budget. tilts/core/tests/test_ratelimit.py checks the limits with the database cache.
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # type: ignore[attr-defined]
    cache.clear()


pytest_plugins = ["tilts.core.tests.fixtures"]

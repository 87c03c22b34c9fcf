"""Shared test set-up: Chromium from Debian for Playwright, and the fixtures most tests need."""

import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

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

    # Under xdist the test database is migrated once and copied for each worker (tilts/core/tests/testdb.py).
    from tilts.core.tests import testdb

    testdb.configure(config)


# The tests that also run on SQLite (the second pass of scripts/run-tests.sh, `-m db_specific`): those of code
# whose SQL or behaviour differs between the two databases, so that `make run` (SQLite) keeps working. Everything
# else runs once, on PostgreSQL, as in production. A test elsewhere that checks such a difference carries
# `@pytest.mark.db_specific` itself.
DATABASE_SPECIFIC = {
    # Collation and search: ICU's lv-x-icu on PostgreSQL, a Python collation registered on SQLite; LIKE and
    # case-insensitive matches of non-ASCII letters.
    "tilts/core/tests/test_collation.py": "Latvian collation",
    "tilts/core/tests/test_keyset.py": "keyset pages compare collated names row by row",
    "tilts/public/tests/test_public_pages.py": "public member lists in Latvian order",
    "tilts/consortium/tests/test_members.py": "member search (icontains) and sorting",
    "tilts/accounts/tests/test_invitations.py": "e-mail addresses compared case-insensitively (iexact)",
    # Locking: select_for_update is a no-op on SQLite, and the optimistic lock counts updated rows.
    "tilts/projects/tests/test_projects.py": "optimistic lock (EditConflict)",
    "tilts/mobility/tests/test_mobility_services.py": "status changes under select_for_update and the version lock",
    "tilts/core/tests/test_security.py": "rate limits counted in the database cache",
    "tilts/core/tests/test_database_cache.py": "the cache's set as one INSERT ... ON CONFLICT statement",
    # Migrations and the database as a whole.
    "tilts/core/tests/test_cache_table.py": "migrate creates the cache table",
    "tilts/quality/tests/test_standards.py": "the standards come from a data migration",
    "tilts/core/tests/test_backup.py": "pg_dump / pg_restore against a copy of the SQLite file",
    "tilts/demo/tests/test_seed_demo.py": "the demo that make run loads into SQLite",
    # Aggregates and database functions: sums of money (Decimal is text in SQLite), counts per group, Coalesce,
    # Subquery, dates.
    "tilts/payments/tests/test_schedule.py": "sums and Coalesce of amounts paid",
    "tilts/payments/tests/test_payment_pages.py": "sums of amounts per member and project",
    "tilts/followup/tests/test_dashboard.py": "reach and goal figures aggregated per year",
    "tilts/followup/tests/test_reach_reference.py": "reach figures from plain SQL grouped over a distinct join",
    "tilts/mobility/tests/test_mobility_scale.py": "per-category costs summed per project",
    "tilts/exports/tests/test_realised.py": "realised amounts summed for the export",
    "tilts/core/tests/test_waiting.py": "counts per project and call",
    "tilts/mobility/tests/test_budget_sums.py": "the budget's sums per member and category against a plain walk",
    "tilts/reporting/tests/test_summary.py": "report counts per project (FILTER) against a plain count",
    "tilts/payments/tests/test_waiting.py": "balances to pay counted per project against a plain walk",
    "tilts/followup/tests/test_approval.py": "the follow-ups to approve: the first ids with a window count",
}


def _only_database_specific(config: pytest.Config) -> bool:
    """Whether the ``-m`` expression selects no test without the db_specific mark (the SQLite pass)."""
    markexpr = config.getoption("markexpr", "")
    if "db_specific" not in markexpr:
        return False
    from _pytest.mark.expression import Expression

    expression = Expression.compile(markexpr)
    names = sorted(set(re.findall(r"[A-Za-z_]\w*", markexpr)) - {"and", "or", "not", "db_specific"})
    marks: dict[str, bool] = {}
    for values in itertools.product((False, True), repeat=len(names)):
        marks.update(zip(names, values, strict=True))
        if expression.evaluate(lambda name, /, **kwargs: marks.get(name, False)):
            return False
    return True


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """In a run of the db_specific tests only, the other test files are not even imported: collecting all of them
    (with schemathesis building its cases) costs each worker half a minute. A file is collected if it is listed in
    DATABASE_SPECIFIC or mentions db_specific (a test marked ``@pytest.mark.db_specific`` itself)."""
    if not (collection_path.name.startswith("test_") and collection_path.suffix == ".py"):
        return None
    if not _only_database_specific(config):
        return None
    relative = collection_path.relative_to(config.rootpath).as_posix()
    if relative in DATABASE_SPECIFIC or "db_specific" in collection_path.read_text(encoding="utf-8"):
        return None
    return True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("::")[0] in DATABASE_SPECIFIC:
            item.add_marker(pytest.mark.db_specific)


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
    from tilts.core import figures

    figures.forget_in_process()  # and what each process keeps of it


pytest_plugins = ["tilts.core.tests.fixtures"]

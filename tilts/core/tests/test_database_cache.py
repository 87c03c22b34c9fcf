"""The database cache's one-statement set (tilts.core.cache): the same answers as Django's, in one statement, and
the table still culled (on one set in CULL_EVERY)."""

import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tilts.core import cache as database_cache

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_CACHE = {"BACKEND": "tilts.core.cache.DatabaseCache", "LOCATION": "tilts_cache"}


@pytest.fixture(autouse=True)
def _database_cache(settings) -> None:
    settings.CACHES = {"default": DATABASE_CACHE}
    cache.clear()


def test_set_is_one_statement_and_overwrites() -> None:
    with mock.patch.object(database_cache, "_sets", iter(range(1, 10))), CaptureQueriesContext(connection) as sets:
        cache.set("k", {"a": 1})
        cache.set("k", [1, 2, 3])
    assert len(sets) == 2 and all(query["sql"].startswith("INSERT INTO") for query in sets.captured_queries)
    assert cache.get("k") == [1, 2, 3]


def test_timeouts_as_djangos_own() -> None:
    cache.set("for-ever", "kept", timeout=None)
    cache.set("gone", "x", timeout=-1)  # Django: a negative timeout expires at once
    cache.set("brief", "y", timeout=1)
    assert cache.get("for-ever") == "kept" and cache.get("gone") is None and cache.get("brief") == "y"
    time.sleep(2.1)  # the column holds whole seconds
    assert cache.get("brief") is None and cache.get("for-ever") == "kept"
    assert cache.add("brief", "again") and cache.get("brief") == "again"  # add over an expired row, as before
    assert not cache.add("for-ever", "no")
    cache.set("n", 1)
    assert cache.incr("n") == 2


def test_the_table_is_culled_on_one_set_in_cull_every(settings) -> None:
    settings.CACHES = {"default": {**DATABASE_CACHE, "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}}}
    with mock.patch.object(database_cache, "_sets", iter(range(1, 100))):
        for number in range(30):
            cache.set(f"key-{number:02}", number)
    assert sum(cache.get(f"key-{number:02}") is not None for number in range(30)) == 30  # no count: no cull
    with mock.patch.object(database_cache, "_sets", iter([database_cache.CULL_EVERY])):
        cache.set("the-last", "x")
    kept = sum(cache.get(f"key-{number:02}") is not None for number in range(30))
    assert kept == 15  # 30 > 10: Django's cull dropped half (CULL_FREQUENCY 2) before the set
    assert cache.get("the-last") == "x"


def test_below_max_entries_only_the_expired_rows_go(settings) -> None:
    settings.CACHES = {"default": {**DATABASE_CACHE, "OPTIONS": {"MAX_ENTRIES": 100, "CULL_FREQUENCY": 0}}}
    with mock.patch.object(database_cache, "_sets", iter(range(1, 100))):
        cache.set("kept-one", 1)
        cache.set("expired-one", 2, timeout=-1)
    with mock.patch.object(database_cache, "_sets", iter([database_cache.CULL_EVERY])):
        cache.set("the-last", 3)  # CULL_FREQUENCY 0 would clear the whole table on a cull: there is none
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM tilts_cache ORDER BY cache_key")
        assert [row[0] for row in cursor.fetchall()] == [":1:kept-one", ":1:the-last"]


def test_a_set_that_fails_is_given_up_and_leaves_the_transaction_usable(django_assert_num_queries) -> None:
    from django.db import DatabaseError, transaction

    from tilts.accounts.models import User

    with mock.patch.object(database_cache.DatabaseCache, "_upsert", side_effect=DatabaseError("locked")):
        cache.set("not-kept", 1)  # as Django's set: nothing raised
        with transaction.atomic():
            cache.set("not-kept", 1)
            assert User.objects.count() == 0  # the transaction still answers
    assert cache.get("not-kept") is None


@pytest.mark.parametrize("frequency", [2, 0])
def test_a_cull_spares_the_values_kept_for_ever(settings, frequency: int) -> None:
    """The versions and the worker's heartbeat: culled, every kept page would be dropped for everyone, and /healthz
    would report the worker silent."""
    settings.CACHES = {"default": {**DATABASE_CACHE, "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": frequency}}}
    with mock.patch.object(database_cache, "_sets", iter(range(1, 100))):
        cache.set("a-version", 7, timeout=None)  # sorts first: Django's cull by key would drop it first
        for number in range(30):
            cache.set(f"key-{number:02}", number)
    with mock.patch.object(database_cache, "_sets", iter([database_cache.CULL_EVERY])):
        cache.set("the-last", "x")
    assert cache.get("a-version") == 7
    kept = sum(cache.get(f"key-{number:02}") is not None for number in range(30))
    assert kept == (15 if frequency == 2 else 0)

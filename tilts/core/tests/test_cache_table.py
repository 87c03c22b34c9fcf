"""Rate limits count in the database cache: `migrate` on a fresh database makes its table (`make run` needs it)."""

import pytest
from django.core.management import call_command
from django.db import connection

DATABASE_CACHE = {"BACKEND": "tilts.core.cache.DatabaseCache", "LOCATION": "tilts_cache"}


@pytest.mark.django_db(transaction=True)
def test_migrate_makes_the_cache_table(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = {"default": DATABASE_CACHE}  # as deployed; the tests otherwise count in memory
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name('tilts_cache')}")
    assert "tilts_cache" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    assert "tilts_cache" in connection.introspection.table_names()

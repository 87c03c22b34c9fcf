"""The database cache every worker shares by default (settings.CACHES), with a cheaper ``set``.

Django's database cache makes each ``set`` five statements: a ``COUNT(*)`` of the whole table (to cull it when it
holds more than ``MAX_ENTRIES``), then a transaction that reads the key and updates or inserts it. Tilts sets a
value on every API request (the rate limits' history) and for every part a page keeps after a change, so here
``set`` is one statement, an insert that updates the row when the key is there (``INSERT ... ON CONFLICT``, which
PostgreSQL and SQLite both have; other databases keep Django's), and the table is counted and culled (expired
rows first, as Django does) on one ``set`` in :data:`CULL_EVERY` of each process. ``get``, ``add``, ``incr`` and
the rest are Django's.
"""

import base64
import itertools
import pickle
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import connections, router
from django.utils.timezone import now as tz_now

CULL_EVERY = 100
_sets = itertools.count()  # this process's sets (next() is atomic: the worker's threads share it)


class DatabaseCache(db.DatabaseCache):
    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        if connection.vendor not in ("postgresql", "sqlite"):
            return super().set(key, value, timeout, version)
        key = self.make_and_validate_key(key, version=version)
        backend_timeout = self.get_backend_timeout(timeout)
        # As Django's own set: "never" is the largest date, and the column holds whole seconds.
        expires = (
            datetime.max
            if backend_timeout is None
            else datetime.fromtimestamp(backend_timeout, tz=UTC if settings.USE_TZ else None)
        ).replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        names = (self._table, "cache_key", "value", "expires")  # type: ignore[attr-defined]
        table, cache_key, stored, expiry = (quote(name) for name in names)
        with connection.cursor() as cursor:
            if next(_sets) % CULL_EVERY == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                self._cull(alias, cursor, tz_now().replace(microsecond=0), cursor.fetchone()[0])  # type: ignore[attr-defined]
            cursor.execute(
                f"INSERT INTO {table} ({cache_key}, {stored}, {expiry}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({cache_key}) DO UPDATE SET {stored} = EXCLUDED.{stored}, {expiry} = EXCLUDED.{expiry}",
                [key, encoded, connection.ops.adapt_datetimefield_value(expires)],
            )
        return None

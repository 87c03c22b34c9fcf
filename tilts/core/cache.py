"""The database cache every worker shares by default (settings.CACHES), with a cheaper ``set``.

Django's database cache makes each ``set`` five statements: a ``COUNT(*)`` of the whole table (to cull it when it
holds more than ``MAX_ENTRIES``), then a transaction that reads the key and updates or inserts it. Tilts sets a
value on every API request (the rate limits' history) and for every part a page keeps after a change, so here
``set`` is one statement, an insert that updates the row when the key is there (``INSERT ... ON CONFLICT``, which
PostgreSQL and SQLite both have; other databases keep Django's), and on one ``set`` in :data:`CULL_EVERY` of each
process the table is counted and culled: its expired rows, and past ``MAX_ENTRIES`` a share of the rest, as
Django culls it but sparing the values kept for ever (:meth:`DatabaseCache._cull`). ``get``, ``add``, ``incr`` and
the rest are Django's.
"""

import base64
import itertools
import logging
import pickle
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

logger = logging.getLogger(__name__)

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
        try:
            # As Django's set: one that cannot be made (a locked SQLite file, say) is given up, not raised, and
            # inside a transaction it is made in a savepoint so that its failure leaves the transaction usable.
            with transaction.atomic(using=alias) if connection.in_atomic_block else nullcontext():
                self._upsert(connection, alias, key, encoded, expires)
        except DatabaseError:
            logger.warning("The cache could not keep %s", key, exc_info=True)
        return None

    def _upsert(self, connection: Any, alias: str, key: str, encoded: str, expires: datetime) -> None:
        quote = connection.ops.quote_name
        names = (self._table, "cache_key", "value", "expires")  # type: ignore[attr-defined]
        table, cache_key, stored, expiry = (quote(name) for name in names)
        with connection.cursor() as cursor:
            if next(_sets) % CULL_EVERY == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                # The expired rows, and past MAX_ENTRIES a share of the rest: see _cull.
                self._cull(alias, cursor, tz_now().replace(microsecond=0), cursor.fetchone()[0])
            cursor.execute(
                f"INSERT INTO {table} ({cache_key}, {stored}, {expiry}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({cache_key}) DO UPDATE SET {stored} = EXCLUDED.{stored}, {expiry} = EXCLUDED.{expiry}",
                [key, encoded, connection.ops.adapt_datetimefield_value(expires)],
            )

    def _cull(self, db: str, cursor: Any, now: datetime, num: int) -> None:
        """Django's cull (the expired rows, then the lowest share of the rest by key; all of it with CULL_FREQUENCY
        0), sparing the values kept for ever: the versions (tilts.core.figures), the worker's heartbeat and the
        retention run's time, which a cull would otherwise drop with everyone's kept pages (a new version from the
        clock) or with /healthz's sign of the worker's life."""
        connection = connections[db]
        quote = connection.ops.quote_name
        table, cache_key, expiry = quote(self._table), quote("cache_key"), quote("expires")  # type: ignore[attr-defined]
        adapt = connection.ops.adapt_datetimefield_value
        forever = adapt(datetime.max.replace(microsecond=0))  # how set() stores "no timeout"
        cursor.execute(f"DELETE FROM {table} WHERE {expiry} < %s", [adapt(now)])
        remaining = num - cursor.rowcount
        if remaining <= self._max_entries:
            return
        if self._cull_frequency == 0:
            cursor.execute(f"DELETE FROM {table} WHERE {expiry} < %s", [forever])
            return
        cursor.execute(
            f"SELECT {cache_key} FROM {table} WHERE {expiry} < %s ORDER BY {cache_key} LIMIT 1 OFFSET %s",
            [forever, remaining // self._cull_frequency],
        )
        last = cursor.fetchone()
        if last:
            cursor.execute(f"DELETE FROM {table} WHERE {cache_key} < %s AND {expiry} < %s", [last[0], forever])

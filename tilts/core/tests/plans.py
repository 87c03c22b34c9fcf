"""What PostgreSQL plans for a query a page has made: to check that a list reads its page from an index."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")


def queries_of(request: Callable[[], Any]) -> list[str]:
    """The SQL of every query ``request()`` makes."""
    with CaptureQueriesContext(connection) as captured:
        request()
    return [query["sql"] for query in captured.captured_queries]


def plan(sql: str) -> str:
    """The plan of ``sql`` as if the tables were large: a test's few rows would otherwise be read whole and sorted,
    which is the cheapest way for them (set for the rest of the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())

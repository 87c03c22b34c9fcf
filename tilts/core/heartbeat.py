"""The worker's heartbeat: left by its housekeeping (tilts.housekeeping.tasks), read by /healthz."""

import time

from django.core.cache import cache

HEARTBEAT_KEY = "tilts:worker-heartbeat"


def record_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def last_heartbeat() -> float | None:
    value = cache.get(HEARTBEAT_KEY)
    return float(value) if value is not None else None

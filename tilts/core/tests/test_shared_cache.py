"""The cache every app server and worker shares (rate limits, cached figures): the database's by default, Redis
or Valkey when CACHE_URL says so (both speak the Redis protocol, and its client is installed)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CODE = (
    "import django; django.setup(); from django.core.cache import caches; cache = caches['default']; "
    "print(type(cache).__name__, type(cache._cache).__name__ if hasattr(cache, '_cache') else cache._table)"
)


def cache_in(cache_url: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tilts.settings", "CACHE_URL": cache_url}
    return subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_database_cache_by_default_and_redis_or_valkey_when_configured() -> None:
    assert cache_in("") == "DatabaseCache tilts_cache"
    # Building the client imports the redis package; nothing connects until the first command.
    assert cache_in("redis://valkey.internal:6379/0") == "RedisCache RedisCacheClient"
    assert cache_in("rediss://:secret@cache.example.lv:6380/1") == "RedisCache RedisCacheClient"

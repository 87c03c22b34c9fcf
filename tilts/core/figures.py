"""Costly figures (the dashboard's counts, a project's budget and destinations), cached for a short time and
dropped on any change.

The mechanism of the reach figures (tilts.followup.figures), for any app: Django's cache (shared by the workers
when a shared backend is configured) keeps a figure for ``FIGURES_SECONDS`` under a key that carries a version
number, and a saved, deleted or re-linked row of any of the project's own models bumps that version, so no stale
figure is shown. The bump happens at once and again when the change's transaction commits: a figure another
worker computed in between, from what was then committed, is dropped too.

A model whose rows change on reading pages and count in no figure (the access log) is left out with
:func:`ignore_changes_of`. Within one request the version is read once, and so is what :func:`per_request` is
given (the consortium every page shows).
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

FIGURES_SECONDS = 300
VERSION_KEY = "core:figures:version"
T = TypeVar("T")

_ignored: set[str] = set()
# What the current request has read once (the version, see per_request); None outside requests.
_request_memo: ContextVar[dict[str, Any] | None] = ContextVar("figures_request_memo", default=None)


def ignore_changes_of(*ignored: type[models.Model]) -> None:
    """Changes to these models leave the cached figures as they are."""
    _ignored.update(model._meta.label_lower for model in ignored)


def per_request(key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request (every time outside one); forgotten on any change, as the figures are."""
    memo = _request_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def _read_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def _version() -> int:
    return per_request(VERSION_KEY, _read_version)


def invalidate(**_kwargs: Any) -> None:
    """Every cached figure is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted: nothing cached under a version to lose
        cache.add(VERSION_KEY, 1, timeout=None)
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


def cached(key: str, compute: Callable[[], T], seconds: int = FIGURES_SECONDS) -> T:
    """``compute()``, or its value cached under ``key`` since the last change. The value must pickle (no
    querysets: lists, numbers, dataclasses)."""
    full_key = f"core:figures:{key}:{_version()}"
    value: T | None = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    return value


def _changed(sender: type[models.Model], **_kwargs: Any) -> None:
    if not sender.__module__.startswith("tilts.") or sender._meta.label_lower in _ignored:
        return
    invalidate()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(hook is invalidate for _ids, hook, _robust in connection.run_on_commit):
        transaction.on_commit(invalidate)


def _request_starts(**_kwargs: Any) -> None:
    _request_memo.set({})


def _request_ends(**_kwargs: Any) -> None:
    _request_memo.set(None)


def connect() -> None:
    """Listen to every model's changes (called once, when the core app is ready)."""
    post_save.connect(_changed, dispatch_uid="core-figures-save")
    post_delete.connect(_changed, dispatch_uid="core-figures-delete")
    m2m_changed.connect(_changed, dispatch_uid="core-figures-m2m")
    request_started.connect(_request_starts, dispatch_uid="core-figures-request-started")
    request_finished.connect(_request_ends, dispatch_uid="core-figures-request-finished")

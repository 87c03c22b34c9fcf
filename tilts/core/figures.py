"""Costly figures (the dashboard's counts, a project's budget and destinations), cached for a short time and
dropped on any change.

For any app (the reach figures of tilts.followup.figures use it too): Django's cache (shared by the workers
when a shared backend is configured) keeps a figure for ``FIGURES_SECONDS`` under a key that carries a version
number, and a saved, deleted or re-linked row of any of the project's own models bumps that version, so no stale
figure is shown. The bump happens at once and again when the change's transaction commits: a figure another
worker computed in between, from what was then committed, is dropped too.

A model whose rows change on reading pages and count in no figure (the access log) is left out with
:func:`ignore_changes_of`. Within one request the version is read once, and so is what :func:`per_request` is
given (the consortium every page shows).
"""

import hashlib
import pickle
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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


class Version:
    """A number in the cache that every key of one kind of cached value carries; bumping it makes all of them stale
    at once. It never expires, and when it is missing (never set, or evicted) it starts again from the clock, so a
    value kept under an earlier number is never read again. Other apps' caches with their own, narrower reasons to
    drop (the export page's check summaries) use one too."""

    def __init__(self, key: str) -> None:
        self.key = key

    def read(self) -> int:
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, time.time_ns() // 1000, timeout=None)
            version = cache.get(self.key, 0)
        return int(version)

    def bump(self) -> None:
        try:
            cache.incr(self.key)
            cache.touch(self.key, timeout=None)  # the database cache's incr sets the default timeout again
        except ValueError:  # not set yet, or evicted: the next read starts a new number
            pass


_figures_version = Version(VERSION_KEY)


def version() -> int:
    """The figures' current version (read once per request)."""
    return per_request(VERSION_KEY, _figures_version.read)


def _uncommitted_changes() -> bool:
    """Whether this thread's open transaction has changed rows the figures depend on (they could roll back)."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(hook is invalidate for _ids, hook, _robust in connection.run_on_commit)


def in_process(key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per figures version in this process (and at least every ``FIGURES_SECONDS``), for a few
    small values every page shows (the consortium): no query and no cache read beyond the version's, which a page
    with figures reads anyway.

    Each request gets its own copy (unpickled), so one that changes the object changes nobody else's. A value read
    by a transaction that has changed rows itself is not kept (it may still roll back). Keys are few and fixed: a
    key per person or per object belongs in :func:`cached`."""

    def load() -> T:
        current, now = version(), time.monotonic()
        kept = _in_process.get(key)
        if kept is not None and kept[0] == current and now - kept[1] < FIGURES_SECONDS:
            value: T = pickle.loads(kept[2])
            return value
        value = compute()
        if not _uncommitted_changes():
            _in_process[key] = (current, now, pickle.dumps(value))
        return value

    return per_request(key, load)


# key: (figures version, time.monotonic() when read, the pickled value); read again after FIGURES_SECONDS at the
# latest, like a cached figure (a write with .update() bumps no version).
_in_process: dict[str, tuple[int, float, bytes]] = {}


def invalidate(**_kwargs: Any) -> None:
    """Every cached figure is stale from now on."""
    _figures_version.bump()
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


def cached(key: str, compute: Callable[[], T], seconds: int = FIGURES_SECONDS) -> T:
    """``compute()``, or its value cached under ``key`` since the last change. The value must pickle (no
    querysets: lists, numbers, dataclasses)."""
    return cached_from(key, compute, {}, seconds)


def full_key(key: str) -> str:
    """The cache key a figure is kept under now (for reading several at once with ``cache.get_many``)."""
    return f"core:figures:{key}:{version()}"


def cached_from(key: str, compute: Callable[[], T], found: dict[str, Any], seconds: int = FIGURES_SECONDS) -> T:
    """As :func:`cached`, with ``found``: values already read by ``cache.get_many([full_key(...), ...])``."""
    kept_under = full_key(key)
    value: T | None = found[kept_under] if kept_under in found else cache.get(kept_under)
    if value is None:
        value = compute()
        cache.set(kept_under, value, seconds)
    return value


def cached_html(request: HttpRequest, name: str, parts: tuple[object, ...], render: Callable[[], str]) -> SafeString:
    """A rendered part of a page (a list's rows, a dashboard's tables), kept like a figure until the next change.

    The key carries the signed-in person (so one person's view never reaches another, whatever their rights),
    the active language and ``parts`` (the object shown, the page's filters, sort and page number: everything
    the HTML depends on besides the data). What is cached must be the same on every visit of that person: no
    CSRF token (keep forms outside the cached part), no messages, no time of day."""
    user_pk = getattr(request.user, "pk", None) or 0
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    html = cached(f"html:{name}:{user_pk}:{get_language()}:{digest}", render)
    if "csrfmiddlewaretoken" in html:
        raise ValueError(f"{name}: a form with a CSRF token must stay outside the cached part of the page")
    return mark_safe(html)  # rendered by our own templates, escaped there


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

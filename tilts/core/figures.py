"""Costly figures (the dashboard's counts, a project's budget and destinations), cached for a short time and
dropped on any change.

For any app (the reach figures of tilts.followup.figures use it too): Django's cache (shared by the workers
when a shared backend is configured) keeps a figure for ``FIGURES_SECONDS`` under a key that carries a version
number, and any write to a table of the project's own models moves that number on, so no stale figure is shown.

Writes are seen where they reach the database (a wrapper on every connection reads the first words of each
statement), so ``save()``, ``delete()``, a link added or removed, ``QuerySet.update()``, ``bulk_create``,
``bulk_update`` and raw SQL all count, and none can be forgotten. A write only marks the change (per thread, as
Django's connections and transactions are); the number moves (a get and a set with the database cache) however
many rows the transaction writes:

- once when the transaction commits (one ``on_commit`` hook per transaction), so every worker drops what it
  computed from the data before, including a figure another worker computed from it in the meantime;
- and before this thread's next read of a figure after a change not yet committed, so the request that made the
  change sees it at once (a transaction that only writes pays nothing for this).

Outside a transaction (autocommit) a write is committed when it returns, so the number moves then. A transaction
that is rolled back moves nothing at commit; if this thread read a figure inside it (moving the number and keeping
what it computed from the rolled-back rows), the number moves again before its next read and at the end of the
request or background task, so nothing computed from rows that never existed is shown after that.

A model whose rows change on reading pages and count in no figure (the access log) is left out with
:func:`ignore_changes_of`. Within one request the version is read once, and so is what :func:`per_request` is
given (the consortium every page shows).

Each process also keeps a copy of what it has read or computed under the current version (:func:`in_process`, and
every :func:`cached` value), bounded by ``FIGURES_LOCAL_BYTES``: a page visited again then costs the one cache read
of the version, whatever it keeps. The version in each key is what keeps the copies right, across processes too.
"""

import contextlib
import hashlib
import logging
import pickle
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from cachetools import TLRUCache
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

FIGURES_SECONDS = 300
VERSION_KEY = "core:figures:version"
T = TypeVar("T")

_ignored: set[str] = set()
# What the current request has read once (the version, see per_request); None outside requests.
_request_memo: ContextVar[dict[str, Any] | None] = ContextVar("figures_request_memo", default=None)


def ignore_changes_of(*ignored: type[models.Model]) -> None:
    """Changes to these models leave the cached figures as they are."""
    _ignored.update(model._meta.label_lower for model in ignored)
    _forget_tables()


def per_request(key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request (every time outside one); forgotten on any change, as the figures are."""
    memo = _request_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def _forget_request_memo(*versions: "Version") -> None:
    """Forget what the request has read once: all of it (after a change), or only these versions' numbers (when
    they move for a change that came before what was read)."""
    memo = _request_memo.get()
    if memo is None:
        return
    if not versions:
        memo.clear()
    for moved in versions:
        memo.pop(moved.key, None)


# Every Version made (a few, at import: the figures' own and each app's with narrower reasons to drop).
_known: dict[str, "Version"] = {}


class Version:
    """A number in the cache that every key of one kind of cached value carries; bumping it makes all of them stale
    at once. It never expires, and when it is missing (never set, or evicted) it starts again from the clock, so a
    value kept under an earlier number is never read again. Other apps' caches with their own, narrower reasons to
    drop (the export page's check summaries) use one too: :meth:`watch` names the models whose writes concern
    them, and :meth:`mark` tells of a change seen otherwise (a signal)."""

    def __init__(self, key: str) -> None:
        self.key = key
        _known[key] = self

    def read(self) -> int:
        """The current number, moved on first if this thread changed something since it last read it."""
        _settle_before_read(self)
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, time.time_ns() // 1000, timeout=None)
            version = cache.get(self.key, 0)
        return int(version)

    def bump(self) -> None:
        """Move the number on now (:meth:`mark` is what a change calls: it moves it when needed)."""
        if type(caches[DEFAULT_CACHE_ALIAS]).incr is not BaseCache.incr:
            # One step in the backend (Redis, process memory), keeping "never expires"; a number not set yet, or
            # evicted, is left to the next read, which starts a new one.
            with contextlib.suppress(ValueError):
                cache.incr(self.key)
            return
        # Django's own incr (the database cache's) is a get and a set with the default timeout, which would let the
        # number expire; the same two steps with "never" instead.
        version = cache.get(self.key)
        if version is not None:
            cache.set(self.key, int(version) + 1, timeout=None)

    def mark(self) -> None:
        """Something these values depend on changed: the number moves before this thread's next read and when
        the transaction commits (at once outside a transaction)."""
        _changed((self,), transaction.get_connection())

    def watch(self, *watched: type[models.Model]) -> None:
        """Any write to these models' tables marks a change (see the module's docstring)."""
        _watched.setdefault(self, set()).update(model._meta.db_table for model in watched)
        _forget_tables()


_figures_version = Version(VERSION_KEY)


def version() -> int:
    """The figures' current version (read once per request)."""
    return _numbers((_figures_version,))[0]


def versions(*others: Version) -> list[int]:
    """``others``' current numbers (a page whose kept part carries another version in its key: the export page's
    check summaries'), read with the figures' own in one cache query."""
    return _numbers((_figures_version, *others))[1:]


def _numbers(asked: tuple[Version, ...]) -> list[int]:
    """Read once per request: the first read in a request reads every version this process knows in one query."""
    memo = _request_memo.get()
    for each in _known.values() if memo is not None else asked:
        _settle_before_read(each)  # moved first if this thread changed what it counts (and dropped from memo)
    if memo is None:
        return _read(asked)
    missing = [each for each in _known.values() if each.key not in memo]  # every Version is known (its __init__)
    if missing:
        memo.update(zip((each.key for each in missing), _read(missing), strict=True))
    return [int(memo[each.key]) for each in asked]


def _read(wanted: Iterable[Version]) -> list[int]:
    wanted = list(wanted)
    found = cache.get_many([each.key for each in wanted])
    # A number not set yet (or evicted) is started as Version.read starts it.
    numbers = [int(found[each.key]) if each.key in found else each.read() for each in wanted]
    if _figures_version in wanted:
        _local_seen(numbers[wanted.index(_figures_version)])
    return numbers


def _uncommitted_changes() -> bool:
    """Whether this thread's open transaction has changed rows the figures depend on (they could roll back)."""
    connection = transaction.get_connection()
    _settle(connection)
    return connection.in_atomic_block and _pending.hook is not None


def in_process(key: str, compute: Callable[[], T], seconds: int = FIGURES_SECONDS) -> T:
    """``compute()`` once per figures version in this process (and at least every ``seconds``), for values that
    are cheap to keep and asked for on many requests (the consortium every page shows, the signed-in person, an
    object a page checks access to): no query and no cache read beyond the version's, which a page reads anyway.

    Each request gets its own copy (unpickled), so one that changes the object changes nobody else's. What this
    process keeps is bounded (:data:`_local`): the least recently read goes first. A value read by a transaction
    that has changed rows itself is not kept (it may still roll back)."""

    def load() -> T:
        kept_under = f"{key}:{version()}"
        found, value = _local_get(kept_under)
        if not found:
            value = compute()
            _local_keep(kept_under, value, seconds)
        return value  # type: ignore[no-any-return]

    return per_request(key, load)


@dataclass(frozen=True, slots=True)
class _Kept:
    seconds: float  # kept this long at most (a write made outside Tilts, with psql say, moves no version)
    pickled: bytes  # unpickled on each read: every request gets its own copy


# What this process keeps: in_process() values, and a copy of each value cached() read from the shared cache or
# computed, under the same key (the figures version in it), so a page visited again reads nothing but the version.
# A key carries the version, so no copy is ever out of date; the least recently read are dropped beyond
# FIGURES_LOCAL_BYTES (settings). Each lives as long as its shared copy is kept for, counted from when this process
# read it (a figure read late in its shared life may stay here up to twice that; a page kept whole, for what is left
# of its shared copy's life).
_local: TLRUCache[str, _Kept] = TLRUCache(
    maxsize=getattr(settings, "FIGURES_LOCAL_BYTES", 8 * 2**20),
    ttu=lambda _key, kept, now: now + kept.seconds,
    timer=lambda: time.monotonic(),
    getsizeof=lambda kept: len(kept.pickled) + 200,  # with the key and the entry's own objects, roughly
)
_local_lock = threading.Lock()  # cachetools' caches are not thread-safe (runserver and the tests use threads)


def _local_get(key: str) -> tuple[bool, Any]:
    with _local_lock:
        kept = _local.get(key)
    if kept is None:
        return False, None
    return True, pickle.loads(kept.pickled)


def _local_keep(key: str, value: object, seconds: float) -> None:
    if _uncommitted_changes():
        return
    kept = _Kept(seconds, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    with _local_lock, contextlib.suppress(ValueError):  # larger than the whole store: not kept
        _local[key] = kept


_local_version = 0  # the highest figures version this process has read


def _local_seen(current: int) -> None:
    """Every key this process keeps carries the figures version: once a later one is read, none of them will be
    read again, so they go at once rather than when they expire or are pushed out."""
    global _local_version
    if current > _local_version:
        with _local_lock:
            if current > _local_version:
                _local.clear()
                _local_version = current


def _kept_anywhere(key: str, found: dict[str, Any], life: Callable[[Any], float]) -> Any:
    """What is kept under ``key``: this process's copy, else the shared cache's (from ``found`` when read already),
    then copied here for ``life(value)`` seconds; None when neither has it."""
    here, value = _local_get(key)
    if here:
        return value
    value = found[key] if key in found else cache.get(key)
    if value is not None:
        _local_keep(key, value, life(value))
    return value


def _keep_everywhere(key: str, value: object, seconds: float) -> None:
    """Keep ``value`` in the shared cache and in this process, for ``seconds``."""
    cache.set(key, value, seconds)
    _local_keep(key, value, seconds)


def forget_in_process() -> None:
    """Drop everything this process keeps (each test starts with nothing kept)."""
    with _local_lock:
        _local.clear()


def invalidate(**_kwargs: Any) -> None:
    """Every cached figure is stale from now on: for this thread at once, for the others once committed."""
    _figures_version.mark()


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
    value = _kept_anywhere(kept_under, found, lambda _value: seconds)
    if value is None:
        value = compute()
        _keep_everywhere(kept_under, value, seconds)
    return value  # type: ignore[no-any-return]


def for_person(request: HttpRequest, name: str, parts: object) -> str:
    """The key of a value kept for the signed-in person (0: not signed in), the active language and ``parts``
    (hashed, so that any length of query string fits): one person's view never reaches another."""
    user_pk = getattr(request.user, "pk", None) or 0
    digest = hashlib.sha256(repr((get_language(), parts)).encode()).hexdigest()[:32]
    return f"{name}:{user_pk}:{digest}"


def query_of(request: HttpRequest) -> list[tuple[str, list[str]]]:
    """The request's query string in one order, for ``parts`` (a page whose links keep every parameter)."""
    return sorted(request.GET.lists())


# What a part kept with its forms (``cached_html(..., forms=True)``) is rendered with as the context's ``csrf_token``:
# a private-use character pair that no text of the site contains, replaced by each request's own token.
CSRF_HOLE = "\ue000csrf_token\ue001"
_KEPT_TOKEN = f'name="csrfmiddlewaretoken" value="{CSRF_HOLE}"'


def _with_token(html: str, request: HttpRequest) -> str:
    """``html`` with this request's CSRF token where each :data:`CSRF_HOLE` is (letters and digits: nothing to
    escape)."""
    return html.replace(CSRF_HOLE, get_token(request))


def cached_html(
    request: HttpRequest, name: str, parts: tuple[object, ...], render: Callable[[], str], *, forms: bool = False
) -> SafeString:
    """A rendered part of a page (a list's rows, a dashboard's tables), kept like a figure until the next change.

    The key carries the signed-in person (so one person's view never reaches another, whatever their rights),
    the active language and ``parts`` (the object shown, the page's filters, sort and page number: everything
    the HTML depends on besides the data). What is cached must be the same on every visit of that person: no
    CSRF token, no messages, no time of day. A part with forms says ``forms=True`` and renders them with
    :data:`CSRF_HOLE` as the context's ``csrf_token``: what is kept holds the hole, and each request gets its own
    token put in (so a whole page body, buttons and all, is one cache read)."""
    html = cached(f"html:{for_person(request, name, parts)}", render)
    if "csrfmiddlewaretoken" in (html.replace(_KEPT_TOKEN, "") if forms else html):
        raise ValueError(f"{name}: a form in the cached part of a page must be rendered with figures.CSRF_HOLE")
    if forms:
        html = _with_token(html, request)
    return mark_safe(html)  # rendered by our own templates, escaped there


def state_of(person: models.Model) -> str:
    """The fields loaded on ``person`` (a role, an institution, whether active...), as a short digest: what a value
    kept for a person carries in its key, so that an object changed in memory, or read before a change, never
    finds what was kept for the person in another state."""
    deferred = person.get_deferred_fields()
    values = [getattr(person, field.attname) for field in person._meta.concrete_fields if field.attname not in deferred]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:24]


# The CSRF tokens Django renders into a page (a form's hidden field, the htmx header of base.html): in a page kept
# whole, each is replaced by CSRF_HOLE, and each visit gets its own token put in.
_TOKENS_IN_PAGE = re.compile(
    r'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(?=")|(?<="X-CSRFToken": ")[A-Za-z0-9]{64}(?=")'
)
ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponseBase])
# What of the session the pages show (tilts.accounts.mfa's deadline banner): part of a kept page's key.
_session_keys_in_pages: set[str] = set()


def pages_show_from_session(*keys: str) -> None:
    """Every page shows something read from these session keys: a page kept whole is kept per their values."""
    _session_keys_in_pages.update(keys)


# What is kept in place of a check (the signed-in person: tilts.accounts.backends; an access: tilts.core.access; a
# page kept whole, which skips the view's access check) is checked again at least this often, even if no version
# moved: a change the version missed (a move that failed, a write made outside Tilts) shows within a minute.
RECHECK_SECONDS = 60


def _token_left_in(body: str, request: HttpRequest) -> bool:
    """Whether a CSRF token of this request is still in ``body`` (rendered where _TOKENS_IN_PAGE does not look: a
    template changed, say): such a page is not kept, or later visits would get this request's token."""
    from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]  # Django's own unmasking

    secret = request.META.get("CSRF_COOKIE")
    return bool(secret) and any(
        _unmask_cipher_token(candidate) == secret
        for candidate in re.findall(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])", body)
    )


def kept_page(view: ViewT) -> ViewT:
    """A signed-in person's page (GET) kept whole until the next change: a visit again reads the session and the
    version and sends the page, with this request's CSRF token put in, without running the view.

    The key carries the person as they are (:func:`state_of`), the address with its scheme, host and query string,
    the language, the day and what of the session every page shows (:func:`pages_show_from_session`). So the view
    must depend on nothing else: no time of day, nothing else of the session but the messages (a request with
    messages to show runs the view: they are shown once). Not kept: other methods,
    htmx requests, an answer other than a plain 200 without cookies, a view that changed data, a page that holds
    the hole's characters (refused in submitted text: tilts.core.middleware) or a token where it was not looked
    for. The view's access check is not made again on a visit again: its answer for this person at this version is
    the one kept, for :data:`RECHECK_SECONDS` at most, as for ``access(kept=...)``; the role check of
    ``role_required``, outside, still runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if (
            request.method != "GET"
            or "HX-Request" in request.headers
            or not user.is_authenticated
            or len(get_messages(request))
        ):
            return view(request, *args, **kwargs)
        before = version()
        shown = sorted((key, str(request.session.get(key))) for key in _session_keys_in_pages)
        parts = (request.build_absolute_uri(), timezone.localdate().isoformat(), state_of(user), shown)
        key = full_key(f"page:{for_person(request, view.__module__ + '.' + view.__name__, parts)}")
        # Copied here for what is left of the shared copy's life, not a new one.
        kept = _kept_anywhere(key, {}, lambda kept: kept[0] - time.time())
        if kept is not None:
            _until, headers, body = kept
            again = HttpResponse(_with_token(body, request))
            for name, value in headers:
                again[name] = value
            return again
        response = view(request, *args, **kwargs)
        if (
            isinstance(response, HttpResponse)
            and response.status_code == 200
            and not response.cookies
            and version() == before
            and not _uncommitted_changes()
        ):
            page = response.content.decode(response.charset)
            body = _TOKENS_IN_PAGE.sub(CSRF_HOLE, page)
            if CSRF_HOLE not in page and not _token_left_in(body, request):
                _keep_everywhere(key, (time.time() + RECHECK_SECONDS, list(response.items()), body), RECHECK_SECONDS)
        return response

    return wrapper  # type: ignore[return-value]


# --- Which writes concern which version ------------------------------------------------------------------------

# Versions with their own tables (Version.watch); the figures' version watches every table of Tilts' models.
_watched: dict[Version, set[str]] = {}
_by_table: dict[str, tuple[Version, ...]] | None = None
# The table a statement writes to: Django's INSERT, UPDATE and DELETE (and hand-written ones like them).
_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?(?:["`]?\w+["`]?\.)?["`]?(\w+)', re.IGNORECASE
)


def _forget_tables() -> None:
    global _by_table
    _by_table = None


def _tables() -> dict[str, tuple[Version, ...]]:
    global _by_table
    if _by_table is None:
        found: dict[str, list[Version]] = {}
        for model in apps.get_models(include_auto_created=True):  # with the links' tables and the history's
            meta = model._meta
            if model.__module__.startswith("tilts.") and not meta.proxy and meta.label_lower not in _ignored:
                found.setdefault(meta.db_table, []).append(_figures_version)
        for watcher, tables in _watched.items():
            for table in tables:
                found.setdefault(table, []).append(watcher)
        _by_table = {table: tuple(versions) for table, versions in found.items()}
    return _by_table


def _watch_writes(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """A connection's execute wrapper: a statement that wrote rows of a watched table marks its versions changed."""
    result = execute(sql, params, many, context)
    if _pending.unwatched:
        return result
    if isinstance(sql, str) and (write := _WRITE.match(sql)) is not None:
        versions = _tables().get(write[1])
        # A rowcount of 0: nothing written; but SQLite counts the rows of an INSERT ... RETURNING (Django's save)
        # only once they are fetched, which happens after this wrapper returns.
        if versions and ("RETURNING" in sql or getattr(context["cursor"], "rowcount", -1) != 0):
            _changed(versions, context["connection"])
    return result


def _watch_connection(connection: BaseDatabaseWrapper, **_kwargs: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        # First, so that a `with connection.execute_wrapper(...)` block (which removes the last one) keeps it.
        connection.execute_wrappers.insert(0, _watch_writes)


# --- When a version moves: marked per thread, moved once per transaction and before the thread's next read ------


class _Pending(threading.local):
    """This thread's changes (Django gives each thread its own connection, so its own transactions)."""

    def __init__(self) -> None:
        self.unread: set[Version] = set()  # changed and not moved since: moved before this thread's next read
        self.hook: _CommitHook | None = None  # the open transaction's
        self.unwatched = 0  # inside how many `unwatched()` blocks: their writes mark nothing


_pending = _Pending()


@contextlib.contextmanager
def unwatched() -> Iterator[None]:
    """Writes in this block count in no figure and no cached part of a page (the time of the last sign-in: every
    sign-in would otherwise drop what everybody's pages keep)."""
    _pending.unwatched += 1
    try:
        yield
    finally:
        _pending.unwatched -= 1


class _CommitHook:
    """What one transaction changed, moved on once after it commits (its ``on_commit`` hook)."""

    def __init__(self) -> None:
        self.changed: set[Version] = set()
        self.moved_inside: set[Version] = set()  # moved while it was open (a read after a change)

    def __call__(self) -> None:
        if _pending.hook is self:
            _pending.hook = None
            _pending.unread -= self.changed
        _forget_request_memo(*self.changed)
        _move(self.changed)


def _changed(versions: Iterable[Version], connection: BaseDatabaseWrapper) -> None:
    if _migrating:
        _changed_by_migrations.update(versions)
        return
    _forget_request_memo()
    _settle(connection)
    if not connection.in_atomic_block:  # autocommit: the change is committed already
        _move(versions)
        return
    if _pending.hook is None:
        _pending.hook = _CommitHook()
        transaction.on_commit(_pending.hook, using=connection.alias, robust=True)
    _pending.hook.changed.update(versions)
    _pending.unread.update(versions)


def _settle(connection: BaseDatabaseWrapper) -> None:
    """When the open transaction's hook is no longer waiting to run, its transaction (or the savepoint the hook was
    registered in) was rolled back: what was moved inside moves again before the next read (figures may have been
    kept from rows that no longer exist); the rest needs nothing. (While a commit runs its hooks, one before ours
    that writes or reads finds ours gone too: ours still moves what it holds, and this costs a move more.)"""
    hook = _pending.hook
    if hook is None:
        return
    if connection.in_atomic_block and any(entry[1] is hook for entry in connection.run_on_commit):
        return
    _pending.hook = None
    _pending.unread = set(hook.moved_inside)
    _forget_request_memo()  # read from rows that were rolled back


def _settle_before_read(version: Version) -> None:
    if _pending.hook is None and not _pending.unread:
        return
    connection = transaction.get_connection()
    _settle(connection)
    if version in _pending.unread:
        _pending.unread.discard(version)
        if _pending.hook is not None:
            _pending.hook.moved_inside.add(version)
        _forget_request_memo(version)
        _move((version,))


def _move(versions: Iterable[Version]) -> None:
    for moved in versions:
        try:
            moved.bump()
        except DatabaseError:
            # The database cache's table is made after the migrations (whose writes count too), and a lost
            # connection must not undo a committed change; figures then expire by themselves.
            if transaction.get_connection().in_atomic_block:
                raise
            logger.warning("Could not move the cached values' version %s on", moved.key, exc_info=True)
            forget_in_process()  # this process at least reads everything again (the others: within a minute)


def flush() -> None:
    """Move on now what this thread changed and has not moved yet (the end of a request or background task)."""
    connection = transaction.get_connection()
    _settle(connection)
    if _pending.unread and not connection.in_atomic_block:
        unread, _pending.unread = _pending.unread, set()
        _move(unread)


# ``migrate`` writes before the database cache's table exists (it is made once the migrations are done): what its
# migrations change moves on once, at the end.
_migrating = False
_changed_by_migrations: set[Version] = set()


def _migrations_start(**_kwargs: Any) -> None:
    global _migrating
    _migrating = True


def _migrations_done(**_kwargs: Any) -> None:
    global _migrating
    if _migrating:
        _migrating = False
        changed = set(_changed_by_migrations)
        _changed_by_migrations.clear()
        _move(changed)


def _request_starts(**_kwargs: Any) -> None:
    _request_memo.set({})


def _request_ends(**_kwargs: Any) -> None:
    _request_memo.set(None)
    flush()


def _task_ends(**_kwargs: Any) -> None:
    flush()


def connect() -> None:
    """Watch every connection's writes and the requests' and background tasks' ends (called once, when the core
    app is ready)."""
    from django_tasks.signals import task_finished

    connection_created.connect(_watch_connection, dispatch_uid="core-figures-watch-writes")
    pre_migrate.connect(_migrations_start, dispatch_uid="core-figures-migrations-start")
    # After the cache table is made (tilts.core.apps connects that to the same sender first).
    post_migrate.connect(
        _migrations_done, sender=apps.get_app_config("contenttypes"), dispatch_uid="core-figures-migrations-done"
    )
    for connection in connections.all(initialized_only=True):
        _watch_connection(connection)
    request_started.connect(_request_starts, dispatch_uid="core-figures-request-started")
    request_finished.connect(_request_ends, dispatch_uid="core-figures-request-finished")
    task_finished.connect(_task_ends, dispatch_uid="core-figures-task-finished")

"""Who did it: every row of the change history names the person who made the change, or the system.

- A service called with ``by`` (decorated with :func:`records_by`) names ``by``, whoever called it: a page, the
  API, a management command or a test.
- Other changes made during a request name the logged-in person (django-simple-history's middleware).
- Changes made outside any request by nobody in particular (the worker, management commands, data migrations)
  name no person, and their change reason says so: ``system: <command>`` (e.g. ``system: db_worker`` for the
  worker, ``system: apply_retention``), or just ``system``. The history pages show them as made by Tilts.
"""

import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from simple_history.models import HistoricalRecords

SYSTEM = "system"

_actor: ContextVar[AbstractBaseUser | None] = ContextVar("tilts_history_actor", default=None)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def acting(by: AbstractBaseUser | None) -> Iterator[None]:
    """History rows written inside name ``by`` (with ``None``, whoever they would name anyway)."""
    token = _actor.set(by if by is not None else _actor.get())
    try:
        yield
    finally:
        _actor.reset(token)


def records_by(service: Callable[P, R]) -> Callable[P, R]:
    """The service's ``by`` argument names the person in every history row it writes."""
    signature = inspect.signature(service)

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        by = signature.bind_partial(*args, **kwargs).arguments.get("by")
        with acting(by if isinstance(by, AbstractBaseUser) else None):
            return service(*args, **kwargs)

    return wrapper


def system_actor() -> str:
    """The change reason of a change made by no person: ``system: <command>`` when run by ``manage.py``."""
    if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py"):
        return f"{SYSTEM}: {sys.argv[1]}"[:100]
    return SYSTEM


def _in_request() -> bool:
    return getattr(HistoricalRecords.context, "request", None) is not None


def name_the_actor(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """Before a history row is saved: the service's ``by`` if there is one, else the system outside a request."""
    actor = _actor.get()
    if actor is not None:
        history_instance.history_user = actor
    elif history_instance.history_user_id is None and not _in_request() and not history_instance.history_change_reason:
        history_instance.history_change_reason = system_actor()


def made_by_system(record: Any) -> bool:
    """Whether a history row was written by the system (see the module's docstring)."""
    reason = record.history_change_reason or ""
    return record.history_user_id is None and (reason == SYSTEM or reason.startswith(f"{SYSTEM}: "))

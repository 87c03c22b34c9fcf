"""The two ways of refusing access to one object, and the helper every ``access_<thing>`` selector is built on.

Each app's selectors have ``access_<thing>(user, id, *, for_write=False)`` (after Zulip's ``access_user_by_id``):
it fetches the object through the app's ``<things>_for(user)`` query and authorises in the same call, so pages,
the API and services refuse alike:

- :class:`NotFound` (404) when the object does not exist or is out of the user's reach, so identifiers of other
  institutions' objects cannot be probed;
- :class:`Forbidden` (403) when the user may see the object but not change it (``for_write=True``), or a service
  is asked to do what the user's role may not do to it.

Both subclass Django's own exceptions, so views need nothing (Django answers 404 and 403) and the API's handlers
for ``Http404`` and ``PermissionDenied`` (``tilts/api.py``) answer 404 and 403 in the API's error shape.
"""

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from tilts.core import figures

ModelT = TypeVar("ModelT", bound=Model)


class NotFound(Http404):
    """No such object among those the user can see (404)."""


class Forbidden(PermissionDenied):
    """The user sees the object but may not do this to it (403)."""


def access(
    visible: QuerySet[ModelT],
    object_id: object,
    *,
    for_write: bool = False,
    may_change: Callable[[ModelT], bool] | None = None,
    kept: tuple[str, Model] | None = None,
) -> ModelT:
    """The object ``object_id`` of ``visible``; with ``for_write``, only if ``may_change(obj)`` (else Forbidden).

    ``may_change=None`` means nobody may change it this way: ``for_write`` then always refuses with 403.

    ``kept`` names the look-up and the person ``visible`` was built for (``("project", user)``): the object found
    is kept in this process until the next change (tilts.core.figures.in_process; each request gets its own copy),
    for a minute at most (``figures.RECHECK_SECONDS``), so a page visited again finds it without a query. Who sees
    what depends only on rows of Tilts' own tables, any write to which is a change, and on the person object the
    query was built from: its key carries every field loaded on that object (tilts.core.figures.state_of), so a
    person changed in memory, or read before a change, never finds an answer kept for another. The answer kept is
    thus the one the query would give. A refusal is never kept. Not for a query that locks rows
    (``select_for_update``).
    """
    try:
        if kept is None:
            found = visible.get(pk=object_id)
        else:
            name, person = kept
            key = f"access:{name}:{person.pk}:{figures.state_of(person)}:{object_id}"
            found = figures.in_process(key, partial(visible.get, pk=object_id), figures.RECHECK_SECONDS)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound from None
    if for_write and (may_change is None or not may_change(found)):
        raise Forbidden
    return found


def require(allowed: bool) -> None:
    """Refuse with 403 unless ``allowed``: a service's role check on an object the caller already sees."""
    if not allowed:
        raise Forbidden

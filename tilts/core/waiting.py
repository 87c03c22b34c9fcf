"""What waits for a person: the work that needs them next, across the apps, for the dashboard and the weekly digest.

Each item says what is waiting and how many, and links to the page where it is done. Whole lists are counts per
project or call (their pages paginate); one's own things (a report to write, an application to score) are listed
one by one, at most ``LIMIT`` of each kind.

Each app says what waits in its own ``waiting.py`` (registered with :func:`source` when the app is ready), so the
rules stay with the app that owns the work and core names no domain app. Items come by audience (the
coordinator's, then the member contact's, then one's own) and, within one, by the sources' ``position``.
"""

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import get_language

from tilts.core import figures

if TYPE_CHECKING:
    from tilts.accounts.models import User

LIMIT = 10


@dataclass(frozen=True)
class WaitingItem:
    text: str
    url: str
    count: int = 1
    # For ordering and for the digest's e-mail: which kind of work this is.
    kind: str = ""


class Audience(enum.Enum):
    # The consortium's decisions: the same for every coordinator (their sources do not read the user), so they are
    # cached once for all of them; the other audiences' items per person (tilts.core.figures, per day and language).
    COORDINATOR = "coordinator"
    MEMBER_CONTACT = "member_contact"  # one's institution's confirmations and submissions
    OWN = "own"  # one's own reports, applications and evaluations


Items = Callable[["User", datetime.date], list[WaitingItem]]


@dataclass(frozen=True)
class Source:
    audience: Audience
    position: int
    items: Items


_sources: dict[str, Source] = {}


def source(audience: Audience, position: int) -> Callable[[Items], Items]:
    """Register a function ``(user, today) -> items`` of an app as what waits for ``audience``."""

    def register(items: Items) -> Items:
        _sources[f"{items.__module__}.{items.__qualname__}"] = Source(audience, position, items)
        return items

    return register


def waiting_for(user: "User", today: datetime.date) -> list[WaitingItem]:
    """The coordinator's decisions, the member contact's confirmations and submissions, one's own reports,
    applications and evaluations; nothing for an auditor, who only reads."""
    if not user.is_active:
        return []
    audiences = []
    if user.is_coordinator:
        audiences.append(Audience.COORDINATOR)
    if user.is_member_contact and user.organisation_id:
        audiences.append(Audience.MEMBER_CONTACT)
    audiences.append(Audience.OWN)
    items: list[WaitingItem] = []
    for audience in audiences:
        whose = "" if audience is Audience.COORDINATOR else str(user.pk)
        key = f"waiting:{audience.value}:{whose}:{today.isoformat()}:{get_language()}"
        items += figures.cached(key, partial(_items_for, audience, user, today))
    return items


def _items_for(audience: Audience, user: "User", today: datetime.date) -> list[WaitingItem]:
    items: list[WaitingItem] = []
    for registered in sorted((s for s in _sources.values() if s.audience == audience), key=lambda s: s.position):
        items += registered.items(user, today)
    return items


def per_project(
    rows: list[dict[str, Any]], text: Callable[[int, str], str], url_name: str, query: str, kind: str
) -> list[WaitingItem]:
    """One item per project from ``values("project_id", "project__title").annotate(n=...)`` rows."""
    return [
        WaitingItem(
            text(row["n"], row["project__title"]), reverse(url_name, args=[row["project_id"]]) + query, row["n"], kind
        )
        for row in rows
    ]

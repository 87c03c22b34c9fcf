"""Reach figures (public results, goals dashboard), cached for a short time and dropped on any change.

They aggregate every mobility, report and follow-up in their scope, and anyone may open the public results
page. The cache (Django's, shared by the workers when a shared backend is configured) keeps them for
``FIGURES_SECONDS``; a change to a mobility, report or follow-up (or to a goal's title or an institution's name,
which are shown with them) bumps a version number that is part of every key, so no stale total is shown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import cached_property

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core import pagination
from tilts.followup import selectors
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility

FIGURES_SECONDS = 300
VERSION_KEY = "followup:figures:version"
T = TypeVar("T")


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def invalidate(**_kwargs: Any) -> None:
    """Every cached figure is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted: nothing cached under a version to lose
        cache.add(VERSION_KEY, 1, timeout=None)


def _full_key(key: str, version: int) -> str:
    return f"followup:figures:{key}:{version}"


def cached(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or its value cached under ``key`` since the last change."""
    return _cached(key, compute, _version(), {})


def _cached(key: str, compute: Callable[[], T], version: int, found: dict[str, Any]) -> T:
    """As :func:`cached`, with the version already read; ``found``: values already read (by ``get_many``)."""
    full_key = _full_key(key, version)
    value: T | None = found[full_key] if full_key in found else cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, FIGURES_SECONDS)
    return value


def scope_key(scope: selectors.Scope) -> str:
    """The part of a cache key that tells one scope's numbers from another's."""
    project = scope.project.pk if scope.project else 0
    organisation = scope.organisation.pk if scope.organisation else 0
    return f"{scope.consortium.pk}:{project}:{organisation}:{int(scope.approved_only)}"


def total_reach(scope: selectors.Scope) -> selectors.Reach:
    """A scope's total reach (a project's follow-up page shows it), cached like the other figures."""
    return cached(f"total:{scope_key(scope)}", lambda: selectors.total_reach(scope))


@dataclass(frozen=True)
class PublicResults:
    total: selectors.Reach
    goals: list[selectors.GoalReach]
    page: Page[FollowUp]  # the page asked for of the delivered activities


def public_results(consortium: Consortium, page_asked: str | None) -> PublicResults:
    """The public results page's numbers and its page of delivered activities, as the coordinator has approved
    them for publication. Anyone may open the page, so all of it is cached: the figures with the activities'
    count, and each page of them; the first page, which most visitors see, is read in the same round trip."""
    scope = selectors.Scope(consortium, approved_only=True)
    followups = selectors.public_followups(consortium)
    version = _version()
    # Not the "public:" keys of before, which held the figures alone: a cache kept over a deployment must not
    # give this code their old shape.
    figures_key, first_key = f"public-results:{consortium.pk}", f"public-results:{consortium.pk}:page:1"
    found = cache.get_many([_full_key(figures_key, version), _full_key(first_key, version)])
    total, goals, count = _cached(
        figures_key,
        lambda: (selectors.total_reach(scope), selectors.reach_by_goal(scope), followups.count()),
        version,
        found,
    )
    page = KnownCountPaginator(followups, pagination.PER_PAGE, count).get_page(page_asked)
    # The page's rows are a sliced query until read: read only when the page is not cached.
    page.object_list = _cached(
        f"public-results:{consortium.pk}:page:{page.number}", lambda: list(page.object_list), version, found
    )
    return PublicResults(total, goals, page)


class KnownCountPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told how many rows there are (kept with the cached figures) instead of counting them."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def connect() -> None:
    from tilts.reporting.models import ParticipantReport  # an accepted report's final grant is the money spent

    # Goals and organisations: their titles and names are shown with the figures and the public activities.
    for model in (Mobility, FollowUp, ParticipantReport, Goal, Organisation):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"figures-delete-{model.__name__}")
    for through in (FollowUp.mobilities.through, FollowUp.goals.through, Mobility.goals.through):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"figures-m2m-{through.__name__}")

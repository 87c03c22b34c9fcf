"""Reach figures (public results, goals dashboard), cached for a short time and dropped on any change.

They aggregate every mobility, report and follow-up in their scope, and anyone may open the public results
page. They are kept by :mod:`tilts.core.figures` (Django's cache, shared by the workers when a shared backend is
configured), which drops them on any change to Tilts' data (a mobility, report or follow-up, a goal's title or an
institution's name shown with them), so no stale total is shown.
"""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from tilts.consortium.models import Consortium
from tilts.core import figures, pagination
from tilts.followup import selectors
from tilts.followup.models import FollowUp

# The cache and its dropping on any change are tilts.core.figures': these are its keys.
cached = figures.cached
invalidate = figures.invalidate


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
    # Not the "public:" keys of before, which held the figures alone: a cache kept over a deployment must not
    # give this code their old shape.
    figures_key, first_key = f"public-results:{consortium.pk}", f"public-results:{consortium.pk}:page:1"
    found = cache.get_many([figures.full_key(figures_key), figures.full_key(first_key)])
    total, goals, count = figures.cached_from(
        figures_key, lambda: (selectors.total_reach(scope), selectors.reach_by_goal(scope), followups.count()), found
    )
    page = KnownCountPaginator(followups, pagination.PER_PAGE, count).get_page(page_asked)
    # The page's rows are a sliced query until read: read only when the page is not cached.
    page.object_list = figures.cached_from(
        f"public-results:{consortium.pk}:page:{page.number}", lambda: list(page.object_list), found
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

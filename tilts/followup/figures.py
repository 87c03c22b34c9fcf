"""Reach figures (public results, goals dashboard), cached for a short time and dropped on any change.

They aggregate every mobility, report and follow-up in their scope, and anyone may open the public results
page. The cache (Django's, shared by the workers when a shared backend is configured) keeps them for
``FIGURES_SECONDS``; a change to a mobility, report or follow-up bumps a version number that is part of every
key, so no stale total is shown.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from tilts.consortium.models import Consortium
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


def cached(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or its value cached under ``key`` since the last change."""
    full_key = f"followup:figures:{key}:{_version()}"
    value: T | None = cache.get(full_key)
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


def public_figures(consortium: Consortium) -> tuple[selectors.Reach, list[selectors.GoalReach]]:
    """The consortium's total reach and reach per goal, as on the public results page: only follow-ups the
    coordinator has approved for publication count there."""
    scope = selectors.Scope(consortium, approved_only=True)
    return cached(f"public:{consortium.pk}", lambda: (selectors.total_reach(scope), selectors.reach_by_goal(scope)))


def connect() -> None:
    from tilts.reporting.models import ParticipantReport  # an accepted report's final grant is the money spent

    for model in (Mobility, FollowUp, ParticipantReport):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"figures-delete-{model.__name__}")
    for through in (FollowUp.mobilities.through, FollowUp.goals.through, Mobility.goals.through):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"figures-m2m-{through.__name__}")

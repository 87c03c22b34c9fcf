"""The public results' figures, cached for a short time and dropped as soon as a mobility or follow-up changes.

Anyone may open the public results page, and its totals aggregate every mobility and follow-up of the
consortium. The cache (Django's, shared by the workers when a shared backend is configured) keeps them for
``PUBLIC_FIGURES_SECONDS``; a change bumps a version number that is part of the key, so no stale total is shown.
"""

from typing import Any

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from tilts.consortium.models import Consortium
from tilts.followup import selectors
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility

PUBLIC_FIGURES_SECONDS = 300
VERSION_KEY = "followup:figures:version"


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


def public_figures(consortium: Consortium) -> tuple[selectors.Reach, list[selectors.GoalReach]]:
    """The consortium's total reach and reach per goal, as on the public results page."""
    key = f"followup:figures:{consortium.pk}:{_version()}"
    figures = cache.get(key)
    if figures is None:
        scope = selectors.Scope(consortium)
        figures = (selectors.total_reach(scope), selectors.reach_by_goal(scope))
        cache.set(key, figures, PUBLIC_FIGURES_SECONDS)
    return figures


def connect() -> None:
    for model in (Mobility, FollowUp):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"figures-delete-{model.__name__}")
    for through in (FollowUp.mobilities.through, FollowUp.goals.through, Mobility.goals.through):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"figures-m2m-{through.__name__}")

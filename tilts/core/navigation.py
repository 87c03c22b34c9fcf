"""The back office's navigation: one list of groups, each with the links a role may follow.

A new page gets a line in ``BACKOFFICE_NAV`` (a new section, a new ``NavGroup``); the template only renders
what ``backoffice_nav`` returns, so who sees a link is decided here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tilts.core import fragments

if TYPE_CHECKING:
    from tilts.accounts.models import User


def _everyone(user: User) -> bool:
    return True


def _readers(user: User) -> bool:
    return user.can_view_everything


def _readers_and_contacts(user: User) -> bool:
    return user.can_view_everything or user.is_member_contact


def _own_institution(user: User) -> bool:
    return not user.can_view_everything and bool(user.organisation_id)


def _participant(user: User) -> bool:
    return user.role == "participant"


def _selection_staff(user: User) -> bool:
    return user.can_view_everything or user.role == "evaluator"


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url_name: str
    visible: Callable[[User], bool] = _everyone
    # The URL's arguments from the user (one's own institution's page, say).
    args: Callable[[User], tuple[Any, ...]] = lambda user: ()


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    links: tuple[NavLink, ...] = field(default_factory=tuple)


BACKOFFICE_NAV: tuple[NavGroup, ...] = (
    NavGroup(
        "consortium",
        pgettext_lazy("navigation", "Consortium"),
        (
            NavLink(_("Applications to join"), "backoffice:applications", _readers),
            NavLink(_("Members"), "backoffice:members", _readers),
            NavLink(_("My institution"), "backoffice:member", _own_institution, lambda user: (user.organisation_id,)),
            NavLink(_("Goals"), "backoffice:goals", _readers),
            NavLink(_("People"), "people:list", _readers_and_contacts),
        ),
    ),
    NavGroup(
        "projects",
        _("Projects and mobilities"),
        (
            NavLink(_("Projects"), "projects:list", _readers_and_contacts),
            NavLink(_("My mobilities"), "mobility:mine"),
            NavLink(_("My list exports"), "listexports:index", _readers_and_contacts),
        ),
    ),
    NavGroup(
        "selection",
        pgettext_lazy("navigation", "Selection"),
        (
            NavLink(_("Calls and selection"), "selection:manage_list", _selection_staff),
            NavLink(_("My applications"), "selection:mine"),
        ),
    ),
    NavGroup(
        "reports",
        _("Reports and follow-up"),
        (
            NavLink(_("My reports"), "reporting:mine"),
            NavLink(_("Follow-up"), "followup:index"),
            NavLink(_("Goals dashboard"), "followup:dashboard", _readers_and_contacts),
            NavLink(_("Quality standards"), "quality:index", _readers_and_contacts),
            NavLink(_("Support checklists"), "quality:support", _participant),
        ),
    ),
    NavGroup(
        "settings",
        pgettext_lazy("navigation", "Settings"),
        (
            NavLink(_("Consortium details"), "backoffice:settings", _readers),
            NavLink(_("Rate tables"), "grants:rate_tables", _readers),
            NavLink(_("Places"), "grants:places", _readers),
            NavLink(_("Profile"), "people:profile"),
            NavLink(_("E-mails I receive"), "notifications:preferences"),
        ),
    ),
)


@dataclass
class RenderedLink:
    label: str | Promise
    url: str
    current: bool


@dataclass
class RenderedGroup:
    key: str
    label: str | Promise
    links: list[RenderedLink]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def backoffice_nav(user: User, path: str, groups: tuple[NavGroup, ...] = BACKOFFICE_NAV) -> list[RenderedGroup]:
    """The groups with the links this user may follow (empty groups left out).

    The link whose address is the longest start of ``path`` is the current one (``/follow-up/goals/`` is the
    goals dashboard, not also the follow-up index).
    """
    rendered = []
    at = fragments.where()
    for group in groups:
        links = [
            RenderedLink(link.label, fragments.url(link.url_name, *link.args(user), at=at), False)
            for link in group.links
            if link.visible(user)
        ]
        if links:
            rendered.append(RenderedGroup(group.key, group.label, links))
    matching = [
        link
        for group in rendered
        for link in group.links
        if path == link.url or path.startswith(link.url.rstrip("/") + "/")
    ]
    if matching:
        max(matching, key=lambda link: len(link.url)).current = True
    return rendered

"""The goals dashboard's figures as CSV, written in the background (tilts.core.listexports): the same numbers the
page shows for the person, the project and the grouping (year or quarter) chosen there."""

from collections.abc import Iterator
from typing import Any

from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium
from tilts.consortium.selectors import get_consortium
from tilts.core.access import Forbidden
from tilts.core.listexports import ListKind, ListTable, register
from tilts.followup import figures, selectors
from tilts.followup.models import FollowUpType
from tilts.projects.models import Project

DASHBOARD_READERS = (Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)


def consortium() -> Consortium:
    found = get_consortium()
    if found is None:
        raise Http404(_("The consortium has not been set up yet."))
    return found


def dashboard_choice(user: User, get: QueryDict) -> tuple[Consortium, Project | None, str, selectors.Scope]:
    """The consortium, project and grouping the query string chooses and what ``user`` sees of them (a member
    contact: their institution); 403 for other roles, 404 for anyone without a scope. Nothing is counted yet."""
    if not (user.role in DASHBOARD_READERS or user.is_coordinator):
        raise Forbidden
    found = consortium()
    if selectors.scope_for(user, found, None) is None:
        raise Http404
    project = None
    project_id = get.get("project", "")
    if project_id.isdigit() and len(project_id) < 12:
        project = get_object_or_404(found.projects, pk=project_id)
    by = "quarter" if get.get("by") == "quarter" else "year"
    scope = selectors.scope_for(user, found, project)
    if scope is None:
        raise Http404
    return found, project, by, scope


def dashboard_key(found: Consortium, project: Project | None, by: str, scope: selectors.Scope) -> str:
    """What the dashboard's cached figures are kept under: the consortium, project, institution seen and grouping."""
    organisation = scope.organisation.pk if scope.organisation else 0
    return f"{found.pk}:{project.pk if project else 0}:{organisation}:{by}"


def _dashboard_tuple(found: selectors.Dashboard) -> tuple[Any, ...]:
    # The shape kept under the "dashboard:" keys.
    return found.total, found.goals, found.periods, found.members, found.by_type


def reach_numbers(found: Consortium, project: Project | None, by: str, scope: selectors.Scope) -> dict[str, Any]:
    """The dashboard's figures for the scope and grouping (cached a short time; they pickle, no querysets)."""
    total, goals, periods, members, by_type = figures.cached(
        f"dashboard:{dashboard_key(found, project, by, scope)}",
        lambda: _dashboard_tuple(selectors.dashboard(scope, by)),
    )
    return {
        "by": by,
        "total": total,
        "goals": goals,
        "periods": periods,
        "period_rows": [(period, [period.by_goal.get(row.goal.number, 0) for row in goals]) for period in periods],
        "members": members,
        "by_type": by_type,
        "types": FollowUpType.choices,
    }


def _header() -> list[str]:
    return [
        _("Goal"),
        _("Title"),
        _("Mobilities"),
        _("Participants"),
        *[str(label) for _value, label in FollowUpType.choices],
        _("Colleagues reached"),
        _("Multiplier"),
        _("Spent, EUR"),
        _("Colleagues per 1,000 EUR"),
    ]


def _rows(numbers: dict[str, Any]) -> Iterator[list[Any]]:
    """Per goal; then per period; then (for the consortium) per member: tables one under another."""
    for row in numbers["goals"]:
        reach = row.reach
        yield [
            row.goal.number,
            row.goal.title,
            reach.mobilities,
            reach.participants,
            *[count for _value, _label, count in row.types],
            reach.colleagues,
            reach.multiplier,
            reach.grant,
            reach.per_thousand_euro,
        ]
    yield []
    goal_columns = [_("Goal %(number)s") % {"number": g.goal.number} for g in numbers["goals"]]
    yield [_("Period"), *goal_columns, _("Total")]
    for period in numbers["periods"]:
        yield [period.label, *[period.by_goal.get(g.goal.number, 0) for g in numbers["goals"]], period.total]
    if numbers["members"]:
        yield []
        yield [
            _("Sending member"),
            _("Mobilities"),
            _("Participants"),
            _("Colleagues reached"),
            _("Multiplier"),
            _("Spent, EUR"),
            _("Colleagues per 1,000 EUR"),
        ]
        for member in numbers["members"]:
            reach = member.reach
            yield [
                member.organisation.legal_name,
                reach.mobilities,
                reach.participants,
                reach.colleagues,
                reach.multiplier,
                reach.grant,
                reach.per_thousand_euro,
            ]


def goals_table(user: User, target: int | None, query: QueryDict) -> ListTable:
    found, project, by, scope = dashboard_choice(user, query)  # the access check; counted when written

    def rows() -> Iterator[list[Any]]:
        yield from _rows(reach_numbers(found, project, by, scope))

    return ListTable(
        title=_("Goals dashboard · %(project)s") % {"project": project.title} if project else _("Goals dashboard"),
        file_name=f"goals-{project.call_year}-{project.pk}" if project else "goals",
        sheet=_("Goals dashboard"),
        headers=_header(),
        rows=rows(),
    )


def register_kinds() -> None:
    register(ListKind("goals", gettext_lazy("Goals dashboard"), goals_table, formats=("csv",)))

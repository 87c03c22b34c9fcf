"""Reads of the Erasmus Plan's progress and the grant agreement's targets (read-only; writes are in services).

Computed values count as the goals dashboard does (:mod:`tilts.followup.selectors`): a year is a call year, and
its figures are those of the dashboard filtered to that year's project (summed if there are several).
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from tilts.consortium.models import Consortium, Membership
from tilts.followup.selectors import GoalReach, Scope, counted_mobilities, reach_by_goal
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.projects.models import Project
from tilts.quality.models import Objective, ObjectiveMeasure, ObjectiveYear, ProjectTarget

TARGETS_FILE = Path(__file__).resolve().parent / "data" / "targets.json"


def _projects_of(consortium: Consortium, year: int) -> list[Project]:
    return list(Project.objects.filter(consortium=consortium, call_year=year))


def computed_value(objective: Objective, year: int, reach: dict[int, list[GoalReach]] | None = None) -> int | None:
    """The value Tilts computes for an objective in a call year, or None when it is entered by hand.

    ``reach`` keeps each project's reach per goal between calls, so a plan of many objectives asks once a project.
    """
    consortium = objective.consortium
    reach = {} if reach is None else reach
    if objective.measure == ObjectiveMeasure.NEW_MEMBERS:
        return Membership.objects.filter(consortium=consortium, is_coordinator=False, joined_on__year=year).count()
    if objective.measure == ObjectiveMeasure.TYPE_PARTICIPANTS:
        total = 0
        for project in _projects_of(consortium, year):
            mobilities = counted_mobilities(Scope(consortium, project))
            total += (
                mobilities.filter(sending_organisation__type=objective.member_type)
                .values("participant")
                .distinct()
                .count()
            )
        return total
    if objective.measure in (ObjectiveMeasure.GOAL_COLLEAGUES, ObjectiveMeasure.GOAL_PARTICIPANTS):
        if objective.goal_id is None:
            return None
        total = 0
        for project in _projects_of(consortium, year):
            if project.pk not in reach:
                reach[project.pk] = reach_by_goal(Scope(consortium, project))
            for row in reach[project.pk]:
                if row.goal.pk == objective.goal_id:
                    figures = row.reach
                    colleagues = objective.measure == ObjectiveMeasure.GOAL_COLLEAGUES
                    total += figures.colleagues if colleagues else figures.participants
        return total
    return None


@dataclass(frozen=True)
class YearProgress:
    year: int
    target: Decimal | None
    value: Decimal | int | None
    evidence: str

    @property
    def percent(self) -> int | None:
        if not self.target or self.value is None:
            return None
        return int((Decimal(self.value) * 100 / self.target).quantize(Decimal("1")))


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: Objective
    years: list[YearProgress]


def plan_progress(consortium: Consortium) -> list[ObjectiveProgress]:
    """Every objective with its years: the target, the value (computed or entered) and the evidence."""
    objectives = (
        Objective.objects.filter(consortium=consortium).select_related("goal", "consortium").prefetch_related("years")
    )
    reach: dict[int, list[GoalReach]] = {}
    result = []
    for objective in objectives:
        years: list[YearProgress] = []
        for row in objective.years.all():
            value: Decimal | int | None = (
                computed_value(objective, row.year, reach) if objective.is_computed else row.value
            )
            years.append(YearProgress(row.year, row.target, value, row.evidence))
        result.append(ObjectiveProgress(objective, years))
    return result


def year_row(objective: Objective, year: int) -> ObjectiveYear | None:
    return objective.years.filter(year=year).first()


# Targets of the grant agreement -------------------------------------------------------------------------------


@cache
def target_kinds() -> dict[str, dict[str, Any]]:
    """The kinds of target, as data: code → labels (lv, en) and whether the kind is confirmed."""
    data = json.loads(TARGETS_FILE.read_text(encoding="utf-8"))
    return {row["code"]: row for row in data["kinds"]}


def target_label(code: str) -> str:
    row = target_kinds()[code]
    return str(row["en"] if (get_language() or "lv").startswith("en") else row["lv"])


def _first_time_senders(project: Project, mobilities: QuerySet[Mobility]) -> int:
    earlier = counted_mobilities(Scope(project.consortium)).filter(project__call_year__lt=project.call_year)
    return (
        mobilities.exclude(sending_organisation__in=earlier.values("sending_organisation"))
        .values("sending_organisation")
        .distinct()
        .count()
    )


def _figures(project: Project, mobilities: QuerySet[Mobility]) -> dict[str, int]:
    figures: dict[str, int] = mobilities.aggregate(
        participants=Count("participant", distinct=True),
        mobilities=Count("pk", distinct=True),
        fewer_opportunities=Count("participant", filter=Q(fewer_opportunities=True), distinct=True),
        green_travel=Count("pk", filter=Q(green_travel=True), distinct=True),
    )
    figures["newcomers"] = _first_time_senders(project, mobilities)
    return figures


@dataclass(frozen=True)
class TargetRow:
    kind: str
    label: str
    confirmed: bool
    target: int | None
    implemented: int
    planned: int

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return round(self.implemented * 100 / self.target)


def project_targets(project: Project) -> list[TargetRow]:
    """The grant agreement's targets next to what is implemented (mobilities that took place, as on the goals
    dashboard) and what is planned (approved and later, not cancelled)."""
    implemented = _figures(project, counted_mobilities(Scope(project.consortium, project)))
    planned_mobilities = Mobility.objects.filter(project=project).exclude(
        status__in=(MobilityStatus.DRAFT, MobilityStatus.SUBMITTED, MobilityStatus.CANCELLED)
    )
    planned = _figures(project, planned_mobilities)
    targets = dict(ProjectTarget.objects.filter(project=project).values_list("kind", "target"))
    return [
        TargetRow(
            code,
            target_label(code),
            row["status"] == "confirmed",
            targets.get(code),
            implemented.get(code, 0),
            planned.get(code, 0),
        )
        for code, row in target_kinds().items()
    ]

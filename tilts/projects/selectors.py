"""Reads of projects: the budget by category and the members' plans."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from tilts.accounts.models import User
from tilts.core.access import access
from tilts.core.collation import latvian
from tilts.projects.models import BudgetCategory, MemberPlan, Project


def within_period(project: Project, start: datetime.date, end: datetime.date) -> bool:
    """Whether the days ``start`` to ``end`` lie inside the project's period (its first and last day included)."""
    return project.start_date <= start and end <= project.end_date


@dataclass(frozen=True)
class BudgetRow:
    category: str
    label: str
    awarded: Decimal


@dataclass(frozen=True)
class BudgetSummary:
    rows: list[BudgetRow]
    awarded_total: Decimal
    shares_total: Decimal

    @property
    def overspent(self) -> Decimal:
        """How much the members' shares exceed the awarded total (0 when they fit)."""
        return max(Decimal("0.00"), self.shares_total - self.awarded_total)


def projects_for(user: User) -> QuerySet[Project]:
    if user.can_view_everything or user.is_member_contact:
        return Project.objects.select_related("rate_table")
    return Project.objects.none()


def access_project(user: User, project_id: int, *, for_write: bool = False) -> Project:
    """A project the user sees (404 otherwise); ``for_write``: only the coordinator changes it (403)."""
    return access(
        projects_for(user),
        project_id,
        for_write=for_write,
        may_change=lambda _: user.is_coordinator,
        kept=("project", user),
    )


def budget_summary(project: Project) -> BudgetSummary:
    awarded = dict(project.awarded.values_list("category", "amount"))
    rows = [
        BudgetRow(value, str(label), awarded.get(value, Decimal("0.00"))) for value, label in BudgetCategory.choices
    ]
    shares = project.member_plans.aggregate(total=Sum("budget_share"))["total"] or Decimal("0.00")
    return BudgetSummary(rows, sum((row.awarded for row in rows), Decimal("0.00")), shares)


def member_plans(project: Project, user: User) -> QuerySet[MemberPlan]:
    plans = project.member_plans.select_related("organisation").order_by(
        latvian("organisation__legal_name"), "activity_type"
    )
    if not user.can_view_everything:
        plans = plans.filter(organisation=user.organisation) if user.organisation_id else plans.none()
    return plans

"""Annual projects: creation with their own rate table, changes under optimistic locking, budgets and plans."""

import datetime
from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Organisation
from tilts.consortium.selectors import is_active_member
from tilts.core.dates import add_months
from tilts.core.history import records_by
from tilts.core.locking import claim_version
from tilts.grants import rules
from tilts.grants.services import create_rate_table
from tilts.projects.models import Action, AwardedBudget, BudgetCategory, MemberPlan, Project, ProjectStatus

# docs/grant-rules.md, "Project duration": KA121 grant agreements run 15 months (24 at most, extended);
# KA122 projects run 6 to 18 months.
DURATION_MONTHS = {Action.KA121: (15, 24), Action.KA122: (6, 18)}


def check_dates(action: str, start: datetime.date, end: datetime.date) -> None:
    """A project runs whole months: 1 June to 31 August of the next year is 15 months."""
    if end <= start:
        raise ValidationError({"end_date": _("The end date must be after the start date.")})
    shortest, longest = DURATION_MONTHS[Action(action)]
    last_day = end + datetime.timedelta(days=1)
    if not add_months(start, shortest) <= last_day <= add_months(start, longest):
        raise ValidationError(
            {
                "end_date": _("A %(action)s project lasts %(min)s to %(max)s months.")
                % {"action": action, "min": shortest, "max": longest}
            }
        )


@transaction.atomic
@records_by
def create_project(
    consortium: Consortium,
    *,
    by: User | None,
    call_year: int,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    action: str = Action.KA121,
    grant_agreement_number: str = "",
    status: str = ProjectStatus.PLANNING,
) -> Project:
    """A new project gets its own rate table: a copy of its call year's defaults, to be corrected later."""
    check_dates(action, start_date, end_date)
    if call_year not in rules.available_call_years():
        raise ValidationError({"call_year": _("There is no rate table for this call year.")})
    rate_table = create_rate_table(call_year=call_year, name=grant_agreement_number or title)
    project = Project(
        consortium=consortium,
        rate_table=rate_table,
        call_year=call_year,
        action=action,
        title=title,
        grant_agreement_number=grant_agreement_number,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )
    project.full_clean()
    project.save()
    return project


class ProjectChanges(TypedDict, total=False):
    """What may change on a project; its call year may not (the rate table was copied from it)."""

    action: str
    title: str
    grant_agreement_number: str
    start_date: datetime.date
    end_date: datetime.date
    status: str


@transaction.atomic
@records_by
def update_project(project: Project, *, version: int, by: User | None, **changes: Unpack[ProjectChanges]) -> Project:
    """Save changes only if nobody saved the project since ``version`` was read (optimistic locking)."""
    for field, value in changes.items():
        setattr(project, field, value)
    check_dates(project.action, project.start_date, project.end_date)
    project.full_clean(exclude=["version"])
    claim_version(project, version)
    project.save()
    return project


@transaction.atomic
@records_by
def set_awarded_budget(project: Project, *, version: int, amounts: dict[str, Decimal], by: User | None) -> Project:
    """Record the grant agreement's amount per cost category."""
    for category, amount in amounts.items():
        if category not in BudgetCategory.values:
            raise ValidationError({category: _("Unknown cost category.")})
        if amount is None or amount < 0:
            raise ValidationError({category: _("The amount cannot be negative.")})
    claim_version(project, version)
    for category, amount in amounts.items():
        AwardedBudget.objects.update_or_create(project=project, category=category, defaults={"amount": amount})
    return project


@transaction.atomic
@records_by
def save_member_plan(
    project: Project,
    *,
    by: User | None,
    organisation: Organisation,
    activity_type: str,
    planned_mobilities: int,
    budget_share: Decimal,
) -> MemberPlan:
    if not is_active_member(organisation, project.consortium_id):
        raise ValidationError({"organisation": _("Only current members plan mobilities.")})
    if activity_type not in project.rate_table.table.activity_types:
        raise ValidationError({"activity_type": _("Choose an activity type of this call year.")})
    plan, _created = MemberPlan.objects.update_or_create(
        project=project,
        organisation=organisation,
        activity_type=activity_type,
        defaults={"planned_mobilities": planned_mobilities, "budget_share": budget_share},
    )
    plan.full_clean()
    return plan


@records_by
def delete_member_plan(plan: MemberPlan, *, by: User | None) -> None:
    plan.delete()

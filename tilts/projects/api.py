import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.security import django_auth

from tilts.accounts.models import User
from tilts.core import keyset
from tilts.core.api import ObjectId
from tilts.core.keyset import PageQuery
from tilts.projects import selectors

router = Router(tags=["projects"], auth=django_auth)


class BudgetLineOut(Schema):
    category: str
    label: str
    awarded: Decimal


class PlanOut(Schema):
    organisation_id: int
    organisation: str
    activity_type: str
    planned_mobilities: int
    budget_share: Decimal


class ProjectOut(Schema):
    id: int
    call_year: int
    action: str
    title: str
    grant_agreement_number: str
    start_date: datetime.date
    end_date: datetime.date
    status: str
    rate_table_id: int
    version: int


class ProjectDetailOut(ProjectOut):
    awarded: list[BudgetLineOut] | None
    awarded_total: Decimal | None
    plans: list[PlanOut]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not (user.can_view_everything or user.is_member_contact):
        raise PermissionDenied
    return user


@router.get("/projects", response=list[ProjectOut], summary="Annual projects")
def project_list(request: HttpRequest, response: HttpResponse, rows: Query[PageQuery]) -> Any:
    """Newest call year first, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead
    on."""
    return keyset.page(request, response, selectors.projects_for(_user(request)), rows, ("-call_year", "pk"))


@router.get("/projects/{project_id}", response=ProjectDetailOut, summary="A project, its budget and plans")
def project_detail(request: HttpRequest, project_id: ObjectId) -> dict[str, Any]:
    user = _user(request)
    project = selectors.access_project(user, project_id)
    budget = selectors.budget_summary(project) if user.can_view_everything else None
    fields = ProjectOut.model_fields
    return {
        **{name: getattr(project, name) for name in fields},
        "awarded": [vars(row) for row in budget.rows] if budget else None,
        "awarded_total": budget.awarded_total if budget else None,
        "plans": [
            {
                "organisation_id": plan.organisation_id,
                "organisation": str(plan.organisation),
                "activity_type": plan.activity_type,
                "planned_mobilities": plan.planned_mobilities,
                "budget_share": plan.budget_share,
            }
            for plan in selectors.member_plans(project, user)
        ],
    }

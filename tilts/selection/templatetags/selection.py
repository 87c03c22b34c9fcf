"""The selection work waiting for the logged-in person, shown on the back-office dashboard."""

from typing import Any

from django import template
from django.utils import timezone

from tilts.accounts.models import User
from tilts.core import figures
from tilts.selection import selectors
from tilts.selection.models import ApplicationStatus, Support, plan_in_language

register = template.Library()


@register.inclusion_tag("selection/_dashboard.html", takes_context=True)
def selection_todo(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not isinstance(user, User):
        return {}

    def compute() -> dict[str, Any]:
        submitted = selectors.applications_for(user).filter(status=ApplicationStatus.SUBMITTED)
        return {
            "open_calls": list(selectors.public_calls()[:5]),
            "to_support": list(
                submitted.filter(support=Support.PENDING, organisation_id=user.organisation_id).select_related(
                    "applicant", "call"
                )
            )
            if user.is_member_contact
            else [],
            "to_score": list(
                user.assignments.filter(completed_at__isnull=True, application__status=ApplicationStatus.SUBMITTED)
                .exclude(conflict=True)
                .select_related("application__applicant", "application__call")
            ),
            "drafts": list(
                selectors.applications_for(user)
                .filter(applicant=user, status=ApplicationStatus.DRAFT)
                .select_related("call")
            ),
        }

    # The person's own lists, read on every visit to the dashboard: cached for a short time (tilts.core.figures).
    return figures.cached(f"selection:todo:{user.pk}:{timezone.localdate().isoformat()}", compute)


@register.filter
def followup_plan(plan: str) -> str:
    """The mobility's follow-up plan with the format's label in the page's language (see ``plan_in_language``)."""
    return plan_in_language(plan or "")

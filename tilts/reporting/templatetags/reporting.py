from typing import Any

from django import template
from django.utils import timezone

from tilts.accounts.models import User
from tilts.core import figures
from tilts.reporting import selectors

register = template.Library()


@register.inclusion_tag("reporting/_dashboard.html")
def report_summary(user: User) -> dict[str, Any]:
    """The dashboard's block: overdue reports and those waiting for review, per project; one's own open reports."""
    today = timezone.localdate()
    context: dict[str, Any] = {"user": user}
    if user.can_view_everything or user.is_member_contact:
        # Counted over every report the user sees: cached for a short time (tilts.core.figures), shared by everyone
        # who sees everything.
        context["projects"], context["counts"] = selectors.kept_summary(user, today)
    own = selectors.reports_for(user).filter(mobility__participant=user)
    context["own_open"] = figures.cached(
        f"reporting:own:{user.pk}:{today.isoformat()}", lambda: selectors.counts_of(own, today)
    )
    return context

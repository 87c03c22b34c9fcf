"""Follow-up blocks on other apps' pages (the dashboard, a mobility's page) without touching their views."""

from dataclasses import dataclass

from django import template
from django.db.models import Count, Window
from django.utils import timezone

from tilts.accounts.models import User
from tilts.core import figures
from tilts.followup import selectors
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility

register = template.Library()


def _scope(user: User) -> str:
    """Whose numbers: everyone who sees everything shares them; anyone else has their own."""
    return "all" if user.can_view_everything else f"user{user.pk}"


@register.simple_tag
def followup_flags(user: User) -> selectors.FlagCounts:
    """How much needs attention in the follow-ups the user sees, across projects (counted over every mobility, so
    cached for a short time: tilts.core.figures)."""
    today = timezone.localdate()
    return figures.cached(
        f"followup:flags:{_scope(user)}:{today.isoformat()}", lambda: selectors.flag_counts(user, today=today)
    )


@dataclass(frozen=True)
class ToApprove:
    count: int
    first: list[FollowUp]  # the earliest ones, for the dashboard's list


@register.simple_tag
def followups_to_approve(user: User, shown: int = 10) -> ToApprove:
    """Delivered follow-ups waiting for the coordinator's approval before they are public: how many, and the
    earliest ``shown`` of them (two queries, however many there are)."""

    def compute() -> ToApprove:
        waiting = selectors.awaiting_approval(user)
        # The earliest ids and how many there are, from the follow-ups alone, then those rows with what the list
        # shows: sorting every waiting follow-up joined to its project and organiser, then counting them again,
        # cost 75 ms at 40,000 waiting follow-ups.
        earliest = list(waiting.annotate(total=Window(Count("pk"))).values_list("pk", "total")[:shown])
        by_pk = waiting.in_bulk([pk for pk, _total in earliest])
        return ToApprove(earliest[0][1] if earliest else 0, [by_pk[pk] for pk, _total in earliest])

    if not user.is_coordinator:
        return compute()
    return figures.cached(f"followup:to-approve:{shown}", compute)


@register.simple_tag
def mobility_followups(mobility: Mobility, user: User) -> list[FollowUp]:
    return list(selectors.mobility_followups(mobility, user))


@register.simple_tag
def can_record_followup(mobility: Mobility, user: User) -> bool:
    return selectors.can_record(user, mobility)

"""Reads of consortium data, sorted the way people expect (Latvian collation for names)."""

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from tilts.consortium.models import (
    Consortium,
    Goal,
    JoinApplication,
    JoinApplicationStatus,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from tilts.core import figures
from tilts.core.collation import latvian


def get_consortium() -> Consortium | None:
    """The consortium this installation runs; ``None`` until the coordinator has set it up. Every page's header and
    footer show it: read once per process and kept until any change (``figures.in_process``, a copy per request)."""
    return figures.in_process(
        "consortium", lambda: Consortium.objects.select_related("coordinator").order_by("pk").first()
    )


def site_context(lazy: bool = False) -> dict[str, Any]:
    """The consortium on every page and e-mail (``settings.SITE_CONTEXT``, read by tilts.core.context_processors);
    ``lazy``: the function that reads it, which a template calls when it first shows it."""
    return {"consortium": get_consortium if lazy else get_consortium()}


def goals(consortium: Consortium) -> QuerySet[Goal]:
    return consortium.goals.order_by("number")


def active_members(consortium: Consortium) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(memberships__consortium=consortium, memberships__status=MembershipStatus.ACTIVE)
        .distinct()
        .order_by(latvian("legal_name"))
    )


def is_active_member(organisation: Organisation, consortium: Consortium | int) -> bool:
    """Whether ``organisation`` is a current member of the consortium (one that has left is not)."""
    consortium_id = consortium if isinstance(consortium, int) else consortium.pk
    return Membership.objects.filter(
        organisation=organisation, consortium_id=consortium_id, status=MembershipStatus.ACTIVE
    ).exists()


def goals_by_number(consortium: Consortium, numbers: Iterable[int], *, field: str = "goals") -> list[Goal]:
    """The consortium's goals with these numbers, in number order; an unknown number is a ValidationError on
    ``field`` that names it (the API takes goals by the number people see, never by database id)."""
    wanted = set(numbers)
    found = list(consortium.goals.filter(number__in=wanted).order_by("number"))
    unknown = sorted(wanted - {goal.number for goal in found})
    if unknown:
        raise ValidationError({field: _("No such goal: %(numbers)s.") % {"numbers": ", ".join(map(str, unknown))}})
    return found


def public_members_by_type(consortium: Consortium) -> "OrderedDict[str, list[Organisation]]":
    """Active members grouped by type (libraries, museums, archives, other), names in Latvian order."""
    grouped: OrderedDict[str, list[Organisation]] = OrderedDict((value, []) for value in OrganisationType.values)
    for organisation in active_members(consortium):
        grouped[organisation.type].append(organisation)
    return OrderedDict((key, items) for key, items in grouped.items() if items)


def member_list(consortium: Consortium, *, status: str = "", type: str = "", query: str = "") -> QuerySet[Membership]:
    memberships = (
        Membership.objects.filter(consortium=consortium)
        .select_related("organisation")
        .prefetch_related("goals")
        .annotate(people_count=Count("organisation__people", filter=Q(organisation__people__is_active=True)))
    )
    if status:
        memberships = memberships.filter(status=status)
    if type:
        memberships = memberships.filter(organisation__type=type)
    if query:
        memberships = memberships.filter(
            Q(organisation__legal_name__icontains=query)
            | Q(organisation__short_name__icontains=query)
            | Q(organisation__city__icontains=query)
            | Q(organisation__registration_number__icontains=query)
            | Q(organisation__oid__iexact=query)
        )
    return memberships.order_by(latvian("organisation__legal_name"), "-joined_on")


def pending_applications(consortium: Consortium) -> QuerySet[JoinApplication]:
    return consortium.join_applications.filter(status=JoinApplicationStatus.PENDING).order_by("submitted_at")


def applications(consortium: Consortium, *, status: str = "") -> QuerySet[JoinApplication]:
    qs = consortium.join_applications.prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("number")))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at")


def dashboard_counts(consortium: Consortium) -> dict[str, int]:
    by_type = dict(
        Membership.objects.filter(consortium=consortium, status=MembershipStatus.ACTIVE)
        .values_list("organisation__type")
        .annotate(n=Count("pk"))
        .values_list("organisation__type", "n")
    )
    return {
        "members": sum(by_type.values()),
        **{f"members_{key}": by_type.get(key, 0) for key in OrganisationType.values},
        "pending_applications": pending_applications(consortium).count(),
    }

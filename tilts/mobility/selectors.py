"""Reads of mobilities: who sees which, the filtered list, the budget per category and member, destinations."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import QueryDict

from tilts.accounts.models import Role, User
from tilts.consortium.models import Organisation
from tilts.core.access import access
from tilts.core.collation import latvian, latvian_sort_key
from tilts.mobility.models import GrantRecalculation, GroupActivity, JointTrip, Mobility, MobilityCost, MobilityStatus
from tilts.projects.models import BudgetCategory, Project

ZERO = Decimal("0.00")
# The grant categories of the rules engine, as the grant agreement's cost categories.
CATEGORY_OF_LINE = {
    "travel": BudgetCategory.TRAVEL,
    "exceptional_travel": BudgetCategory.EXCEPTIONAL_COSTS,
    "individual_support": BudgetCategory.INDIVIDUAL_SUPPORT,
    "organisational_support": BudgetCategory.ORGANISATIONAL_SUPPORT,
    "course_fees": BudgetCategory.COURSE_FEES,
    "inclusion_support_organisation": BudgetCategory.INCLUSION_SUPPORT,
    "inclusion_support_participant": BudgetCategory.INCLUSION_SUPPORT,
    "preparatory_visit": BudgetCategory.PREPARATORY_VISITS,
}
SORTS = {
    "start": "start_date",
    "-start": "-start_date",
    "status": "status",
    "grant": "grant_total",
    "-grant": "-grant_total",
    "country": "receiving_country",
}


def people_for(user: User) -> QuerySet[User]:
    """Who may be planned as a participant: the coordinator chooses anyone, a member contact their own people."""
    people = User.objects.filter(is_active=True, organisation__isnull=False).exclude(role=Role.AUDITOR)
    if not user.is_coordinator:
        people = people.filter(organisation_id=user.organisation_id or 0)
    return people.select_related("organisation").order_by(latvian("last_name"), latvian("first_name"))


def mobilities_for(user: User) -> QuerySet[Mobility]:
    # The rate table's JSON is left out: its parsed copy is shared by version (RateTable.table), so decoding it
    # again for every row would be wasted.
    base = Mobility.objects.select_related("project__rate_table", "sending_organisation", "participant", "trip").defer(
        "project__rate_table__data"
    )
    if user.can_view_everything:
        return base
    if user.is_member_contact and user.organisation_id:
        return base.filter(Q(sending_organisation_id=user.organisation_id) | Q(participant=user))
    return base.filter(participant=user)


def can_edit(user: User, mobility: Mobility) -> bool:
    if mobility.status in (MobilityStatus.COMPLETED, MobilityStatus.CANCELLED):
        return False
    if user.is_coordinator:
        return True
    return (
        user.is_member_contact
        and mobility.sending_organisation_id == user.organisation_id
        and mobility.status == MobilityStatus.DRAFT
    )


def access_mobility(user: User, mobility_id: int, *, for_write: bool = False) -> Mobility:
    """A mobility the user sees (404 otherwise); ``for_write``: only if they may edit it now (403)."""
    return access(
        mobilities_for(user),
        mobility_id,
        for_write=for_write,
        may_change=lambda m: can_edit(user, m),
        kept=("mobility", user),
    )


def access_mobility_project(user: User, project_id: int) -> Project:
    """A project's mobility pages: the coordinator, auditor and member contacts see every project, a participant
    the projects they travel in (404 otherwise)."""
    if user.can_view_everything or user.is_member_contact:
        visible = Project.objects.select_related("rate_table")
    else:
        visible = Project.objects.filter(mobilities__participant=user).distinct()
    return access(visible, project_id, kept=("mobility-project", user))


def access_trip(user: User, trip_id: int) -> JointTrip:
    """A joint study trip the user sees a mobility of (404 otherwise)."""
    visible = JointTrip.objects.filter(mobilities__in=mobilities_for(user)).select_related("project", "leader")
    return access(visible.distinct(), trip_id)


def transitions_for(user: User, mobility: Mobility) -> list[MobilityStatus]:
    """The status changes this user may make now."""
    from tilts.mobility.services import ALLOWED

    allowed = ALLOWED[MobilityStatus(mobility.status)]
    if user.is_coordinator:
        return [status for status in MobilityStatus if status in allowed]
    if user.is_member_contact and mobility.sending_organisation_id == user.organisation_id:
        return [
            s
            for s in (MobilityStatus.SUBMITTED, MobilityStatus.CANCELLED)
            if s in allowed and (s == MobilityStatus.SUBMITTED or mobility.status == MobilityStatus.DRAFT)
        ]
    return []


@dataclass
class Filters:
    organisation: int | None = None
    status: str = ""
    activity_type: str = ""
    country: str = ""
    goal: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    query: str = ""
    sort: str = "start"


def project_list(user: User, project: Project, filters: Filters) -> QuerySet[Mobility]:
    """A project's mobility list as ``user`` sees it, filtered and sorted: the list page's rows and its file's."""
    return filtered(mobilities_for(user).filter(project=project), filters)


def int_param(value: str | None) -> int | None:
    """A query-string number (an id, a year, a month), or None for anything else."""
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _date_param(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from(get: QueryDict) -> Filters:
    """The list page's filters and sort from its query string (anything not understood is left out); the page and
    its file (tilts.mobility.listexports) read them alike."""
    status = get.get("status", "")
    return Filters(
        organisation=int_param(get.get("member")),
        status=status if status in MobilityStatus.values else "",
        activity_type=get.get("type", "")[:40],
        country=get.get("country", "")[:2].upper(),
        goal=int_param(get.get("goal")),
        date_from=_date_param(get.get("from")),
        date_to=_date_param(get.get("to")),
        query=get.get("q", "").strip()[:100],
        sort=get.get("sort", "start") if get.get("sort") in SORTS else "start",
    )


def filtered(mobilities: QuerySet[Mobility], filters: Filters) -> QuerySet[Mobility]:
    if filters.organisation:
        mobilities = mobilities.filter(sending_organisation_id=filters.organisation)
    if filters.status:
        mobilities = mobilities.filter(status=filters.status)
    if filters.activity_type:
        mobilities = mobilities.filter(activity_type=filters.activity_type)
    if filters.country:
        mobilities = mobilities.filter(receiving_country=filters.country)
    if filters.goal:
        # A subquery rather than a join, so that no row comes twice and the list needs no DISTINCT (which made
        # PostgreSQL sort every row of the project, all columns, before the page was cut).
        with_goal = Mobility.goals.through.objects.filter(goal__number=filters.goal).values("mobility_id")
        mobilities = mobilities.filter(pk__in=with_goal)
    if filters.date_from:
        mobilities = mobilities.filter(end_date__gte=filters.date_from)
    if filters.date_to:
        mobilities = mobilities.filter(start_date__lte=filters.date_to)
    if filters.query:
        q = filters.query
        mobilities = mobilities.filter(
            Q(participant__first_name__icontains=q)
            | Q(participant__last_name__icontains=q)
            | Q(receiving_name__icontains=q)
            | Q(receiving_city__icontains=q)
            | Q(topic__icontains=q)
            | Q(sending_organisation__legal_name__icontains=q)
        )
    return mobilities.order_by(SORTS.get(filters.sort, "start_date"), "pk")


def in_order(pks: list[int], mobilities: QuerySet[Mobility]) -> list[Mobility]:
    """The mobilities with these ids, in this order: a page's rows, read after its ids were found by the narrow
    sorted query, so that only these rows are joined with what the list shows."""
    found = {mobility.pk: mobility for mobility in mobilities.filter(pk__in=pks)}
    return [found[pk] for pk in pks if pk in found]


@dataclass
class BudgetLine:
    category: str
    label: str
    awarded: Decimal = ZERO
    planned: Decimal = ZERO
    realised: Decimal = ZERO

    @property
    def over(self) -> bool:
        return self.planned + self.realised > self.awarded


@dataclass
class MemberBudget:
    organisation: Organisation
    share: Decimal = ZERO
    planned: Decimal = ZERO
    realised: Decimal = ZERO
    mobilities: int = 0
    paid: Decimal = ZERO

    @property
    def over(self) -> bool:
        return self.planned + self.realised > self.share


@dataclass
class ProjectBudget:
    lines: list[BudgetLine]
    members: list[MemberBudget] = field(default_factory=list)

    @property
    def paid(self) -> Decimal:
        """What the consortium has paid out so far (pre-financing and balances), from tilts.payments."""
        return sum((member.paid for member in self.members), ZERO)

    @property
    def total(self) -> BudgetLine:
        return BudgetLine(
            "total",
            "",
            sum((x.awarded for x in self.lines), ZERO),
            sum((x.planned for x in self.lines), ZERO),
            sum((x.realised for x in self.lines), ZERO),
        )


def project_budget(project: Project) -> ProjectBudget:
    """Awarded vs planned (drafts to confirmed) vs realised (completed: the final grant once the report is accepted),
    group activities of adult learners included (their grant as priced for the whole group).

    Summed in the database from the per-category amounts stored when a mobility is priced (MobilityCost), by
    category and sending member: a few queries however many mobilities the project has.
    """
    awarded = dict(project.awarded.values_list("category", "amount"))
    lines = {value: BudgetLine(value, str(label), awarded.get(value, ZERO)) for value, label in BudgetCategory.choices}
    members: dict[int, MemberBudget] = {}
    for plan in project.member_plans.select_related("organisation"):
        entry = members.setdefault(plan.organisation_id, MemberBudget(plan.organisation))
        entry.share += plan.budget_share
    mobilities = project.mobilities.exclude(status=MobilityStatus.CANCELLED)
    counts = dict(
        mobilities.values("sending_organisation_id").annotate(n=Count("pk")).values_list("sending_organisation_id", "n")
    )
    # Group activities of adult learners: their grant is one breakdown per group (few rows; read as they are).
    groups = list(
        project.group_activities.exclude(status=MobilityStatus.CANCELLED).values_list(
            "sending_organisation_id", "status", "grant_breakdown"
        )
    )
    missing = (set(counts) | {organisation_id for organisation_id, _status, _grant in groups}) - set(members)
    for organisation in Organisation.objects.filter(pk__in=missing):
        members[organisation.pk] = MemberBudget(organisation)
    for organisation_id, n in counts.items():
        members[organisation_id].mobilities = n
    completed = Q(mobility__status=MobilityStatus.COMPLETED)
    sums = (
        # The project's rows joined to their mobilities once (a subquery of the project's mobilities joined them a
        # second time, scanning every mobility of every project for the member and status).
        MobilityCost.objects.filter(mobility__project=project)
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .values("mobility__sending_organisation_id", "category")
        .annotate(
            planned=Sum("amount", filter=~completed, default=ZERO),
            # Realised spending is the final grant of the accepted report where there is one.
            realised=Sum(Coalesce("final_amount", "amount"), filter=completed, default=ZERO),
        )
        .order_by()
    )
    for row in sums:
        line, entry = lines[row["category"]], members[row["mobility__sending_organisation_id"]]
        line.planned += row["planned"]
        line.realised += row["realised"]
        entry.planned += row["planned"]
        entry.realised += row["realised"]
    for organisation_id, status, grant in groups:
        for line_category, amount in ((grant or {}).get("by_category") or {}).items():
            line, entry = lines[CATEGORY_OF_LINE[line_category]], members[organisation_id]
            if status == MobilityStatus.COMPLETED:
                line.realised += Decimal(amount)
                entry.realised += Decimal(amount)
            else:
                line.planned += Decimal(amount)
                entry.planned += Decimal(amount)
    from tilts.payments.models import Payment

    paid = (
        Payment.objects.filter(mobility__project=project)
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .values_list("mobility__sending_organisation_id")
        .annotate(total=Sum("amount"))
    )
    for organisation_id, total in paid:
        if organisation_id in members:
            members[organisation_id].paid = total
    by_name = sorted(members.values(), key=lambda m: latvian_sort_key(m.organisation.legal_name))
    return ProjectBudget(list(lines.values()), by_name)


# A day of the calendar names at most this many mobilities and says how many more there are.
CALENDAR_DAY_LIMIT = 6


@dataclass
class CalendarDay:
    day: datetime.date | None
    mobilities: list[Mobility] = field(default_factory=list)
    more: int = 0


def month_grid(mobilities: QuerySet[Mobility], year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with the mobilities under way that day: the first
    CALENDAR_DAY_LIMIT to start, and how many more. Two queries, whatever the project's size: the month's dates
    only (from an index alone on PostgreSQL, ``mobility_project_start_id``), then the named mobilities with the
    columns the calendar shows. Each mobility of the month costs a few steps, not one per day it lasts (a busy
    month of a 35,000-mobility project has 3,800 of them, most lasting weeks)."""
    import calendar

    days = calendar.monthrange(year, month)[1]
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, days)
    spans = (
        mobilities.exclude(status=MobilityStatus.CANCELLED)
        .filter(start_date__lte=last, end_date__gte=first)
        .order_by("start_date", "pk")
        .values_list("pk", "start_date", "end_date")
    )
    # Days are numbered 1..days. Counts: +1 where a mobility starts (in the month), -1 the day after it ends.
    steps = [0] * (days + 2)
    named_on: list[list[int]] = [[] for _ in range(days + 2)]
    # The first day from d on whose names are not yet complete (days + 1: none), followed with path halving.
    open_from = list(range(days + 2))

    def first_open(number: int) -> int:
        while open_from[number] != number:
            open_from[number] = open_from[open_from[number]]
            number = open_from[number]
        return number

    for pk, start, end in spans:  # in the order they are named
        low = 1 if start < first else start.day
        high = days if end > last else end.day
        steps[low] += 1
        steps[high + 1] -= 1
        number = first_open(low)
        while number <= high:
            named_on[number].append(pk)
            if len(named_on[number]) == CALENDAR_DAY_LIMIT:
                open_from[number] = number + 1
            number = first_open(number + 1)
    named: dict[datetime.date, list[int]] = {}
    counts: dict[datetime.date, int] = {}
    under_way = 0
    for number in range(1, days + 1):
        under_way += steps[number]
        if under_way:
            counts[first.replace(day=number)] = under_way
            named[first.replace(day=number)] = named_on[number]
    wanted = {pk for pks in named.values() for pk in pks}
    shown = Mobility.objects.select_related("participant").only(
        "pk", "start_date", "end_date", "receiving_city", "participant__last_name"
    )
    by_pk = shown.in_bulk(wanted) if wanted else {}
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month:
                row.append(CalendarDay(None))
            else:
                listed = [by_pk[pk] for pk in named.get(day, [])]
                row.append(CalendarDay(day, listed, counts.get(day, 0) - len(listed)))
        weeks.append(row)
    return weeks


def grant_recalculations(project: Project) -> QuerySet[GrantRecalculation]:
    """The grants priced again when the grant rules changed, newest first (docs/grant-rules.md)."""
    return GrantRecalculation.objects.filter(mobility__project=project).select_related(
        "mobility__participant", "mobility__sending_organisation"
    )


def recalculation_total(project: Project) -> Decimal:
    """The sum of the differences: how much the project's open grants moved in all."""
    totals = (
        grant_recalculations(project)
        .filter(before__isnull=False, after__isnull=False)
        .aggregate(before=Sum("before"), after=Sum("after"))
    )
    return (totals["after"] or Decimal("0")) - (totals["before"] or Decimal("0"))


# Group activities ---------------------------------------------------------------------------------------------


def group_activities_for(user: User) -> QuerySet[GroupActivity]:
    """Coordinators and auditors see every group; a member contact their institution's; the lead accompanying
    person the groups they lead. Anyone else none (their address answers 404)."""
    base = GroupActivity.objects.select_related(
        "project__rate_table", "sending_organisation", "lead_accompanying_person"
    ).defer("project__rate_table__data")
    if user.can_view_everything:
        return base
    if user.is_member_contact and user.organisation_id:
        return base.filter(Q(sending_organisation_id=user.organisation_id) | Q(lead_accompanying_person=user))
    return base.filter(lead_accompanying_person=user)


def can_plan_group(user: User) -> bool:
    return user.is_coordinator or (user.is_member_contact and user.organisation_id is not None)


def access_group(user: User, group_id: int, *, for_write: bool = False) -> GroupActivity:
    """A group activity the user sees (404 otherwise); ``for_write``: only if they may edit it now (403)."""
    return access(
        group_activities_for(user), group_id, for_write=for_write, may_change=lambda g: can_edit_group(user, g)
    )


def can_edit_group(user: User, group: GroupActivity) -> bool:
    """As for mobilities: the coordinator until completion, the sending member's contact while it is a draft."""
    if group.status in (MobilityStatus.COMPLETED, MobilityStatus.CANCELLED):
        return False
    if user.is_coordinator:
        return True
    return (
        user.is_member_contact
        and group.sending_organisation_id == user.organisation_id
        and group.status == MobilityStatus.DRAFT
    )


def group_transitions_for(user: User, group: GroupActivity) -> list[MobilityStatus]:
    """The status changes this user may make now: the same as for a mobility of the same member."""
    from tilts.mobility.services import ALLOWED

    allowed = ALLOWED[MobilityStatus(group.status)]
    if user.is_coordinator:
        return [status for status in MobilityStatus if status in allowed]
    if user.is_member_contact and group.sending_organisation_id == user.organisation_id:
        return [
            s
            for s in (MobilityStatus.SUBMITTED, MobilityStatus.CANCELLED)
            if s in allowed and (s == MobilityStatus.SUBMITTED or group.status == MobilityStatus.DRAFT)
        ]
    return []


def project_group_activities(user: User, project: Project, status: str = "") -> QuerySet[GroupActivity]:
    """A project's group activities within the user's reach, by start date."""
    groups = group_activities_for(user).filter(project=project)
    if status in MobilityStatus.values:
        groups = groups.filter(status=status)
    return groups.order_by("start_date", "pk")

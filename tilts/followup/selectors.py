"""Reads of follow-up activities: who sees and records which, the flags, and the measures of the cascade.

How colleagues are counted (the numbers on every page, the CSV and the API follow these rules):

- Only mobilities that took place count: completed ones, and confirmed ones whose end date has passed (drafts
  made at selection, mobilities still to come and cancelled ones do not).
- Only delivered follow-ups count, and only those drawing on at least one mobility that took place.
- A follow-up drawing on several mobilities counts its attendees **once** in any total (the consortium's, a
  goal's, a member's, a period's).
- Per mobility, its attendees are attributed to **each** mobility it draws on, so the per-mobility figures
  can add up to more than the total; the pages say so.
- Participants are the distinct people of the mobilities that took place; the money spent is theirs too: the
  final grant of an accepted report, else the mobility's grant frozen at approval.
- The multiplier is colleagues reached ÷ participants; per euro is colleagues reached ÷ money spent in EUR.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.functional import cached_property

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.access import access
from tilts.core.collation import latvian_sort_key
from tilts.core.dates import add_months
from tilts.followup.models import TEACHING_TYPES, FollowUp, FollowUpStatus, FollowUpType
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.selectors import mobilities_for
from tilts.projects.models import Project
from tilts.reporting.models import ReportStatus

ZERO = Decimal("0.00")


# Who sees and changes what -----------------------------------------------------------------------------------


def followups_for(user: User) -> QuerySet[FollowUp]:
    """Everything for the coordinator and auditors; otherwise the follow-ups drawing on mobilities in one's reach."""
    base = FollowUp.objects.select_related("project", "organiser")
    if user.can_view_everything:
        return base
    reachable = FollowUp.objects.filter(mobilities__in=mobilities_for(user)).values("pk")
    return base.filter(pk__in=reachable)


def recordable_mobilities(user: User) -> QuerySet[Mobility]:
    """The mobilities this user may record follow-ups for: the coordinator all, a member contact their
    institution's, a participant their own; never cancelled ones; auditors and others none."""
    if not user.is_active or (user.is_auditor and not user.is_coordinator):
        return Mobility.objects.none()
    return mobilities_for(user).exclude(status=MobilityStatus.CANCELLED)


def can_record(user: User, mobility: Mobility) -> bool:
    return recordable_mobilities(user).filter(pk=mobility.pk).exists()


def can_edit(user: User, followup: FollowUp) -> bool:
    if user.is_coordinator:
        return True
    return followup.mobilities.filter(pk__in=recordable_mobilities(user).values("pk")).exists()


def can_delete(user: User, followup: FollowUp) -> bool:
    """The coordinator deletes any follow-up (a workshop recorded twice); whoever recorded one deletes it while
    it is planned and they can still edit it. A delivered one counts in the numbers, so only the coordinator."""
    if user.is_coordinator:
        return True
    return followup.created_by_id == user.pk and followup.status == FollowUpStatus.PLANNED and can_edit(user, followup)


def access_followup(user: User, followup_id: int, *, for_write: bool = False) -> FollowUp:
    """A follow-up the user sees (404 otherwise); ``for_write``: only if they may edit it (403)."""
    return access(followups_for(user), followup_id, for_write=for_write, may_change=lambda f: can_edit(user, f))


def access_followup_project(user: User, project_id: int) -> Project:
    """A project in which the user sees mobilities (any project for the coordinator and auditors; 404 otherwise)."""
    projects = Project.objects.all() if user.can_view_everything else projects_with_followups_for(user)
    return access(projects.select_related("consortium"), project_id, kept=("followup-project", user))


def keep_out_of_reach(user: User, followup: FollowUp, chosen: list[Mobility]) -> list[Mobility]:
    """The mobilities after an edit: the user's choice among those in their reach, plus the others it had.

    A member contact editing a follow-up that also draws on another member's mobility cannot see that one in
    the form, so it must not be dropped by saving.
    """
    reach = set(recordable_mobilities(user).values_list("pk", flat=True))
    kept = [m for m in followup.mobilities.all() if m.pk not in reach]
    return [*chosen, *kept]


def projects_with_followups_for(user: User) -> QuerySet[Project]:
    """Projects in which the user sees mobilities (and so their follow-ups)."""
    return Project.objects.filter(pk__in=mobilities_for(user).values("project_id")).order_by("-call_year", "title")


# Flags ---------------------------------------------------------------------------------------------------------


def whole_months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end``, counted as :func:`add_months` counts them (10 October to 9 April: 5)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def followup_due(mobility: Mobility) -> datetime.date:
    """The last day to deliver a follow-up before the mobility is flagged."""
    return add_months(mobility.end_date, settings.FOLLOWUP_GRACE_MONTHS)


def mobilities_without_followup(mobilities: QuerySet[Mobility], today: datetime.date | None = None) -> list[Mobility]:
    """Completed mobilities (or past their end and not cancelled) with no delivered follow-up
    ``FOLLOWUP_GRACE_MONTHS`` months after their end."""
    return list(_without_followup(mobilities, today or timezone.localdate()).order_by("end_date", "pk"))


def _ended_before(today: datetime.date) -> datetime.date:
    """The first end date whose follow-up is not yet due: a mobility is flagged when it ended before this day.

    ``followup_due`` never decreases as the end date grows, so the test ``followup_due(m) < today`` is the same as
    ``m.end_date < cutoff`` and the database can do it (a month's end clamps, so step to the exact day).
    """
    months = settings.FOLLOWUP_GRACE_MONTHS
    cutoff = add_months(today, -months)
    one_day = datetime.timedelta(days=1)
    while add_months(cutoff, months) < today:
        cutoff += one_day
    while add_months(cutoff - one_day, months) >= today:
        cutoff -= one_day
    return cutoff


def _without_followup(mobilities: QuerySet[Mobility], today: datetime.date) -> QuerySet[Mobility]:
    return (
        mobilities.exclude(status=MobilityStatus.CANCELLED)
        .filter(end_date__lt=min(today, _ended_before(today)))
        .exclude(followups__status=FollowUpStatus.DELIVERED)
    )


def planned_past_date(followups: QuerySet[FollowUp], today: datetime.date | None = None) -> QuerySet[FollowUp]:
    """Planned follow-ups whose date has passed without being marked delivered."""
    today = today or timezone.localdate()
    return followups.filter(status=FollowUpStatus.PLANNED, date__lt=today).order_by("date", "pk")


@dataclass(frozen=True)
class Flags:
    mobilities: list[tuple[Mobility, datetime.date]]  # each with the day its follow-up was due
    followups: list[FollowUp]

    @property
    def total(self) -> int:
        return len(self.mobilities) + len(self.followups)


def flagged_mobilities(
    user: User, project: Project | None = None, today: datetime.date | None = None
) -> QuerySet[Mobility]:
    """The mobilities the user sees (in one project or all) still without a delivered follow-up when it was due,
    by end date: the first list of the flags (:class:`Flags`), to paginate."""
    mobilities = mobilities_for(user)
    if project is not None:
        mobilities = mobilities.filter(project=project)
    return _without_followup(mobilities, today or timezone.localdate()).order_by("end_date", "pk")


def late_followups(
    user: User, project: Project | None = None, today: datetime.date | None = None
) -> QuerySet[FollowUp]:
    """The planned follow-ups the user sees (in one project or all) past their date: the second list of
    :class:`Flags`, to paginate."""
    followups = followups_for(user)
    if project is not None:
        followups = followups.filter(project=project)
    return planned_past_date(followups, today)


@dataclass(frozen=True)
class FlagCounts:
    mobilities: int
    followups: int

    @property
    def total(self) -> int:
        return self.mobilities + self.followups


def flag_counts(user: User, project: Project | None = None, today: datetime.date | None = None) -> FlagCounts:
    """How many items :func:`flagged_mobilities` and :func:`late_followups` list, counted in the database (the
    dashboard shows only counts)."""
    today = today or timezone.localdate()
    mobilities = mobilities_for(user)
    followups = followups_for(user)
    if project is not None:
        mobilities = mobilities.filter(project=project)
        followups = followups.filter(project=project)
    return FlagCounts(
        _without_followup(mobilities, today).order_by().count(),
        planned_past_date(followups, today).order_by().count(),
    )


def flag_counts_by_project(user: User, today: datetime.date | None = None) -> dict[int, int]:
    """:func:`flag_counts`' total per project id, in two grouped queries."""
    today = today or timezone.localdate()
    totals: dict[int, int] = {}
    grouped = (
        _without_followup(mobilities_for(user), today).order_by().values("project_id").annotate(n=Count("pk")),
        planned_past_date(followups_for(user), today).order_by().values("project_id").annotate(n=Count("pk")),
    )
    for rows in grouped:
        for row in rows:
            totals[row["project_id"]] = totals.get(row["project_id"], 0) + row["n"]
    return totals


# Measures ------------------------------------------------------------------------------------------------------


def ratio(numerator: int, denominator: Decimal | int, places: str = "0.01") -> Decimal | None:
    """``numerator ÷ denominator`` rounded half up, or ``None`` when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scope:
    """Which numbers: the whole consortium, or one project, or one member's (its mobilities and their follow-ups)."""

    consortium: Consortium
    project: Project | None = None
    organisation: Organisation | None = None
    approved_only: bool = False  # the public results: only follow-ups the coordinator has approved

    @cached_property
    def project_ids(self) -> list[int]:
        """The consortium's projects (read once per scope): what :func:`counted_mobilities` filters on."""
        if self.project is not None:
            return [self.project.pk] if self.project.consortium_id == self.consortium.pk else []
        return list(self.consortium.projects.order_by("pk").values_list("pk", flat=True))


def scope_for(user: User, consortium: Consortium, project: Project | None = None) -> Scope | None:
    """The numbers a user may see: the consortium's (coordinator, auditors), their institution's (member
    contacts), or none (participants and others)."""
    if user.can_view_everything:
        return Scope(consortium, project)
    if user.is_member_contact and user.organisation is not None:
        return Scope(consortium, project, user.organisation)
    return None


def took_place(today: datetime.date | None = None) -> Q:
    """Mobilities that took place: completed, or confirmed and ended before today. Drafts made at selection,
    mobilities still to come and cancelled ones do not."""
    today = today or timezone.localdate()
    return Q(status=MobilityStatus.COMPLETED) | Q(status=MobilityStatus.CONFIRMED, end_date__lt=today)


def money_spent() -> Coalesce:
    """A mobility's money spent: the final grant of its accepted report, else the grant frozen at approval."""
    return Coalesce(
        Case(When(report__status=ReportStatus.ACCEPTED, then=F("report__final_grant_total"))),
        F("grant_total"),
        Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def counted_mobilities(scope: Scope) -> QuerySet[Mobility]:
    # The consortium's projects by their ids, not a join to the projects: that table is a handful of rows that
    # autovacuum never analyses, so PostgreSQL took it for one row and chose nested loops over every mobility (on
    # 100,000 mobilities the follow-ups per period took 0.9 s that way, 0.34 s with the ids: EXPLAIN ANALYZE).
    mobilities = Mobility.objects.filter(took_place(), project_id__in=scope.project_ids)
    if scope.organisation is not None:
        mobilities = mobilities.filter(sending_organisation=scope.organisation)
    return mobilities


def _delivered(scope: Scope, prefix: str = "") -> Q:
    """Follow-ups (``prefix``: reached through a relation) delivered and, on the public results, approved."""
    delivered = Q(**{f"{prefix}status": FollowUpStatus.DELIVERED})
    return delivered & Q(**{f"{prefix}approved_at__isnull": False}) if scope.approved_only else delivered


def counted_followups(scope: Scope) -> QuerySet[FollowUp]:
    """Delivered follow-ups drawing on at least one counted mobility, each once."""
    # The links themselves say which follow-ups draw on a counted mobility (no second pass over the follow-ups).
    drawing = FollowUp.mobilities.through.objects.filter(mobility__in=counted_mobilities(scope)).values("followup_id")
    return FollowUp.objects.filter(_delivered(scope), pk__in=drawing)


def awaiting_approval(user: User) -> QuerySet[FollowUp]:
    """Delivered follow-ups the coordinator has still to approve for the results page (none for anyone else)."""
    if not user.is_coordinator:
        return FollowUp.objects.none()
    return (
        followups_for(user)
        .filter(status=FollowUpStatus.DELIVERED, approved_at__isnull=True)
        .select_related("organiser")
        .order_by("date", "pk")
    )


def followups_by_type(scope: Scope) -> dict[str, int]:
    """Counted follow-ups per type, each once (one serving two goals is one follow-up)."""
    rows = counted_followups(scope).values("type").annotate(n=Count("pk")).order_by()
    return {row["type"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Reach:
    mobilities: int
    participants: int
    grant: Decimal  # the money spent
    followups: int
    colleagues: int

    @property
    def multiplier(self) -> Decimal | None:
        """Colleagues reached per participant."""
        return ratio(self.colleagues, self.participants)

    @property
    def per_euro(self) -> Decimal | None:
        """Colleagues reached per euro spent."""
        return ratio(self.colleagues, self.grant, "0.0001")

    @property
    def per_thousand_euro(self) -> Decimal | None:
        """The same, per 1,000 EUR: easier to read."""
        return ratio(self.colleagues * 1000, self.grant)


# What is counted of the mobilities (how many, how many people, the money spent), as aggregates.
MOBILITY_FIGURES = {
    "n_mobilities": Count("pk"),
    "n_participants": Count("participant", distinct=True),
    "spent": Sum(money_spent()),
}


@dataclass
class Delivered:
    """What counted follow-ups delivered for one row (a member, a goal): each follow-up once."""

    followups: int = 0
    colleagues: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


def _make_reach(figures: dict[str, Any], delivered: Delivered) -> Reach:
    return Reach(
        mobilities=figures.get("n_mobilities") or 0,
        participants=figures.get("n_participants") or 0,
        grant=(figures.get("spent") or ZERO).quantize(ZERO),
        followups=delivered.followups,
        colleagues=delivered.colleagues,
    )


def _mobility_figures_by(mobilities: QuerySet[Mobility], key: str) -> dict[int, dict[str, Any]]:
    """The mobility figures grouped by ``key`` (a sending institution, a goal): one query, straight over the counted
    mobilities (each is one row, and its report at most one more column), not over their ids again."""
    rows = mobilities.values(key).annotate(**MOBILITY_FIGURES).order_by()
    return {row[key]: row for row in rows if row[key] is not None}


def total_reach(scope: Scope) -> Reach:
    figures = counted_mobilities(scope).aggregate(**MOBILITY_FIGURES)
    delivered = counted_followups(scope).aggregate(followups=Count("pk"), colleagues=Sum("attendees"))
    return _make_reach(figures, Delivered(delivered["followups"], int(delivered["colleagues"] or 0)))


# A follow-up's period: its year and quarter (the dashboard groups by either).
Period = tuple[int, int]


@dataclass(frozen=True)
class DeliveredRow:
    """Counted follow-ups of one kind in one period for one row key (a goal, a member; 0 for the whole scope),
    each once: how many and the colleagues they reached."""

    key: int
    period: Period
    kind: str
    followups: int
    colleagues: int


def _links(rows: QuerySet[Any], key: Any) -> QuerySet[Any]:
    """``rows`` (links of follow-ups to something: a goal, a mobility) as (follow-up, ``key``) under the column
    names :func:`_grouped_once` reads."""
    links: QuerySet[Any] = (
        rows.annotate(row_followup=F("followup_id"), row_key=key).values_list("row_followup", "row_key").order_by()
    )
    return links


def _grouped_once(followups: QuerySet[FollowUp], links: QuerySet[Any]) -> list[DeliveredRow]:
    """The ``followups`` joined to their ``links`` (:func:`_links`), a follow-up counted once per key however many
    of its links lead there, counted and summed per key, period and type: one query.

    Django cannot aggregate over a distinct set of joined rows (a follow-up's attendees summed once per key:
    ``Sum(distinct=True)`` would merge two follow-ups of the same size), so the ORM's own SQL for both sides is
    joined and grouped in plain SQL that PostgreSQL and SQLite both run. The follow-ups are a subquery of it once
    (their conditions are the costly part), however many kinds of link lead from them."""
    facts = (
        followups.annotate(
            row_followup=F("pk"),
            row_year=ExtractYear("date"),
            row_quarter=ExtractQuarter("date"),
            row_kind=F("type"),
            row_attendees=F("attendees"),
        )
        .values_list("row_followup", "row_year", "row_quarter", "row_kind", "row_attendees")
        .order_by()
    )
    try:
        facts_sql, facts_params = facts.query.get_compiler(using=facts.db).as_sql()
        links_sql, links_params = links.query.get_compiler(using=facts.db).as_sql()
    except EmptyResultSet:  # a side that can match nothing (e.g. ``__in`` an empty list: no project yet)
        return []
    grouped = (
        "SELECT row_key, row_year, row_quarter, row_kind, COUNT(*), SUM(row_attendees) FROM ("
        "SELECT DISTINCT links.row_key, facts.row_followup, facts.row_year, facts.row_quarter, facts.row_kind, "
        f"facts.row_attendees FROM ({facts_sql}) AS facts INNER JOIN ({links_sql}) AS links "
        "ON links.row_followup = facts.row_followup"
        ") AS once GROUP BY row_key, row_year, row_quarter, row_kind"
    )
    with connections[facts.db].cursor() as cursor:
        cursor.execute(grouped, (*facts_params, *links_params))
        return [
            DeliveredRow(key, (int(year), int(quarter)), kind, count, int(colleagues))
            for key, year, quarter, kind, count, colleagues in cursor.fetchall()
        ]


def _delivered_by(rows: Iterable[DeliveredRow]) -> dict[int, Delivered]:
    """What :func:`_grouped_once` gives, summed per row key over the periods."""
    result: dict[int, Delivered] = defaultdict(Delivered)
    for row in rows:
        delivered = result[row.key]
        delivered.followups += row.followups
        delivered.colleagues += row.colleagues
        delivered.by_type[row.kind] = delivered.by_type.get(row.kind, 0) + row.followups
    return result


def reach_by_mobility(scope: Scope, ids: list[int] | None = None) -> dict[int, int]:
    """Colleagues reached per mobility id (of ``ids`` when given): each follow-up's attendees attributed to every
    mobility it draws on."""
    # A follow-up drawing on a counted mobility is counted when it is delivered (see counted_followups): the link
    # itself says it draws on one, so no subquery over every follow-up of the scope is needed.
    through = FollowUp.mobilities.through.objects.filter(
        _delivered(scope, "followup__"), mobility__in=counted_mobilities(scope)
    )
    if ids is not None:
        through = through.filter(mobility_id__in=ids)
    rows = through.values("mobility_id").annotate(n=Sum("followup__attendees"))
    return {row["mobility_id"]: int(row["n"] or 0) for row in rows}


@dataclass(frozen=True)
class MobilityReach:
    mobility: Mobility
    colleagues: int
    followup_due: datetime.date


def reach_mobilities_for(user: User, project: Project) -> QuerySet[Mobility]:
    """The project's mobilities the user sees (not cancelled), by start: the rows of "colleagues reached per
    mobility", to paginate."""
    return (
        mobilities_for(user)
        .filter(project=project)
        .exclude(status=MobilityStatus.CANCELLED)
        .select_related(None)  # a row names only its participant
        .select_related("participant")
        .order_by("start_date", "pk")
    )


def reach_per_mobility_for(
    user: User, project: Project, mobilities: Iterable[Mobility] | None = None
) -> list[MobilityReach]:
    """The project's mobilities the user sees (or those of ``mobilities``, a page of them), each with the
    colleagues reached by the follow-ups drawing on it (counted over the whole project) and the day its
    follow-up is due."""
    chosen = list(reach_mobilities_for(user, project) if mobilities is None else mobilities)
    reach = reach_by_mobility(Scope(project.consortium, project), [m.pk for m in chosen])
    return [MobilityReach(m, reach.get(m.pk, 0), followup_due(m)) for m in chosen]


@dataclass(frozen=True)
class MemberReach:
    organisation: Organisation
    reach: Reach


def _member_delivered(scope: Scope) -> list[DeliveredRow]:
    """The counted follow-ups per sending institution of the counted mobilities they draw on. A delivered
    follow-up with a link to a counted mobility is counted (counted_followups) by that link itself, so the links
    to counted mobilities are joined to the delivered follow-ups, with no subquery over every counted one."""
    through = FollowUp.mobilities.through.objects.filter(mobility__in=counted_mobilities(scope))
    return _grouped_once(
        FollowUp.objects.filter(_delivered(scope)), _links(through, F("mobility__sending_organisation_id"))
    )


def _member_rows(figures: dict[int, dict[str, Any]], delivered: dict[int, Delivered]) -> list[MemberReach]:
    rows = [
        MemberReach(organisation, _make_reach(figures[organisation.pk], delivered.get(organisation.pk, Delivered())))
        for organisation in Organisation.objects.filter(pk__in=figures)
    ]
    return sorted(rows, key=lambda row: latvian_sort_key(row.organisation.legal_name))


def reach_by_member(scope: Scope) -> list[MemberReach]:
    """Per sending institution: its mobilities, participants and money spent, and the colleagues reached by the
    follow-ups drawing on its mobilities (each follow-up once per member), in Latvian order. Three queries
    however many members there are."""
    figures = _mobility_figures_by(counted_mobilities(scope), "sending_organisation_id")
    return _member_rows(figures, _delivered_by(_member_delivered(scope)))


@dataclass(frozen=True)
class GoalReach:
    goal: Goal
    reach: Reach
    by_type: dict[str, int]

    @property
    def types(self) -> list[tuple[str, str, int]]:
        """(value, label, count) for every type, in the order of the choices."""
        return [(value, str(label), self.by_type.get(value, 0)) for value, label in FollowUpType.choices]


def serving_goals() -> QuerySet[Any]:
    """(follow-up, goal) for each goal a follow-up counts for, as links for :func:`_grouped_once` (which joins
    them to the follow-ups counted): the one definition of "a follow-up serves a goal", used by every per-goal
    figure. A follow-up counts for a goal when it is tagged with the goal or draws on a mobility tagged with it (the
    mobility's goals carry over to what it leads to); it counts once per goal however many of its mobilities serve
    that goal (:func:`_grouped_once` counts each follow-up once per key)."""
    tagged = _links(FollowUp.goals.through.objects.all(), F("goal_id"))
    through_mobility = _links(
        FollowUp.mobilities.through.objects.filter(mobility__goals__isnull=False), F("mobility__goals")
    )
    return tagged.union(through_mobility, all=True)


def _goal_rows(scope: Scope, figures: dict[int, dict[str, Any]], served: list[DeliveredRow]) -> list[GoalReach]:
    delivered = _delivered_by(served)
    rows = []
    for goal in scope.consortium.goals.order_by("number"):
        done = delivered.get(goal.pk, Delivered())
        rows.append(GoalReach(goal, _make_reach(figures.get(goal.pk, {}), done), done.by_type))
    return rows


def reach_by_goal(scope: Scope) -> list[GoalReach]:
    """Per goal of the consortium: the mobilities serving it and their participants, the follow-ups serving it by
    type and the colleagues they reached (a follow-up serving two goals counts for each). Three queries however
    many goals there are."""
    figures = _mobility_figures_by(counted_mobilities(scope), "goals")
    return _goal_rows(scope, figures, _grouped_once(counted_followups(scope), serving_goals()))


@dataclass
class PeriodRow:
    label: str
    by_goal: dict[int, int] = field(default_factory=dict)
    total: int = 0


def _delivered_per_period(scope: Scope) -> list[DeliveredRow]:
    """The counted follow-ups per year, quarter and type (key 0), each once: one grouped query."""
    rows = (
        counted_followups(scope)
        .annotate(row_year=ExtractYear("date"), row_quarter=ExtractQuarter("date"))
        .values_list("row_year", "row_quarter", "type")
        .annotate(n=Count("pk"), colleagues=Sum("attendees"))
        .order_by()
    )
    return [
        DeliveredRow(0, (int(year), int(quarter)), kind, n, int(colleagues))
        for year, quarter, kind, n, colleagues in rows
    ]


def _periods(scope: Scope, by: str, totals: list[DeliveredRow], served: list[DeliveredRow]) -> list[PeriodRow]:
    """Colleagues reached per period (``by``: "year" or "quarter") in total and per goal number (``served``: rows
    of :func:`serving_goals`), with empty periods in between kept."""

    def period(row: DeliveredRow) -> Period:
        return row.period if by == "quarter" else (row.period[0], 0)

    periods: dict[Period, PeriodRow] = {}
    for row in totals:
        periods.setdefault(period(row), PeriodRow("")).total += row.colleagues
    numbers = dict(scope.consortium.goals.values_list("pk", "number"))
    for row in served:
        if row.key in numbers and period(row) in periods:
            by_goal = periods[period(row)].by_goal
            by_goal[numbers[row.key]] = by_goal.get(numbers[row.key], 0) + row.colleagues
    if not periods:
        return []
    first, last = min(periods), max(periods)
    result = []
    key = first
    while key <= last:
        found = periods.get(key, PeriodRow(""))
        found.label = f"{key[0]} Q{key[1]}" if by == "quarter" else str(key[0])
        result.append(found)
        year, quarter = key
        key = (year + 1, 0) if by != "quarter" else ((year, quarter + 1) if quarter < 4 else (year + 1, 1))
    return result


def reach_over_time(scope: Scope, by: str = "year") -> list[PeriodRow]:
    """Colleagues reached per year (or quarter, ``by="quarter"``) by the follow-ups' dates, per goal number and
    in total (the total counts each follow-up once), with empty periods in between kept."""
    # Summed in the database by year, quarter and type, not by walking every follow-up. Per goal, a follow-up
    # counts once for each goal it serves (serving_goals: its own or its mobilities'), which a grouped sum over
    # either link alone would miss or count twice.
    served = _grouped_once(counted_followups(scope), serving_goals())
    return _periods(scope, by, _delivered_per_period(scope), served)


@dataclass(frozen=True)
class Dashboard:
    total: Reach
    goals: list[GoalReach]
    periods: list[PeriodRow]
    members: list[MemberReach]  # none for a member's own numbers
    by_type: dict[str, int]


def dashboard(scope: Scope, by: str = "year") -> Dashboard:
    """What the goals dashboard shows: :func:`total_reach`, :func:`reach_by_goal`, :func:`reach_over_time`,
    :func:`reach_by_member` (for the whole consortium or a project, not for one member's numbers) and
    :func:`followups_by_type`, the same numbers in fewer queries: the follow-ups per period and type and the
    goals they serve are counted once and summed for each table."""
    mobilities = counted_mobilities(scope)
    per_period = _delivered_per_period(scope)
    served = _grouped_once(counted_followups(scope), serving_goals())
    whole = _delivered_by(per_period).get(0, Delivered())  # the periods' rows summed: the scope's follow-ups
    return Dashboard(
        total=_make_reach(mobilities.aggregate(**MOBILITY_FIGURES), whole),
        goals=_goal_rows(scope, _mobility_figures_by(mobilities, "goals"), served),
        periods=_periods(scope, by, per_period, served),
        members=reach_by_member(scope) if scope.organisation is None else [],
        by_type=whole.by_type,
    )


def public_followups(consortium: Consortium) -> QuerySet[FollowUp]:
    """Delivered workshops, seminars, course improvements and new programmes for the public results page."""
    return (
        counted_followups(Scope(consortium, approved_only=True))
        .filter(type__in=TEACHING_TYPES)
        .select_related("organiser")
        .prefetch_related("goals")
        .order_by("-date", "pk")
    )


def mobility_followups(mobility: Mobility, user: User) -> QuerySet[FollowUp]:
    """The follow-ups of one mobility that the user sees."""
    return followups_for(user).filter(mobilities=mobility).order_by("date", "pk")

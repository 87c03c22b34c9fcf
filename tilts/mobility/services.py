"""Every change to a mobility goes through here: checks, pricing, the status workflow and optimistic locking.

The seed's rule: a mobility is approved only with a plan to teach colleagues afterwards; own-post
development alone is not funded.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tilts.accounts import wording
from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.consortium.selectors import is_active_member
from tilts.core import dates
from tilts.core.history import records_by
from tilts.core.locking import claim_version
from tilts.grants import rules
from tilts.grants import services as grant_services
from tilts.grants.rules.rates import ActivityType
from tilts.mobility import signals
from tilts.mobility.models import (
    TRIP_FIELDS,
    CalendarFeed,
    GroupActivity,
    JointTrip,
    Mobility,
    MobilityPlan,
    MobilityStatus,
    Plan,
    in_model_order,
)
from tilts.projects.models import Project, ProjectStatus
from tilts.projects.selectors import within_period

ALLOWED = {
    MobilityStatus.DRAFT: {MobilityStatus.SUBMITTED, MobilityStatus.CANCELLED},
    MobilityStatus.SUBMITTED: {MobilityStatus.APPROVED, MobilityStatus.DRAFT, MobilityStatus.CANCELLED},
    MobilityStatus.APPROVED: {MobilityStatus.CONFIRMED, MobilityStatus.CANCELLED},
    MobilityStatus.CONFIRMED: {MobilityStatus.COMPLETED, MobilityStatus.CANCELLED},
    MobilityStatus.COMPLETED: set(),
    MobilityStatus.CANCELLED: set(),
}
FROZEN = {MobilityStatus.APPROVED, MobilityStatus.CONFIRMED, MobilityStatus.COMPLETED}


Add = Callable[[str, str], None]


def _trip_problems(trip: Mobility | GroupActivity, activity: ActivityType | None, add: Add) -> None:
    """The rules a mobility and a group activity share: the dates (the activity type's length, inside the
    project's period), a current member sending abroad, and the two places (the venue in the receiving country)."""
    project = trip.project
    if trip.end_date < trip.start_date:
        add("end_date", _("The end date cannot be before the start date."))
    elif (
        activity is not None
        and activity.min_days is not None
        and activity.max_days is not None
        and not (activity.min_days <= trip.activity_days <= activity.max_days)
    ):
        add(
            "end_date",
            _("%(type)s lasts %(min)s to %(max)s days without travel; these dates give %(days)s.")
            % {
                "type": trip.activity_type_label,
                "min": activity.min_days,
                "max": activity.max_days,
                "days": trip.activity_days,
            },
        )
    if not within_period(project, trip.start_date, trip.end_date):
        add(
            "start_date",
            _("The mobility must take place within the project's period (%(start)s – %(end)s).")
            % {"start": dates.short(project.start_date), "end": dates.short(project.end_date)},
        )
    sending = trip.sending_organisation
    if not is_active_member(sending, project.consortium_id):
        add("sending_organisation", _("Only current members send participants."))
    if str(trip.receiving_country) == str(sending.country):
        add(
            "receiving_country",
            _("A mobility goes abroad: the receiving country must differ from the sending country."),
        )
    for field in ("origin", "venue"):
        try:
            place = grant_services.resolve_place(getattr(trip, field), field)
        except ValidationError as error:
            for message in error.message_dict[field]:
                add(field, message)
        else:
            if field == "venue" and place.country != str(trip.receiving_country):
                add("venue", _("The venue is not in the receiving country."))


def check_mobility(mobility: Mobility, goals: Iterable[Goal] | None = None) -> None:
    """The rules of a valid mobility; raises one ValidationError with every problem by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    project = mobility.project
    if project.status == ProjectStatus.CLOSED:
        add("__all__", _("The project is closed; its mobilities can no longer be planned or changed."))
    table = project.rate_table.table
    activity = table.activity_types.get(mobility.activity_type)
    if activity is None:
        add("activity_type", _("Choose an activity type of this call year."))
    elif not activity.allows(mobility.participant_kind):
        add("participant_kind", _("This kind of participant cannot take part in this activity type."))
    _trip_problems(mobility, activity, add)
    if mobility.participant.organisation_id != mobility.sending_organisation_id:
        add("participant", _("The participant must work at the sending member."))
    if goals is not None and not list(goals):
        add("goals", _("Choose at least one goal the mobility serves."))
    if errors:
        raise ValidationError(errors)


def check_followup(mobility: Mobility) -> None:
    """Without a plan to teach colleagues afterwards a mobility cannot be approved (the seed's rule)."""
    errors: dict[str, str] = {}
    if not mobility.followup_plan.strip():
        errors["followup_plan"] = _("Describe what the participant will teach colleagues after the mobility.")
    if not mobility.followup_audience.strip():
        errors["followup_audience"] = _("Say whom the participant will teach.")
    if not mobility.followup_colleagues:
        errors["followup_colleagues"] = _("Say how many colleagues the participant will reach (at least one).")
    if mobility.followup_due is None:
        errors["followup_due"] = _("Give the date by which the follow-up will be delivered.")
    elif mobility.followup_due < mobility.end_date:
        errors["followup_due"] = _("The follow-up comes after the mobility ends.")
    if errors:
        raise ValidationError(errors)


def price(mobility: Mobility) -> grant_services.PricedQuote:
    return grant_services.price(
        rules.QuoteRequest(
            activity_type=mobility.activity_type,
            destination_country="",
            participant_kind=mobility.participant_kind,
            distance_km=mobility.ec_distance_km,
            start=mobility.start_date,
            end=mobility.end_date,
            travel_days=mobility.travel_days,
            green_travel=mobility.green_travel,
            course_days=mobility.course_days,
            fewer_opportunities=mobility.fewer_opportunities,
            zero_grant=mobility.zero_grant,
        ),
        origin=mobility.origin,
        destination=mobility.venue,
        rate_table=mobility.project.rate_table,
    )


def breakdown(priced: grant_services.PricedQuote) -> dict[str, Any]:
    """What is stored with the mobility: the totals per category and the lines, enough to explain every euro."""
    return quote_breakdown(priced.quote)


def quote_breakdown(quote: rules.Quote) -> dict[str, Any]:
    """:func:`breakdown` of an engine quote (the grant recalculation prices without the web layer)."""
    return {
        "call_year": quote.call_year,
        "rate_table": quote.rate_table_title,
        "distance_km": quote.distance_km,
        "distance_source": quote.distance_source.value if quote.distance_source else None,
        "band": quote.band,
        "country_group": quote.country_group,
        "country_group_status": quote.country_group_status.value if quote.country_group_status else None,
        "country_group_set_by_project": quote.country_group_set_by_project,
        "funded_days": quote.funded_days,
        "by_category": {category.value: str(amount) for category, amount in quote.by_category().items()},
        "lines": [
            {
                "category": line.category.value,
                "rule": line.rule,
                "quantity": str(line.quantity),
                "rate": str(line.rate),
                "amount": str(line.amount),
                "status": line.status.value,
            }
            for line in quote.lines
        ],
    }


def _store_price(mobility: Mobility) -> None:
    priced = price(mobility)
    mobility.grant_total = priced.quote.total
    rate_table = mobility.project.rate_table
    # Which version of the project's table priced it (docs/grant-rules.md, "Rate tables"), shown with the grant
    mobility.grant_breakdown = {
        **breakdown(priced),
        "rate_table_name": rate_table.name,
        "rate_table_version": rate_table.version_number,
        "rate_table_changed": timezone.localdate(rate_table.updated_at).isoformat() if rate_table.updated_at else None,
    }


class MobilityChanges(MobilityPlan, total=False):
    """What may change on a mobility: its plan, who goes from where, and the grant's flags (the module's values
    adopted by the coordinator include force majeure)."""

    sending_organisation: Organisation
    participant: User
    fewer_opportunities: bool
    zero_grant: bool
    force_majeure: bool


class MobilityFields(MobilityChanges, total=False):
    """A new mobility: its project, and its joint trip if it is one's participant."""

    project: Required[Project]
    trip: JointTrip | None


@transaction.atomic
@records_by
def create_mobility(*, goals: Iterable[Goal], by: User | None, **fields: Unpack[MobilityFields]) -> Mobility:
    goals = list(goals)
    mobility = Mobility(created_by=by, **fields)
    check_mobility(mobility, goals)
    _store_price(mobility)
    mobility.full_clean(exclude=["goals"])
    mobility.save()
    mobility.goals.set(goals)
    return mobility


def preview_change(mobility: Mobility, **changes: Unpack[MobilityChanges]) -> tuple[Decimal | None, Decimal]:
    """The grant before and after the proposed changes, without saving anything."""
    before = mobility.grant_total
    proposed = Mobility.objects.get(pk=mobility.pk)
    for field, value in changes.items():
        setattr(proposed, field, value)
    check_mobility(proposed)
    return before, price(proposed).quote.total


@transaction.atomic
@records_by
def update_mobility(
    mobility: Mobility,
    *,
    version: int,
    by: User | None,
    goals: Iterable[Goal] | None = None,
    **changes: Unpack[MobilityChanges],
) -> Mobility:
    """Save changes if nobody saved since ``version``; the grant is recalculated (and re-frozen if approved)."""
    if mobility.status in (MobilityStatus.COMPLETED, MobilityStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled mobility cannot be changed."))
    for field, value in changes.items():
        setattr(mobility, field, value)
    goal_list = list(goals) if goals is not None else None
    check_mobility(mobility, goal_list)
    _store_price(mobility)
    if mobility.status in FROZEN:
        mobility.grant_frozen_at = timezone.now()
    mobility.full_clean(exclude=["goals", "version"])
    claim_version(mobility, version)
    mobility.save()
    if goal_list is not None:
        mobility.goals.set(goal_list)
    return mobility


def _step(
    locked: Mobility | GroupActivity,
    to: str,
    *,
    reason: str,
    force_majeure: bool,
    on_approval: Callable[[], None],
) -> MobilityStatus:
    """The workflow step mobilities and group activities share, on a row locked for update: only an allowed move;
    approval runs ``on_approval`` (the checks and the price) and freezes the grant; a cancellation needs its reason.
    Saved under the next version; returns the new status."""
    target = MobilityStatus(to)
    if target not in ALLOWED[MobilityStatus(locked.status)]:
        raise ValidationError(
            _("A %(from)s mobility cannot become %(to)s.")
            % {"from": locked.get_status_display().lower(), "to": target.label.lower()}
        )
    if target == MobilityStatus.APPROVED:
        on_approval()
        locked.grant_frozen_at = timezone.now()
    if target == MobilityStatus.CANCELLED:
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for the cancellation.")})
        locked.cancellation_reason = reason.strip()
        locked.force_majeure = force_majeure
    locked.status = target
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    return target


@transaction.atomic
@records_by
def transition(mobility: Mobility, to: str, *, by: User, reason: str = "", force_majeure: bool = False) -> Mobility:
    """Move a mobility along draft → submitted → approved → confirmed → completed, or cancel it."""
    locked = Mobility.objects.select_for_update().get(pk=mobility.pk)

    def approve() -> None:
        check_followup(locked)
        check_mobility(locked)
        _store_price(locked)

    target = _step(locked, to, reason=reason, force_majeure=force_majeure, on_approval=approve)
    # Reporting opens the report, notifications mail the people concerned (mobility imports neither).
    signals.status_changed.send(sender=Mobility, mobility=locked, status=target)
    return locked


class TripParticipant(TypedDict, total=False):
    """One participant of a joint trip: who, from which member, and from where unless the trip's plan says."""

    sending_organisation: Required[Organisation]
    participant: Required[User]
    origin: str


@transaction.atomic
@records_by
def create_joint_trip(
    *,
    project: Project,
    title: str,
    leader: User | None,
    participants: list[TripParticipant],
    goals: Iterable[Goal],
    by: User | None,
    **shared: Unpack[MobilityPlan],
) -> JointTrip:
    """A trip to one host on the same dates for participants of several members: one mobility each.

    Other members join it later with :func:`join_trip`.
    """
    if not participants:
        raise ValidationError({"participants": _("Choose at least one participant.")})
    trip = JointTrip.objects.create(project=project, title=title, leader=leader)
    goals = list(goals)
    for person in participants:
        plan = shared.copy()
        if "origin" in person:  # a participant's own place of departure, rather than the trip's
            plan["origin"] = person["origin"]
        create_mobility(
            goals=goals,
            by=by,
            project=project,
            trip=trip,
            sending_organisation=person["sending_organisation"],
            participant=person["participant"],
            **plan,
        )
    return trip


@transaction.atomic
@records_by
def transition_trip(trip: JointTrip, to: str, *, by: User, reason: str = "") -> list[Mobility]:
    """Move every mobility of the trip that can make this step (e.g. approve all submitted ones) at once."""
    target = MobilityStatus(to)
    movable = [m for m in trip.mobilities.order_by("pk") if target in ALLOWED[MobilityStatus(m.status)]]
    if not movable:
        raise ValidationError(_("No participant of this trip can become %(to)s now.") % {"to": target.label.lower()})
    return [transition(mobility, target, by=by, reason=reason) for mobility in movable]


def replace_calendar_feeds(user: User) -> None:
    """Retire the user's secret calendar addresses (e.g. one was shared by mistake); new ones replace them."""
    CalendarFeed.objects.filter(owner=user).delete()


def default_origin(organisation: Any) -> str:
    """The sending institution's city from the gazetteer, as the usual place of departure ("" if not found)."""
    country = str(organisation.country)
    for place in grant_services.search_places(organisation.city, 10):
        if place.country == country:
            return place.ref
    return ""


@transaction.atomic
@records_by
def create_trip_from_form(
    *,
    project: Project,
    title: str,
    leader: User | None,
    people: Iterable[User],
    goals: Iterable[Goal],
    by: User,
    **shared: Unpack[MobilityPlan],
) -> JointTrip:
    """A joint trip planned in the form: each person travels from their own institution's city."""
    participants: list[TripParticipant] = []
    missing = []
    for person in people:
        organisation = person.organisation
        origin = default_origin(organisation)
        if origin and organisation is not None:
            participants.append({"sending_organisation": organisation, "participant": person, "origin": origin})
        else:
            missing.append(str(person))
    if missing:
        raise ValidationError(
            {"participants": _("No place of departure found for: %(names)s.") % {"names": ", ".join(missing)}}
        )
    return create_joint_trip(
        project=project, title=title, leader=leader, participants=participants, goals=goals, by=by, **shared
    )


@transaction.atomic
@records_by
def join_trip(
    trip: JointTrip, *, people: Iterable[User], by: User, participant_kind: str | None = None
) -> list[Mobility]:
    """Add participants to a trip: each gets a draft mobility with the trip's host, dates and plan."""
    model = trip.mobilities.exclude(status=MobilityStatus.CANCELLED).order_by("pk").first()
    if model is None:
        raise ValidationError(_("This trip has no active participants to join."))
    shared = {field: getattr(model, field) for field in TRIP_FIELDS}
    goals = list(model.goals.all())
    joined = []
    for person in people:
        if trip.mobilities.filter(participant=person).exclude(status=MobilityStatus.CANCELLED).exists():
            raise ValidationError({"participants": wording.about(person, wording.ALREADY_ON_TRIP)})
        organisation = person.organisation
        origin = default_origin(organisation)
        if not origin or organisation is None:
            raise ValidationError(
                {"participants": _("No place of departure found for: %(names)s.") % {"names": person}}
            )
        joined.append(
            create_mobility(
                goals=goals,
                by=by,
                project=trip.project,
                trip=trip,
                participant=person,
                sending_organisation=organisation,
                origin=origin,
                participant_kind=participant_kind or model.participant_kind,
                **shared,
            )
        )
    return joined


# Group activities ---------------------------------------------------------------------------------------------


class GroupPlan(Plan, total=False):
    """The fields of a group activity a planner fills in: the common plan, the group's title, its means of transport,
    who travels and the learners' daily rate."""

    title: str
    means_of_transport: str
    learners: int
    learners_fewer_opportunities: int
    accompanying_persons: int
    lead_accompanying_person: User
    learner_daily_rate: Decimal | None


# In the order of the form.
GROUP_FIELDS = in_model_order(GroupActivity, GroupPlan)


class GroupChanges(GroupPlan, total=False):
    """What may change on a group activity: its plan, and its sending member while it is a draft."""

    sending_organisation: Organisation


class GroupFields(GroupChanges, total=False):
    """A new group activity: its project besides what can change later."""

    project: Required[Project]


def check_group(group: GroupActivity) -> None:
    """The rules of a valid group activity (docs/grant-rules.md, "Group activities"); one ValidationError with
    every problem by field. The grant engine checks the group's size when it prices it."""
    from tilts.exports.beneficiary_module import load_codes  # the module's code lists; exports build on mobility

    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    project = group.project
    if project.status == ProjectStatus.CLOSED:
        add("__all__", _("The project is closed; its mobilities can no longer be planned or changed."))
    activity = project.rate_table.table.activity_types.get(group.activity_type)
    if activity is None or not activity.group:
        add("activity_type", _("Choose a group activity type of this call year."))
    _trip_problems(group, activity, add)
    if group.lead_accompanying_person.organisation_id != group.sending_organisation_id:
        add("lead_accompanying_person", _("The lead accompanying person must work at the sending member."))
    if group.means_of_transport and group.means_of_transport not in load_codes().transport:
        add("means_of_transport", _("Choose a means of transport from the list."))
    if errors:
        raise ValidationError(errors)


def price_group(group: GroupActivity) -> rules.GroupQuote:
    """The group's grant from the project's rate table (docs/grant-rules.md, "Group activities"); translated
    ValidationError by field when the engine refuses the input."""
    origin = grant_services.resolve_place(group.origin, "origin")
    venue = grant_services.resolve_place(group.venue, "venue")
    km = group.ec_distance_km if group.ec_distance_km is not None else grant_services.distance_km(origin, venue)
    request = rules.GroupQuoteRequest(
        activity_type=group.activity_type,
        destination_country=venue.country,
        origin_country=origin.country,
        rate_table=group.project.rate_table.table,
        learners=group.learners,
        learners_fewer_opportunities=group.learners_fewer_opportunities,
        accompanying=group.accompanying_persons,
        distance_km=km,
        distance_source=(
            rules.DistanceSource.EC_CALCULATOR if group.ec_distance_km is not None else rules.DistanceSource.GAZETTEER
        ),
        start=group.start_date,
        end=group.end_date,
        travel_days=group.travel_days,
        green_travel=group.green_travel,
        learner_daily_rate=group.learner_daily_rate,
    )
    try:
        return rules.calculate_group_quote(request)
    except rules.QuoteValidationError as error:
        fields = {"accompanying": "accompanying_persons", "distance_km": "ec_distance_km", "end": "end_date"}
        raise ValidationError(
            {
                fields.get(name, name if name in GROUP_FIELDS else "__all__"): [
                    grant_services.render(message, request.rate_table) for message in messages
                ]
                for name, messages in error.errors.items()
            }
        ) from None


def group_breakdown(quote: rules.GroupQuote) -> dict[str, Any]:
    """What is stored with the group: its figures per category and per kind of person, enough to explain
    every euro, and what the people share (band, country group, funded days, table)."""
    shared = quote.any
    return {
        "call_year": shared.call_year,
        "rate_table": shared.rate_table_title,
        "distance_km": shared.distance_km,
        "distance_source": shared.distance_source.value if shared.distance_source else None,
        "band": shared.band,
        "country_group": shared.country_group,
        "funded_days": shared.funded_days,
        "by_category": {category.value: str(amount) for category, amount in quote.by_category().items()},
        "per_person": {kind: str(person.total) for kind, person in quote.per_person.items()},
        "lines": [
            {
                "kind": line.kind,
                "category": line.category.value,
                "count": line.count,
                "per_person": str(line.per_person),
                "amount": str(line.amount),
                "status": line.status.value,
            }
            for line in quote.lines
        ],
    }


def _prepare_group(group: GroupActivity) -> None:
    """Green travel follows from the main means of transport once it is given (Beneficiary Module, C)."""
    from tilts.exports.beneficiary_module import load_codes

    transport = load_codes().transport.get(group.means_of_transport)
    if transport is not None:
        group.green_travel = transport.green
    check_group(group)
    quote = price_group(group)
    group.grant_total = quote.total
    rate_table = group.project.rate_table
    group.grant_breakdown = {
        **group_breakdown(quote),
        "rate_table_name": rate_table.name,
        "rate_table_version": rate_table.history.count() or 1,
    }


@transaction.atomic
@records_by
def create_group_activity(*, by: User | None, **fields: Unpack[GroupFields]) -> GroupActivity:
    """Plan a group activity (a draft), priced by the rules engine."""
    group = GroupActivity(created_by=by, **fields)
    _prepare_group(group)
    group.full_clean()
    group.save()
    return group


@transaction.atomic
@records_by
def update_group_activity(
    group: GroupActivity, *, version: int, by: User | None, **changes: Unpack[GroupChanges]
) -> GroupActivity:
    """Save changes if nobody saved since ``version``; priced again (and frozen again if approved or later)."""
    if group.status in (MobilityStatus.COMPLETED, MobilityStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled mobility cannot be changed."))
    unknown = set(changes) - {*GROUP_FIELDS, "sending_organisation"}
    if unknown:
        raise ValueError(f"Not a field of a group activity: {', '.join(sorted(unknown))}")
    sender = changes.get("sending_organisation", group.sending_organisation)
    if sender != group.sending_organisation and group.status != MobilityStatus.DRAFT:
        raise ValidationError({"sending_organisation": _("Only a draft can move to another sending member.")})
    for field, value in changes.items():
        setattr(group, field, value)
    _prepare_group(group)
    if group.status in FROZEN:
        group.grant_frozen_at = timezone.now()
    group.full_clean(exclude=["version"])
    claim_version(group, version)
    group.save()
    return group


@transaction.atomic
@records_by
def transition_group(
    group: GroupActivity, to: str, *, by: User, reason: str = "", force_majeure: bool = False
) -> GroupActivity:
    """Move a group activity along the mobilities' workflow; approval prices it again and freezes the grant."""
    locked = GroupActivity.objects.select_for_update().get(pk=group.pk)
    _step(locked, to, reason=reason, force_majeure=force_majeure, on_approval=lambda: _prepare_group(locked))
    return locked

"""Every change to a mobility goes through here: checks, pricing, the status workflow and optimistic locking.

The seed's rule: a mobility is approved only with a plan to teach colleagues afterwards; own-post
development alone is not funded.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tilts.accounts import wording
from tilts.accounts.models import User
from tilts.consortium.models import Goal, MembershipStatus
from tilts.grants import rules
from tilts.grants import services as grant_services
from tilts.mobility.models import TRIP_FIELDS, CalendarFeed, JointTrip, Mobility, MobilityStatus
from tilts.projects.models import ProjectStatus
from tilts.projects.services import EditConflict

ALLOWED = {
    MobilityStatus.DRAFT: {MobilityStatus.SUBMITTED, MobilityStatus.CANCELLED},
    MobilityStatus.SUBMITTED: {MobilityStatus.APPROVED, MobilityStatus.DRAFT, MobilityStatus.CANCELLED},
    MobilityStatus.APPROVED: {MobilityStatus.CONFIRMED, MobilityStatus.CANCELLED},
    MobilityStatus.CONFIRMED: {MobilityStatus.COMPLETED, MobilityStatus.CANCELLED},
    MobilityStatus.COMPLETED: set(),
    MobilityStatus.CANCELLED: set(),
}
FROZEN = {MobilityStatus.APPROVED, MobilityStatus.CONFIRMED, MobilityStatus.COMPLETED}


def check(mobility: Mobility, goals: Iterable[Goal] | None = None) -> None:
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
    if mobility.end_date < mobility.start_date:
        add("end_date", _("The end date cannot be before the start date."))
    elif (
        activity is not None
        and activity.min_days is not None
        and activity.max_days is not None
        and not (activity.min_days <= mobility.activity_days <= activity.max_days)
    ):
        add(
            "end_date",
            _("%(type)s lasts %(min)s to %(max)s days without travel; these dates give %(days)s.")
            % {
                "type": mobility.activity_type_label,
                "min": activity.min_days,
                "max": activity.max_days,
                "days": mobility.activity_days,
            },
        )
    if mobility.start_date < project.start_date or mobility.end_date > project.end_date:
        add(
            "start_date",
            _("The mobility must take place within the project's period (%(start)s – %(end)s).")
            % {"start": project.start_date.isoformat(), "end": project.end_date.isoformat()},
        )
    sending = mobility.sending_organisation
    if not sending.memberships.filter(consortium=project.consortium, status=MembershipStatus.ACTIVE).exists():
        add("sending_organisation", _("Only current members send participants."))
    if mobility.participant.organisation_id != sending.pk:
        add("participant", _("The participant must work at the sending member."))
    if str(mobility.receiving_country) == str(sending.country):
        add(
            "receiving_country",
            _("A mobility goes abroad: the receiving country must differ from the sending country."),
        )
    for field in ("origin", "venue"):
        try:
            place = grant_services.resolve_place(getattr(mobility, field), field)
        except ValidationError as error:
            for message in error.message_dict[field]:
                add(field, message)
        else:
            if field == "venue" and place.country != str(mobility.receiving_country):
                add("venue", _("The venue is not in the receiving country."))
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
        grant_services.QuoteInput(
            activity_type=mobility.activity_type,
            rate_table=mobility.project.rate_table,
            participant_kind=mobility.participant_kind,
            origin=mobility.origin,
            destination=mobility.venue,
            ec_distance_km=mobility.ec_distance_km,
            start=mobility.start_date,
            end=mobility.end_date,
            travel_days=mobility.travel_days,
            green_travel=mobility.green_travel,
            course_days=mobility.course_days,
            fewer_opportunities=mobility.fewer_opportunities,
            zero_grant=mobility.zero_grant,
        )
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


@transaction.atomic
def create_mobility(*, goals: Iterable[Goal], by: User | None, **fields: Any) -> Mobility:
    goals = list(goals)
    mobility = Mobility(created_by=by, **fields)
    check(mobility, goals)
    _store_price(mobility)
    mobility.full_clean(exclude=["goals"])
    mobility.save()
    mobility.goals.set(goals)
    return mobility


def preview_change(mobility: Mobility, **changes: Any) -> tuple[Decimal | None, Decimal]:
    """The grant before and after the proposed changes, without saving anything."""
    before = mobility.grant_total
    proposed = Mobility.objects.get(pk=mobility.pk)
    for field, value in changes.items():
        setattr(proposed, field, value)
    check(proposed)
    return before, price(proposed).quote.total


@transaction.atomic
def update_mobility(
    mobility: Mobility, *, version: int, goals: Iterable[Goal] | None = None, **changes: Any
) -> Mobility:
    """Save changes if nobody saved since ``version``; the grant is recalculated (and re-frozen if approved)."""
    if mobility.status in (MobilityStatus.COMPLETED, MobilityStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled mobility cannot be changed."))
    for field, value in changes.items():
        setattr(mobility, field, value)
    goal_list = list(goals) if goals is not None else None
    check(mobility, goal_list)
    _store_price(mobility)
    if mobility.status in FROZEN:
        mobility.grant_frozen_at = timezone.now()
    mobility.full_clean(exclude=["goals", "version"])
    if Mobility.objects.filter(pk=mobility.pk, version=version).update(version=F("version") + 1) != 1:
        raise EditConflict()
    mobility.version = version + 1
    mobility.save()
    if goal_list is not None:
        mobility.goals.set(goal_list)
    return mobility


@transaction.atomic
def transition(mobility: Mobility, to: str, *, by: User, reason: str = "", force_majeure: bool = False) -> Mobility:
    """Move a mobility along draft → submitted → approved → confirmed → completed, or cancel it."""
    locked = Mobility.objects.select_for_update().get(pk=mobility.pk)
    target = MobilityStatus(to)
    if target not in ALLOWED[MobilityStatus(locked.status)]:
        raise ValidationError(
            _("A %(from)s mobility cannot become %(to)s.")
            % {"from": locked.get_status_display().lower(), "to": target.label.lower()}
        )
    if target == MobilityStatus.APPROVED:
        check_followup(locked)
        check(locked)
        _store_price(locked)
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
    # A report opens on completion, or on confirmation of a mobility that has already ended.
    if target == MobilityStatus.COMPLETED or (
        target == MobilityStatus.CONFIRMED and locked.end_date < timezone.localdate()
    ):
        from tilts.reporting.services import open_report  # reporting builds on mobilities, not the reverse

        open_report(locked)
    if target in (MobilityStatus.SUBMITTED, MobilityStatus.APPROVED):
        from tilts.notifications.services import mobility_moved

        mobility_moved(locked)
    return locked


@transaction.atomic
def create_joint_trip(
    *,
    project: Any,
    title: str,
    leader: User | None,
    participants: list[dict[str, Any]],
    goals: Iterable[Goal],
    by: User | None,
    **shared: Any,
) -> JointTrip:
    """A trip to one host on the same dates for participants of several members: one mobility each.

    Other members join it later with :func:`join_trip`.
    """
    if not participants:
        raise ValidationError({"participants": _("Choose at least one participant.")})
    trip = JointTrip.objects.create(project=project, title=title, leader=leader)
    goals = list(goals)
    for person in participants:
        create_mobility(goals=goals, by=by, project=project, trip=trip, **shared, **person)
    return trip


@transaction.atomic
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
def create_trip_from_form(
    *,
    project: Any,
    title: str,
    leader: User | None,
    people: Iterable[User],
    goals: Iterable[Goal],
    by: User,
    **shared: Any,
) -> JointTrip:
    participants = [
        {
            "sending_organisation": person.organisation,
            "participant": person,
            "origin": default_origin(person.organisation),
        }
        for person in people
    ]
    missing = [str(p["participant"]) for p in participants if not p["origin"]]
    if missing:
        raise ValidationError(
            {"participants": _("No place of departure found for: %(names)s.") % {"names": ", ".join(missing)}}
        )
    return create_joint_trip(
        project=project, title=title, leader=leader, participants=participants, goals=goals, by=by, **shared
    )


@transaction.atomic
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
        origin = default_origin(person.organisation)
        if not origin:
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
                sending_organisation=person.organisation,
                origin=origin,
                participant_kind=participant_kind or model.participant_kind,
                **shared,
            )
        )
    return joined

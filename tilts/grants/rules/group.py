"""The grant of a group activity: adult learners' group mobility, with the staff accompanying them.

A group is priced as its people (``docs/grant-rules.md``, "Group activities"): each learner and each
accompanying person gets a quote of :func:`calculate_quote` for the same trip, and the group's grant is the
sum. Learners get the learner daily rate, organisational support and, where they have fewer opportunities,
inclusion support for organisations; accompanying persons get the staff daily rate and travel, no
organisational support. Every per-person amount is already rounded to the cent, so the group's amounts are
exact multiples of them: nothing is rounded again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from tilts.grants.rules.calculate import (
    ZERO,
    Category,
    DistanceSource,
    Message,
    Quote,
    QuoteRequest,
    QuoteValidationError,
    calculate_quote,
)
from tilts.grants.rules.i18n import gettext_noop as _
from tilts.grants.rules.rates import RateTable, RateTableError, Status, load_call_year

LEARNER, LEARNER_FEWER, ACCOMPANYING = "learner", "learner_fewer_opportunities", "accompanying"
KINDS = (LEARNER, LEARNER_FEWER, ACCOMPANYING)
# A group of any size is priced; this keeps a typing slip (3000 learners) from passing as a plan.
MAX_GROUP = 500


@dataclass(frozen=True)
class GroupQuoteRequest:
    """One group's trip: the same dates, places and travel for all, and how many of each kind travel.

    ``learner_daily_rate`` is the project's learner rate from the grant agreement, needed where the table
    has none (from call 2024); accompanying persons always get the table's staff rate.
    """

    activity_type: str
    destination_country: str
    learners: int
    accompanying: int
    learners_fewer_opportunities: int = 0
    call_year: int | None = None
    rate_table: RateTable | None = None
    origin_country: str | None = None
    distance_km: int | None = None
    distance_source: DistanceSource = DistanceSource.GAZETTEER
    activity_days: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    travel_days: int = 0
    green_travel: bool = False
    learner_daily_rate: Decimal | None = None


@dataclass(frozen=True)
class GroupLine:
    """One cost category for one kind of person: the amount per person times the number of such persons."""

    kind: str
    category: Category
    count: int
    per_person: Decimal
    amount: Decimal
    status: Status


@dataclass(frozen=True)
class GroupQuote:
    learners: int
    learners_fewer_opportunities: int
    accompanying: int
    per_person: dict[str, Quote]  # the quote of one person of each kind that travels
    lines: tuple[GroupLine, ...]
    total: Decimal
    warnings: tuple[Message, ...]

    @property
    def any(self) -> Quote:
        """One of the person quotes, for what they share: the band, the group, the days, the table."""
        return next(iter(self.per_person.values()))

    def by_category(self) -> dict[Category, Decimal]:
        totals: dict[Category, Decimal] = {}
        for line in self.lines:
            totals[line.category] = totals.get(line.category, ZERO) + line.amount
        return totals

    def count_of(self, kind: str) -> int:
        return {
            LEARNER: self.learners - self.learners_fewer_opportunities,
            LEARNER_FEWER: self.learners_fewer_opportunities,
            ACCOMPANYING: self.accompanying,
        }[kind]


def _check_group(request: GroupQuoteRequest) -> None:
    """Docs "Group activities": a group activity type, at least its minimum of learners (2, confirmed), at
    least one accompanying person (the group is accompanied throughout, confirmed), and no more learners
    with fewer opportunities than learners."""
    errors: dict[str, list[Message]] = {}

    def add(name: str, code: str, message: str, **params: object) -> None:
        errors.setdefault(name, []).append(Message(code, message, params))

    table = request.rate_table
    if table is None and request.call_year is not None:
        try:
            table = load_call_year(request.call_year)
        except RateTableError:
            table = None  # calculate_quote names the unknown call year
    activity = table.activity_types.get(request.activity_type) if table is not None else None
    if table is not None and (activity is None or not activity.group):
        add("activity_type", "not_group", _("Choose a group activity type of this call year."))
    minimum = (activity.min_participants if activity else None) or 2
    if request.learners < minimum:
        add("learners", "min", _("A group has at least %(min)s learners."), min=minimum)
    elif request.learners > MAX_GROUP:
        add("learners", "max", _("A group has at most %(max)s learners."), max=MAX_GROUP)
    if request.learners_fewer_opportunities < 0:
        add("learners_fewer_opportunities", "negative", _("The number cannot be negative."))
    elif request.learners_fewer_opportunities > request.learners:
        add(
            "learners_fewer_opportunities",
            "too_many",
            _("No more learners with fewer opportunities than learners (%(count)s)."),
            count=request.learners,
        )
    if request.accompanying < 1:
        add("accompanying", "min", _("A group of learners is accompanied by at least one person of the sending staff."))
    elif request.accompanying > MAX_GROUP:
        add("accompanying", "max", _("A group has at most %(max)s accompanying persons."), max=MAX_GROUP)
    if errors:
        raise QuoteValidationError(errors)


def calculate_group_quote(request: GroupQuoteRequest) -> GroupQuote:
    """Price a group: one quote per kind of person, times the number of such persons."""
    _check_group(request)
    shared = QuoteRequest(
        activity_type=request.activity_type,
        destination_country=request.destination_country,
        call_year=request.call_year,
        rate_table=request.rate_table,
        origin_country=request.origin_country,
        distance_km=request.distance_km,
        distance_source=request.distance_source,
        activity_days=request.activity_days,
        start=request.start,
        end=request.end,
        travel_days=request.travel_days,
        green_travel=request.green_travel,
    )
    learner = replace(shared, participant_kind="learner", daily_rate_override=request.learner_daily_rate)
    people = {
        LEARNER: learner,
        LEARNER_FEWER: replace(learner, fewer_opportunities=True),
        ACCOMPANYING: replace(shared, participant_kind="accompanying"),
    }
    counts = {
        LEARNER: request.learners - request.learners_fewer_opportunities,
        LEARNER_FEWER: request.learners_fewer_opportunities,
        ACCOMPANYING: request.accompanying,
    }
    per_person: dict[str, Quote] = {}
    errors: dict[str, list[Message]] = {}
    for kind in KINDS:
        if not counts[kind]:
            continue
        try:
            per_person[kind] = calculate_quote(people[kind])
        except QuoteValidationError as error:
            for name, messages in error.errors.items():
                # The learners' own rate is the group's field; an override is never asked of the staff rate.
                field = "learner_daily_rate" if name == "daily_rate_override" else name
                known = errors.setdefault(field, [])
                known.extend(message for message in messages if message not in known)
    if errors:
        raise QuoteValidationError(errors)
    lines = []
    warnings: list[Message] = []
    for kind, quote in per_person.items():
        totals = quote.by_category()
        statuses: dict[Category, Status] = {}
        for line in quote.lines:
            if line.status == Status.TO_CONFIRM:
                statuses[line.category] = Status.TO_CONFIRM
        for category, amount in totals.items():
            lines.append(
                GroupLine(
                    kind,
                    category,
                    counts[kind],
                    amount,
                    amount * counts[kind],
                    statuses.get(category, Status.CONFIRMED),
                )
            )
        warnings.extend(message for message in quote.warnings if message not in warnings)
    return GroupQuote(
        learners=request.learners,
        learners_fewer_opportunities=request.learners_fewer_opportunities,
        accompanying=request.accompanying,
        per_person=per_person,
        lines=tuple(lines),
        total=sum((line.amount for line in lines), ZERO),
        warnings=tuple(warnings),
    )

"""The Erasmus+ KA1 adult-education grant for one participant, line by line, to the cent.

Every rule cites ``docs/grant-rules.md`` (the rules Tilts implements, with their sources) and through it the
Programme Guide (PG), Part B, "Mobility projects for adult education staff and learners", section "Funding rules".
Amounts are ``Decimal``; each line is rounded to the cent, half up, at its end; the total is the exact sum of
the lines. Invalid input raises :class:`QuoteValidationError` naming the field; nothing is guessed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from tilts.grants.rules.i18n import gettext_noop as _
from tilts.grants.rules.rates import (
    PARTICIPANT_KINDS,
    ActivityType,
    Amount,
    RateTable,
    RateTableError,
    Status,
    TravelBand,
    load_call_year,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


class Category(StrEnum):
    TRAVEL = "travel"
    EXCEPTIONAL_TRAVEL = "exceptional_travel"
    INDIVIDUAL_SUPPORT = "individual_support"
    ORGANISATIONAL_SUPPORT = "organisational_support"
    COURSE_FEES = "course_fees"
    INCLUSION_ORGANISATION = "inclusion_support_organisation"
    INCLUSION_PARTICIPANT = "inclusion_support_participant"
    PREPARATORY_VISIT = "preparatory_visit"


CATEGORY_LABELS = {
    Category.TRAVEL: _("Travel"),
    Category.EXCEPTIONAL_TRAVEL: _("Exceptional costs for expensive travel"),
    Category.INDIVIDUAL_SUPPORT: _("Individual support"),
    Category.ORGANISATIONAL_SUPPORT: _("Organisational support"),
    Category.COURSE_FEES: _("Course fees"),
    Category.INCLUSION_ORGANISATION: _("Inclusion support for organisations"),
    Category.INCLUSION_PARTICIPANT: _("Inclusion support for participants"),
    Category.PREPARATORY_VISIT: _("Preparatory visits"),
}


class DistanceSource(StrEnum):
    GAZETTEER = "gazetteer"
    EC_CALCULATOR = "ec_calculator"


@dataclass(frozen=True)
class Message:
    """A translatable message: an English msgid with named placeholders, and their values."""

    code: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self) -> str:
        return self.message % self.params if self.params else self.message


class QuoteValidationError(ValueError):
    """Input that cannot be priced, with messages per field (the API answers 422 with them)."""

    def __init__(self, errors: dict[str, list[Message]]) -> None:
        super().__init__("; ".join(f"{name}: {m.render()}" for name, msgs in errors.items() for m in msgs))
        self.errors = errors


@dataclass(frozen=True)
class QuoteRequest:
    """What is needed to price one participant's mobility.

    ``distance_km`` is the one-way distance: computed by the caller from the gazetteer (``distance.py``) or
    entered from the EC distance calculator; ``distance_source`` says which. Give either ``activity_days`` or
    ``start`` and ``end`` (inclusive; travel days are counted separately).
    """

    activity_type: str
    destination_country: str
    call_year: int | None = None
    rate_table: RateTable | None = None
    participant_kind: str = "staff"
    origin_country: str | None = None
    distance_km: int | None = None
    distance_source: DistanceSource = DistanceSource.GAZETTEER
    activity_days: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    travel_days: int = 0
    green_travel: bool = False
    course_days: int = 0
    fewer_opportunities: bool = False
    zero_grant: bool = False
    real_travel_cost: Decimal | None = None
    exceptional_travel_reason: str = ""
    inclusion_real_costs: Decimal | None = None
    inclusion_justification: str = ""
    daily_rate_override: Decimal | None = None


@dataclass(frozen=True)
class QuoteLine:
    category: Category
    rule: str
    pg_section: str
    description: Message
    unit: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    status: Status


@dataclass(frozen=True)
class Quote:
    call_year: int
    rate_table_title: str
    activity_type: str
    participant_kind: str
    lines: tuple[QuoteLine, ...]
    total: Decimal
    distance_km: int | None
    distance_source: DistanceSource | None
    band: str | None
    country_group: int | None
    activity_days: int
    funded_travel_days: int
    funded_days: int
    zero_grant: bool
    warnings: tuple[Message, ...]
    # Which grouping priced the individual support: the table's list (with its source and status) or the
    # project's own group for the country (docs/grant-rules.md, "Country groups")
    country_group_status: Status | None = None
    country_group_source: str = ""
    country_group_set_by_project: bool = False

    def by_category(self) -> dict[Category, Decimal]:
        totals: dict[Category, Decimal] = {}
        for line in self.lines:
            totals[line.category] = totals.get(line.category, ZERO) + line.amount
        return totals


def money(value: Decimal) -> Decimal:
    """Round to the cent, half up: the rounding applied at the end of every line."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _exact_rate(rate: Decimal) -> Decimal:
    """A rate shown with cents, or with all its decimals where it has more (66.885): never rounded."""
    in_cents = rate.quantize(CENT)
    return in_cents if in_cents == rate else rate


def _worst(*statuses: Status) -> Status:
    return Status.TO_CONFIRM if Status.TO_CONFIRM in statuses else Status.CONFIRMED


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[Message]] = {}

    def add(self, name: str, code: str, message: str, **params: object) -> None:
        self.errors.setdefault(name, []).append(Message(code, message, params))

    def raise_if_any(self) -> None:
        if self.errors:
            raise QuoteValidationError(self.errors)


def _decimal(errors: _Errors, name: str, value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(name, "invalid", _("Enter an amount in euro, e.g. 350.00."))
        return None
    if not number.is_finite() or number < 0:
        errors.add(name, "negative", _("The amount cannot be negative."))
        return None
    return number


def _table(request: QuoteRequest, errors: _Errors) -> RateTable | None:
    if request.rate_table is not None:
        return request.rate_table
    if request.call_year is None:
        errors.add("call_year", "required", _("Choose a call year."))
        return None
    try:
        return load_call_year(request.call_year)
    except RateTableError:
        errors.add(
            "call_year", "unknown", _("There is no rate table for the call year %(year)s."), year=request.call_year
        )
        return None


def _activity_days(request: QuoteRequest, errors: _Errors) -> int:
    if request.start is not None or request.end is not None:
        if request.start is None or request.end is None:
            errors.add(
                "end" if request.end is None else "start", "required", _("Give both the start and the end date.")
            )
            return 0
        if request.end < request.start:
            errors.add("end", "before_start", _("The end date cannot be before the start date."))
            return 0
        return (request.end - request.start).days + 1
    if request.activity_days is None:
        errors.add("activity_days", "required", _("Give the number of activity days or the dates."))
        return 0
    if request.activity_days < 1:
        errors.add("activity_days", "min", _("A mobility lasts at least one day."))
        return 0
    return request.activity_days


def calculate_quote(request: QuoteRequest) -> Quote:
    """Price one participant: travel, individual support, organisational support and the other categories."""
    errors = _Errors()
    table = _table(request, errors)
    days = _activity_days(request, errors)
    destination = (request.destination_country or "").upper()
    origin = (request.origin_country or "").upper() or None
    if not COUNTRY_RE.match(destination):
        errors.add("destination_country", "invalid", _("Choose the receiving country."))
    if origin is not None and not COUNTRY_RE.match(origin):
        errors.add("origin_country", "invalid", _("Choose the sending country."))
    if origin is not None and origin == destination:
        errors.add(
            "destination_country",
            "not_abroad",
            _("A mobility goes abroad: the receiving country must differ from the sending country."),
        )
    if request.participant_kind not in PARTICIPANT_KINDS:
        errors.add("participant_kind", "invalid", _("Choose staff, adult learner or accompanying person."))
    if request.travel_days < 0:
        errors.add("travel_days", "negative", _("Travel days cannot be negative."))
    if request.course_days < 0:
        errors.add("course_days", "negative", _("Course days cannot be negative."))
    elif request.course_days and request.activity_type != "course":
        # Docs "Odd inputs": refused with a message, never silently dropped.
        errors.add(
            "course_days",
            "not_a_course",
            _("Course fees are paid only for courses and training: leave course days at 0."),
        )
    elif days and request.course_days > days:
        errors.add("course_days", "too_many", _("Course days cannot exceed the activity days (%(days)s)."), days=days)
    real_travel_cost = _decimal(errors, "real_travel_cost", request.real_travel_cost)
    inclusion_costs = _decimal(errors, "inclusion_real_costs", request.inclusion_real_costs)
    rate_override = _decimal(errors, "daily_rate_override", request.daily_rate_override)
    if real_travel_cost is not None and not request.exceptional_travel_reason.strip():
        errors.add("exceptional_travel_reason", "required", _("Explain why the travel is exceptionally expensive."))
    if inclusion_costs is not None and not request.inclusion_justification.strip():
        errors.add("inclusion_justification", "required", _("Justify the real costs of inclusion support."))

    activity = None
    if table is not None:
        activity = table.activity_types.get(request.activity_type)
        if activity is None:
            errors.add("activity_type", "unknown", _("Choose an activity type of this call year."))
        elif request.participant_kind in PARTICIPANT_KINDS and not activity.allows(request.participant_kind):
            errors.add(
                "participant_kind", "not_allowed", _("This kind of participant cannot take part in this activity type.")
            )
    is_prep_visit = request.activity_type == "preparatory_visit"
    if not is_prep_visit and request.distance_km is None:
        errors.add(
            "distance_km", "required", _("Choose the places or enter the distance from the EC distance calculator.")
        )
    elif request.distance_km is not None and request.distance_km < 0:
        errors.add("distance_km", "negative", _("The distance cannot be negative."))
    errors.raise_if_any()
    assert table is not None and activity is not None

    group = table.country_group(destination)
    daily: Amount | None = None
    if not is_prep_visit:
        if rate_override is not None:
            daily = Amount(rate_override, Status.CONFIRMED, "Entered for this quote")
        elif group is None:
            errors.add(
                "daily_rate_override",
                "third_country",
                _("%(country)s is in none of the country groups: enter the daily rate from the grant agreement."),
                country=destination,
            )
        else:
            daily = table.daily_rate(request.participant_kind, group)
            if daily is None:
                errors.add(
                    "daily_rate_override",
                    "no_rate",
                    _("This rate table has no daily rate for adult learners: enter the project's rate."),
                )
    errors.raise_if_any()

    builder = _Builder(table, request)
    if is_prep_visit:
        builder.preparatory_visit()
    else:
        assert daily is not None and request.distance_km is not None
        builder.check_duration(activity, days)
        funded_travel_days = builder.travel(request.distance_km, real_travel_cost)
        builder.individual_support(daily, days, funded_travel_days)
        if request.participant_kind != "accompanying":
            builder.organisational_support(activity.key)
        if request.activity_type == "course" and request.course_days:
            builder.course_fees(request.course_days)
    if request.fewer_opportunities:
        if request.participant_kind == "accompanying":
            # Docs "Odd inputs": inclusion support is for participants with fewer opportunities, not companions.
            builder.warnings.append(
                Message(
                    "accompanying_fewer_opportunities",
                    _(
                        "Inclusion support is for participants with fewer opportunities, not for the persons "
                        "accompanying them: check whether this accompanying person should be marked."
                    ),
                )
            )
        builder.inclusion_organisation()
    if inclusion_costs is not None:
        builder.inclusion_participant(inclusion_costs)
    return _with_grouping(builder.quote(days, group, activity.key), table, destination)


def _with_grouping(quote: Quote, table: RateTable, country: str) -> Quote:
    found = table.country_group_of(country)
    if found is None:
        return quote
    return replace(
        quote,
        country_group_status=found.status,
        country_group_source=found.source,
        country_group_set_by_project=found.changed_by_project,
    )


class _Builder:
    """Collects the lines and warnings of one quote; each method is one rule of ``docs/grant-rules.md``."""

    def __init__(self, table: RateTable, request: QuoteRequest) -> None:
        self.table = table
        self.request = request
        self.lines: list[QuoteLine] = []
        self.warnings: list[Message] = []
        self.band: TravelBand | None = None
        self.funded_travel_days = 0

    def add(
        self,
        category: Category,
        rule: str,
        section: str,
        description: Message,
        unit: str,
        quantity: Decimal | int,
        rate: Decimal,
        status: Status,
        amount: Decimal | None = None,
    ) -> None:
        value = money(Decimal(quantity) * rate) if amount is None else money(amount)
        if self.request.zero_grant:
            value = ZERO
        if status == Status.TO_CONFIRM:
            self.warnings.append(
                Message(
                    "to_confirm",
                    _("%(item)s uses a value still to be confirmed; check it against the grant agreement."),
                    {"item": CATEGORY_LABELS[category]},
                )
            )
        self.lines.append(QuoteLine(category, rule, section, description, unit, Decimal(quantity), rate, value, status))

    def check_duration(self, activity: ActivityType, days: int) -> None:
        """Docs "Activity types": each activity type has a minimum and maximum duration."""
        if activity.max_days is None and activity.min_days is not None and days < activity.min_days:
            # An open-ended type, e.g. adult learners' long-term mobility from 2026 (upper limit to confirm)
            self.warnings.append(
                Message(
                    "duration",
                    _("%(type)s lasts at least %(min)s days (travel excluded); this one has %(days)s."),
                    {"type": activity.key, "min": activity.min_days, "days": days},
                )
            )
        elif (activity.min_days is not None and days < activity.min_days) or (
            activity.max_days is not None and days > activity.max_days
        ):
            self.warnings.append(
                Message(
                    "duration",
                    _("%(type)s lasts %(min)s to %(max)s days (travel excluded); this one has %(days)s."),
                    {"type": activity.key, "min": activity.min_days, "max": activity.max_days, "days": days},
                )
            )

    def travel(self, km: int, real_cost: Decimal | None) -> int:
        """Docs "Travel": a unit cost per participant for the return trip, by the one-way distance band;
        the green rate where the band has one; no travel grant below 10 km. Travel days: up to 2, or up to 6
        with green travel. Expensive travel: 80 % of the real cost replaces the unit cost where the unit cost
        covers less than 70 % of it, compared exactly. A band whose green rate repeats the standard one (from
        4000 km since call 2024) pays it for green travel without a warning."""
        request, table = self.request, self.table
        limit = table.max_travel_days_green if request.green_travel else table.max_travel_days_standard
        self.funded_travel_days = min(request.travel_days, limit.value)
        if request.travel_days > limit.value:
            self.warnings.append(
                Message(
                    "travel_days",
                    _("At most %(limit)s travel days are funded with this travel mode; %(days)s were entered."),
                    {"limit": limit.value, "days": request.travel_days},
                )
            )
        band = table.band_for(km)
        self.band = band
        if band is None:
            self.warnings.append(
                Message("no_travel", _("Below %(km)s km there is no travel grant."), {"km": table.travel_min_km})
            )
            if self.funded_travel_days:
                # Docs "Travel days": travel days are paid through individual support, not the travel grant,
                # so they still count here; say so, since a trip this short rarely needs them.
                self.warnings.append(
                    Message(
                        "travel_days_without_travel_grant",
                        _(
                            "There is no travel grant, but the %(days)s travel days entered are still paid as "
                            "individual support days; remove them if the participant does not travel."
                        ),
                        {"days": self.funded_travel_days},
                    )
                )
            return self.funded_travel_days
        unit = band.standard
        rule = "travel_standard"
        if request.green_travel:
            if band.green is not None:
                unit, rule = band.green, "travel_green"
            else:
                self.warnings.append(
                    Message(
                        "no_green_rate",
                        _("The band %(band)s has no green travel rate; the standard rate applies."),
                        {"band": band.label},
                    )
                )
        if real_cost is not None:
            threshold = self.table.exceptional_threshold
            # Docs "Expensive travel": compared exactly, nothing rounded before the comparison (309.00 against
            # 441.43 is 69.9998 %, below 70 %); only the amount paid is rounded.
            if unit.amount < real_cost * threshold.amount:
                share = self.table.exceptional_share
                self.add(
                    Category.EXCEPTIONAL_TRAVEL,
                    "exceptional_travel",
                    "PG Part B, KA1 adult education, Funding rules: Exceptional costs for expensive travel",
                    Message(
                        "exceptional_travel",
                        _("%(share)s %% of the real travel cost %(cost)s EUR (%(reason)s)"),
                        {
                            "share": int(share.amount * 100),
                            "cost": str(money(real_cost)),
                            "reason": request.exceptional_travel_reason.strip(),
                        },
                    ),
                    _("trip"),
                    1,
                    money(real_cost * share.amount),
                    _worst(threshold.status, share.status),
                )
                return self.funded_travel_days
            self.warnings.append(
                Message(
                    "exceptional_not_met",
                    _("The travel unit cost covers at least %(share)s %% of the real cost, so the unit cost applies."),
                    {"share": int(threshold.amount * 100)},
                )
            )
        description = (
            Message("travel_green", _("Green travel, %(band)s one way"), {"band": band.label})
            if rule == "travel_green"
            else Message("travel_standard", _("Travel, %(band)s one way"), {"band": band.label})
        )
        self.add(
            Category.TRAVEL,
            rule,
            "PG Part B, KA1 adult education, Funding rules: Travel",
            description,
            _("participant"),
            1,
            unit.amount,
            unit.status,
        )
        return self.funded_travel_days

    def individual_support(self, daily: Amount, activity_days: int, travel_days: int) -> None:
        """Docs "Individual support": per day of activity plus funded travel days, by the receiving
        country's group; days 1-14 at the full rate, from day 15 at 70 % of it. Rounding happens once, at the
        end of each line (docs: "rounded to the cent at the end of each line"), so the reduced rate is
        shown unrounded: 95.55 x 0.70 = 66.885 a day, 3 days = 200.655 -> 200.66."""
        funded = activity_days + travel_days
        full_until = self.table.reduced_from_day.value - 1
        full_days = min(funded, full_until)
        section = "PG Part B, KA1 adult education, Funding rules: Individual support"
        self.add(
            Category.INDIVIDUAL_SUPPORT,
            "individual_support_full",
            section,
            Message("days_full", _("Days 1–%(last)s at the full daily rate"), {"last": full_days}),
            _("day"),
            full_days,
            daily.amount,
            daily.status,
        )
        reduced_days = funded - full_days
        if reduced_days > 0:
            share = self.table.reduced_share
            self.add(
                Category.INDIVIDUAL_SUPPORT,
                "individual_support_reduced",
                section,
                Message(
                    "days_reduced",
                    _("Days %(first)s–%(last)s at %(share)s %% of the daily rate"),
                    {"first": full_until + 1, "last": funded, "share": int(share.amount * 100)},
                ),
                _("day"),
                reduced_days,
                _exact_rate(daily.amount * share.amount),
                _worst(daily.status, share.status),
            )

    def organisational_support(self, activity_type: str) -> None:
        """Docs "Other cost categories": per participant at the activity type's rate, not for accompanying
        persons."""
        rate = self.table.organisational_support_for(activity_type)
        self.add(
            Category.ORGANISATIONAL_SUPPORT,
            "organisational_support",
            "PG Part B, KA1 adult education, Funding rules: Organisational support",
            Message("organisational_support", _("Per participant")),
            _("participant"),
            1,
            rate.amount,
            rate.status,
        )

    def course_fees(self, course_days: int) -> None:
        """Docs "Other cost categories": course fees per day (80 from call 2021), capped per participant."""
        per_day, cap = self.table.course_fee_per_day, self.table.course_fee_cap
        amount = money(per_day.amount * course_days)
        if amount > cap.amount:
            self.warnings.append(
                Message(
                    "course_fee_cap",
                    _("Course fees are capped at %(cap)s EUR per participant."),
                    {"cap": str(cap.amount)},
                )
            )
            amount = cap.amount
        self.add(
            Category.COURSE_FEES,
            "course_fees",
            "PG Part B, KA1 adult education, Funding rules: Course fees",
            Message(
                "course_fees",
                _("%(days)s course days, at most %(cap)s EUR"),
                {"days": course_days, "cap": str(cap.amount)},
            ),
            _("day"),
            course_days,
            per_day.amount,
            _worst(per_day.status, cap.status),
            amount=amount,
        )

    def inclusion_organisation(self) -> None:
        """Docs "Other cost categories": per participant with fewer opportunities."""
        rate = self.table.inclusion_organisation
        self.add(
            Category.INCLUSION_ORGANISATION,
            "inclusion_organisation",
            "PG Part B, KA1 adult education, Funding rules: Inclusion support for organisations",
            Message("inclusion_organisation", _("Participant with fewer opportunities")),
            _("participant"),
            1,
            rate.amount,
            rate.status,
        )

    def inclusion_participant(self, costs: Decimal) -> None:
        """Docs "Other cost categories": real costs, with a justification."""
        self.add(
            Category.INCLUSION_PARTICIPANT,
            "inclusion_participant",
            "PG Part B, KA1 adult education, Funding rules: Inclusion support for participants",
            Message(
                "inclusion_participant",
                _("Real costs: %(justification)s"),
                {"justification": self.request.inclusion_justification.strip()},
            ),
            _("real costs"),
            1,
            money(costs),
            Status.CONFIRMED,
        )

    def preparatory_visit(self) -> None:
        """Docs "Other cost categories": a lump sum per participant of a preparatory visit."""
        rate = self.table.preparatory_visit
        self.add(
            Category.PREPARATORY_VISIT,
            "preparatory_visit",
            "PG Part B, KA1 adult education, Funding rules: Preparatory visits",
            Message("preparatory_visit", _("Per participant of the visit")),
            _("participant"),
            1,
            rate.amount,
            rate.status,
        )

    def quote(self, activity_days: int, group: int | None, activity_type: str) -> Quote:
        if self.request.zero_grant:
            self.warnings.append(
                Message("zero_grant", _("Zero-grant participant: counted as a participant, no grant is paid."))
            )
        funded = 0 if self.request.activity_type == "preparatory_visit" else activity_days + self.funded_travel_days
        distance_km = self.request.distance_km
        return Quote(
            call_year=self.table.call_year,
            rate_table_title=self.table.title,
            activity_type=activity_type,
            participant_kind=self.request.participant_kind,
            lines=tuple(self.lines),
            total=sum((line.amount for line in self.lines), ZERO),
            distance_km=distance_km,
            distance_source=self.request.distance_source if distance_km is not None else None,
            band=self.band.label if self.band else None,
            country_group=group,
            activity_days=activity_days,
            funded_travel_days=self.funded_travel_days,
            funded_days=funded,
            zero_grant=self.request.zero_grant,
            warnings=tuple(_unique(self.warnings)),
        )


def _unique(messages: list[Message]) -> list[Message]:
    seen: set[str] = set()
    unique = []
    for message in messages:
        key = message.code + repr(sorted(message.params.items()))
        if key not in seen:
            seen.add(key)
            unique.append(message)
    return unique

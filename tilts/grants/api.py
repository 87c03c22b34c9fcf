"""Grant quotes, rate tables, places and distances over JSON. Anonymous use is allowed and rate-limited."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tilts.accounts.models import User
from tilts.core.api import CallYear, ObjectId
from tilts.core.limits import CODE_MAX
from tilts.grants import rules, services
from tilts.grants.models import RateTable

router = Router(tags=["grants"])


class QuoteIn(Schema):
    call_year: int | None = Field(
        None, ge=2014, le=2100, description="Call year of the default rate table (latest if empty)."
    )
    rate_table: int | None = Field(
        None,
        ge=1,
        le=2**63 - 1,
        description="Id of a rate table in use instead of the call year's defaults (coordinator and auditor only).",
    )
    activity_type: str = Field(
        max_length=CODE_MAX, description="e.g. job_shadowing, course, teaching_assignment, group_mobility."
    )
    participant_kind: str = Field("staff", max_length=CODE_MAX, description="staff, learner or accompanying.")
    origin: str = Field("", max_length=CODE_MAX, description="Place id from /places (g:<GeoNames id> or c:<id>).")
    destination: str = Field("", max_length=CODE_MAX, description="Place id from /places.")
    origin_country: str = Field("", max_length=CODE_MAX, description="ISO code, when no origin place is given.")
    destination_country: str = Field(
        "", max_length=CODE_MAX, description="ISO code, when no destination place is given."
    )
    distance_km: int | None = Field(None, ge=0, le=40000, description="One-way km from the EC distance calculator.")
    activity_days: int | None = Field(None, ge=1, le=1000)
    start: datetime.date | None = None
    end: datetime.date | None = None
    travel_days: int = Field(0, ge=0, le=60)
    green_travel: bool = False
    course_days: int = Field(0, ge=0, le=1000)
    fewer_opportunities: bool = False
    zero_grant: bool = False
    real_travel_cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    exceptional_travel_reason: str = Field("", max_length=500)
    inclusion_real_costs: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    inclusion_justification: str = Field("", max_length=500)
    daily_rate_override: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)


class LineOut(Schema):
    category: str
    category_label: str
    rule: str
    pg_section: str
    description: str
    unit: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    status: str


class WarningOut(Schema):
    code: str
    message: str


class PlaceOut(Schema):
    id: str
    name: str
    country: str
    country_name: str
    label: str
    latitude: float
    longitude: float
    population: int | None


class QuoteOut(Schema):
    call_year: int
    rate_table: str
    rate_table_version: str = Field(description="The call year's defaults, or the version of a project's table.")
    activity_type: str
    participant_kind: str
    lines: list[LineOut]
    total: Decimal
    currency: str = "EUR"
    distance_km: int | None
    distance_source: str | None
    gazetteer_distance_km: int | None
    band: str | None
    country_group: int | None
    country_group_status: str | None = Field(description="confirmed or to_confirm: the grouping that priced it.")
    country_group_source: str
    country_group_set_by_project: bool
    activity_days: int
    funded_travel_days: int
    funded_days: int
    zero_grant: bool
    origin: PlaceOut | None
    destination: PlaceOut | None
    warnings: list[WarningOut]


class DistanceOut(Schema):
    origin: PlaceOut
    destination: PlaceOut
    distance_km: int
    call_year: int
    band: str | None
    travel_standard: Decimal | None
    travel_green: Decimal | None


class RateValueOut(Schema):
    key: str
    label: str
    value: Decimal
    status: str
    source: str


class CountryGroupOut(Schema):
    country: str
    country_name: str
    group: int
    status: str
    source: str
    set_by_project: bool


class RatesOut(Schema):
    call_year: int
    title: str
    programme_guide: str
    values: list[RateValueOut]
    country_groups: list[CountryGroupOut]
    table: dict[str, Any] = Field(description="The whole table as stored, every value with source and status.")


def _place(ref: services.PlaceRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "id": ref.ref,
        "name": ref.name,
        "country": ref.country,
        "country_name": ref.country_name,
        "label": ref.label,
        "latitude": ref.latitude,
        "longitude": ref.longitude,
        "population": ref.population,
    }


@router.post("/grants/quote", response=QuoteOut, summary="Price one participant's mobility")
def quote(request: HttpRequest, payload: QuoteIn) -> dict[str, Any]:
    data = payload.dict()
    places = {"origin": data.pop("origin"), "destination": data.pop("destination")}
    rate_table = None
    if (rate_table_id := data.pop("rate_table")) is not None:
        user = request.user
        if not (isinstance(user, User) and user.can_view_everything):
            raise PermissionDenied
        rate_table = get_object_or_404(RateTable, pk=rate_table_id)
    data["call_year"] = data["call_year"] or rules.available_call_years()[-1]
    priced = services.price(rules.QuoteRequest(**data), rate_table=rate_table, **places)
    q, table = priced.quote, priced.table
    return {
        "call_year": q.call_year,
        "rate_table": q.rate_table_title,
        "rate_table_version": priced.table_version,
        "activity_type": q.activity_type,
        "participant_kind": q.participant_kind,
        "lines": [
            {
                "category": line.category.value,
                "category_label": _(rules.CATEGORY_LABELS[line.category]),
                "rule": line.rule,
                "pg_section": line.pg_section,
                "description": services.render(line.description, table),
                "unit": _(line.unit),
                "quantity": line.quantity,
                "rate": line.rate,
                "amount": line.amount,
                "status": line.status.value,
            }
            for line in q.lines
        ],
        "total": q.total,
        "distance_km": q.distance_km,
        "distance_source": q.distance_source.value if q.distance_source else None,
        "gazetteer_distance_km": priced.gazetteer_km,
        "band": q.band,
        "country_group": q.country_group,
        "country_group_status": q.country_group_status.value if q.country_group_status else None,
        "country_group_source": q.country_group_source,
        "country_group_set_by_project": q.country_group_set_by_project,
        "activity_days": q.activity_days,
        "funded_travel_days": q.funded_travel_days,
        "funded_days": q.funded_days,
        "zero_grant": q.zero_grant,
        "origin": _place(priced.origin),
        "destination": _place(priced.destination),
        "warnings": [{"code": w.code, "message": services.render(w, table)} for w in q.warnings],
    }


@router.get("/grants/rates/{call_year}", response=RatesOut, summary="A call year's default rate table")
def rates(request: HttpRequest, call_year: CallYear) -> dict[str, Any]:
    try:
        table = rules.load_call_year(call_year)
    except rules.RateTableError:
        raise Http404 from None
    return {
        "call_year": table.call_year,
        "title": table.title,
        "programme_guide": table.programme_guide,
        "values": [
            {
                "key": e.key,
                "label": services.entry_label(e.key, table),
                "value": e.value,
                "status": e.status.value,
                "source": e.source,
            }
            for e in table.entries()
        ],
        "country_groups": _country_groups(table),
        "table": table.to_mapping(),
    }


def _country_groups(table: rules.RateTable) -> list[dict[str, Any]]:
    found = [table.country_group_of(code) for code in table.countries()]
    return [
        {
            "country": g.country,
            "country_name": services.country_name(g.country),
            "group": g.group,
            "status": g.status.value,
            "source": g.source,
            "set_by_project": g.changed_by_project,
        }
        for g in found
        if g is not None
    ]


class SideOut(Schema):
    value: str = Field(description="Amounts with two decimals, days and groups as whole numbers, durations as 2–30.")
    status: str
    source: str


class ChangeOut(Schema):
    kind: str = Field(description="value, country_group or activity_type.")
    key: str = Field(description="The value's key (as in /grants/rates), the country code or the activity type.")
    label: str
    before: SideOut | None
    after: SideOut | None


class ChangesOut(Schema):
    before: str
    after: str
    changes: list[ChangeOut]


class ChangesQuery(Schema):
    before: int = Field(ge=2014, le=2100, description="The earlier call year.")
    after: int = Field(ge=2014, le=2100, description="The later call year.")


def _changes(before: rules.RateTable, after: rules.RateTable, before_name: str, after_name: str) -> dict[str, Any]:
    def side(found: rules.Side | None) -> dict[str, Any] | None:
        return None if found is None else {"value": found.value, "status": found.status.value, "source": found.source}

    return {
        "before": before_name,
        "after": after_name,
        "changes": [
            {
                "kind": row.change.kind.value,
                "key": row.change.key,
                "label": row.label,
                "before": side(row.change.before),
                "after": side(row.change.after),
            }
            for row in services.rate_changes(before, after)
        ],
    }


@router.get("/grants/rate-changes", response=ChangesOut, summary="What changed between two call years' tables")
def rate_changes(request: HttpRequest, filters: Query[ChangesQuery]) -> dict[str, Any]:
    try:
        before, after = rules.load_call_year(filters.before), rules.load_call_year(filters.after)
    except rules.RateTableError:
        raise ValidationError({"before": _("There is no rate table for this call year.")}) from None
    return _changes(before, after, before.title, after.title)


@router.get(
    "/grants/rate-tables/{rate_table_id}/changes",
    response=ChangesOut,
    summary="What a project's rate table changed against its call year's defaults (coordinator and auditor)",
)
def rate_table_changes(request: HttpRequest, rate_table_id: ObjectId) -> dict[str, Any]:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    rate_table = services.access_rate_table(user, rate_table_id)
    defaults = rules.load_call_year(rate_table.call_year)
    return _changes(defaults, rate_table.table, defaults.title, str(rate_table))


class PlaceQuery(Schema):
    q: str = Field(min_length=2, max_length=100, description="A place name, with or without diacritics.")
    limit: int = Field(10, ge=1, le=50)


@router.get("/places", response=list[PlaceOut], summary="Search the gazetteer")
def places(request: HttpRequest, filters: Query[PlaceQuery]) -> list[dict[str, Any] | None]:
    return [_place(p) for p in services.search_places(filters.q, filters.limit)]


class DistanceQuery(Schema):
    origin: str = Field(alias="from", description="Place id from /places.")
    destination: str = Field(alias="to", description="Place id from /places.")
    call_year: int | None = Field(None, ge=2014, le=2100, description="Which year's bands to use (latest if empty).")


@router.get("/distance", response=DistanceOut, summary="One-way distance and travel band between two places")
def distance(request: HttpRequest, filters: Query[DistanceQuery]) -> dict[str, Any]:
    origin = services.resolve_place(filters.origin, "from")
    destination = services.resolve_place(filters.destination, "to")
    year = filters.call_year or rules.available_call_years()[-1]
    try:
        table = rules.load_call_year(year)
    except rules.RateTableError:
        raise ValidationError({"call_year": _("There is no rate table for this call year.")}) from None
    km = services.distance_km(origin, destination)
    band = table.band_for(km)
    return {
        "origin": _place(origin),
        "destination": _place(destination),
        "distance_km": km,
        "call_year": year,
        "band": band.label if band else None,
        "travel_standard": band.standard.amount if band else None,
        "travel_green": band.green.amount if band and band.green else None,
    }

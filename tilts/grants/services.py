"""Pricing in the web layer: places, distances, quotes in the user's language, and rate tables in use.

The rules themselves are in :mod:`tilts.grants.rules`; this module turns form and API input into engine
requests, finds places (the gazetteer plus places the coordinator added) and translates engine messages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django_countries import countries

from tilts.accounts.models import User
from tilts.core import dates
from tilts.core.access import access
from tilts.core.collation import latvian_sort_key
from tilts.core.history import records_by
from tilts.grants import rules
from tilts.grants.models import CustomPlace, RateTable
from tilts.grants.rules import gazetteer
from tilts.grants.rules.compare import Change, ChangeKind, compare_tables

GAZETTEER_PREFIX = "g"
CUSTOM_PREFIX = "c"


@dataclass(frozen=True)
class PlaceRef:
    """A place anyone can choose: ``ref`` is ``g:<GeoNames id>`` or ``c:<id of a coordinator's place>``."""

    ref: str
    name: str
    country: str
    country_name: str
    latitude: float
    longitude: float
    population: int | None
    detail: str

    @property
    def country_label(self) -> str:
        """The country's name in the active language (the gazetteer only knows English names)."""
        return str(countries.name(self.country)) or self.country_name

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country_label}"


def _from_gazetteer(place: gazetteer.Place) -> PlaceRef:
    detail = _("population %(population)s") % {"population": f"{place.population:,}".replace(",", " ")}
    return PlaceRef(
        f"{GAZETTEER_PREFIX}:{place.geoname_id}",
        gazetteer.local_name(place, get_language() or "lv"),
        place.country_code,
        place.country_name,
        place.latitude,
        place.longitude,
        place.population,
        detail,
    )


def _from_custom(place: CustomPlace) -> PlaceRef:
    return PlaceRef(
        f"{CUSTOM_PREFIX}:{place.pk}",
        place.name,
        str(place.country),
        str(place.country.name),
        float(place.latitude),
        float(place.longitude),
        None,
        _("added by the coordinator"),
    )


def search_places(query: str, limit: int = 8) -> list[PlaceRef]:
    """Places added by the coordinator first (they exist because the gazetteer lacks them), then the gazetteer."""
    folded = gazetteer.fold(query)
    if not folded:
        return []
    custom = [_from_custom(p) for p in CustomPlace.objects.all() if gazetteer.fold(p.name).startswith(folded)]
    return (custom + [_from_gazetteer(p) for p in gazetteer.search_places(query, limit)])[:limit]


def resolve_place(ref: str, field: str) -> PlaceRef:
    prefix, _sep, ident = (ref or "").partition(":")
    if ident.isdigit():
        if prefix == GAZETTEER_PREFIX and (found := gazetteer.get_place(int(ident))) is not None:
            return _from_gazetteer(found)
        if prefix == CUSTOM_PREFIX and (custom := CustomPlace.objects.filter(pk=int(ident)).first()) is not None:
            return _from_custom(custom)
    raise ValidationError({field: _("Choose a place from the list.")})


def distance_km(origin: PlaceRef, destination: PlaceRef) -> int:
    return rules.haversine_km(origin.latitude, origin.longitude, destination.latitude, destination.longitude)


@dataclass(frozen=True)
class PricedQuote:
    quote: rules.Quote
    table: rules.RateTable
    origin: PlaceRef | None
    destination: PlaceRef | None
    gazetteer_km: int | None
    table_version: str = ""  # which table priced it: a call year's defaults, or a project table's version


def table_version(rate_table: RateTable | None, call_year: int) -> str:
    """ "Defaults of the 2025 call", or "LNB 2025, version 3 of 12.03.2025" for a project's table."""
    if rate_table is None:
        return _("defaults of the %(year)s call") % {"year": call_year}
    version = rate_table.version_number
    changed = timezone.localtime(rate_table.updated_at).date() if rate_table.updated_at else None
    return _("%(name)s, version %(version)s of %(date)s") % {
        "name": rate_table.name,
        "version": version,
        "date": dates.short(changed) if changed else "—",
    }


def price(
    request: rules.QuoteRequest, *, origin: str = "", destination: str = "", rate_table: RateTable | None = None
) -> PricedQuote:
    """Price what a person entered in the calculator, the API or a mobility: the engine's request, with places.

    ``origin`` and ``destination`` are place ids (the gazetteer's or the coordinator's own places): they give the
    countries and the distance. A ``distance_km`` in the request is the EC distance calculator's figure, which wins
    over the gazetteer's. A project's ``rate_table`` replaces the request's call year. Raises ``ValidationError``
    with messages per field, already translated.
    """
    origin_place = resolve_place(origin, "origin") if origin else None
    destination_place = resolve_place(destination, "destination") if destination else None
    gazetteer_km = distance_km(origin_place, destination_place) if origin_place and destination_place else None
    ec_km = request.distance_km
    table = rate_table.table if rate_table is not None else None
    priced_request = replace(
        request,
        destination_country=destination_place.country if destination_place else request.destination_country,
        origin_country=(origin_place.country if origin_place else request.origin_country) or None,
        call_year=None if table else request.call_year,
        rate_table=table,
        distance_km=ec_km if ec_km is not None else gazetteer_km,
        distance_source=rules.DistanceSource.EC_CALCULATOR if ec_km is not None else rules.DistanceSource.GAZETTEER,
    )
    try:
        quote = rules.calculate_quote(priced_request)
    except rules.QuoteValidationError as error:
        errors: dict[str, list[str]] = {}
        for name, messages in error.errors.items():
            for field in _fields_at_fault(name, ec_km, origin=origin, destination=destination):
                errors.setdefault(field, []).extend(render(message, None) for message in messages)
        raise ValidationError(errors) from None
    return PricedQuote(
        quote,
        table or rules.load_call_year(quote.call_year),
        origin_place,
        destination_place,
        gazetteer_km,
        table_version(rate_table, quote.call_year),
    )


def _fields_at_fault(engine_field: str, ec_km: int | None, *, origin: str, destination: str) -> list[str]:
    """The form fields an engine error belongs to: a missing distance is the place not chosen ("From" or "To")."""
    if engine_field == "distance_km" and ec_km is None:
        chosen = {"origin": origin, "destination": destination}
        return [field for field, place in chosen.items() if not place] or ["destination"]
    return [_field_name(engine_field)]


def _field_name(engine_field: str) -> str:
    """Engine fields that the web layer names differently (places instead of countries and distance)."""
    return {"destination_country": "destination", "origin_country": "origin", "distance_km": "destination"}.get(
        engine_field, engine_field
    )


def render(message: rules.Message, table: rules.RateTable | None) -> str:
    """An engine message in the current language: the msgid through gettext, activity types by their label."""
    params = dict(message.params)
    if "item" in params:
        params["item"] = _(str(params["item"]))
    if "type" in params and table is not None and str(params["type"]) in table.activity_types:
        params["type"] = table.activity_types[str(params["type"])].label(get_language() or "lv")
    text = _(message.message)
    return text % params if params else text


def quantity_label(line: rules.QuoteLine) -> str:
    """ "14 days", "1 participant": the line's quantity with its unit, in the current language's plural form."""
    count = int(line.quantity)
    forms = {
        "day": ngettext("%(count)s day", "%(count)s days", count),
        "participant": ngettext("%(count)s participant", "%(count)s participants", count),
        "trip": ngettext("%(count)s trip", "%(count)s trips", count),
    }
    return forms.get(line.unit, f"%(count)s {_(line.unit)}") % {"count": count}


def activity_type_choices(table: rules.RateTable) -> list[tuple[str, str]]:
    language = get_language() or "lv"
    return [(key, activity.label(language)) for key, activity in table.activity_types.items()]


# Rate tables in use ----------------------------------------------------------------------------------------


def create_rate_table(*, call_year: int, name: str, notes: str = "") -> RateTable:
    """A new table starts as a copy of the call year's defaults."""
    try:
        defaults = rules.load_call_year(call_year)
    except rules.RateTableError:
        raise ValidationError({"call_year": _("There is no rate table for this call year.")}) from None
    return RateTable.objects.create(name=name, call_year=call_year, data=defaults.to_mapping(), notes=notes)


@transaction.atomic
@records_by
def update_rate_entry(
    rate_table: RateTable, *, key: str, value: Decimal, status: rules.Status, source: str, by: User | None = None
) -> RateTable:
    """Correct one value from the grant agreement; the history keeps who changed what."""
    locked = RateTable.objects.select_for_update().get(pk=rate_table.pk)
    if value < 0:
        raise ValidationError({"value": _("The value cannot be negative.")})
    if not source.strip():
        raise ValidationError({"source": _("Say where the value comes from, e.g. the grant agreement's annex.")})
    entry = next((item for item in locked.table.entries() if item.key == key), None)
    if entry is not None and entry.is_count and value != value.to_integral_value():
        raise ValidationError({"value": _("This value is a number of days or people: give a whole number.")})
    if key.endswith("reduced_from_day") and value < 1:
        raise ValidationError({"value": _("The reduced rate starts on day 1 at the earliest.")})
    if key.endswith("reduced_share") and not Decimal(0) < value <= Decimal(1):
        raise ValidationError({"value": _("A share is above 0 and at most 1, e.g. 0.70 for 70 %.")})
    try:
        updated = locked.table.with_entry(key, value, status, source.strip())
    except rules.RateValueError as error:
        raise ValidationError({"value": str(error)}) from None
    except rules.RateTableError:
        raise ValidationError({"key": _("There is no such value in the rate table.")}) from None
    locked.set_table(updated)
    locked.save()
    return locked


@transaction.atomic
@records_by
def set_country_group(
    rate_table: RateTable, *, country: str, group: int, status: rules.Status, source: str, by: User | None = None
) -> RateTable:
    """Put one country in another group, e.g. as the grant agreement prints it; the history keeps the change."""
    locked = RateTable.objects.select_for_update().get(pk=rate_table.pk)
    if not source.strip():
        raise ValidationError({"source": _("Say where the value comes from, e.g. the grant agreement's annex.")})
    if group not in locked.table.country_groups:
        raise ValidationError({"group": _("Choose one of the table's country groups.")})
    try:
        updated = locked.table.with_country_group(country, group, status, source.strip())
    except rules.RateTableError:
        raise ValidationError({"country": _("This country is in none of the table's groups.")}) from None
    locked.set_table(updated)
    locked.save()
    return locked


def country_name(code: str) -> str:
    return str(countries.name(code)) or code


@dataclass(frozen=True)
class CountryGroupsRow:
    """One country's group in each call year's defaults (None where a year's table does not group it)."""

    country: str
    name: str
    groups: list[rules.CountryGroup | None]


def country_groups_by_year() -> tuple[list[int], list[CountryGroupsRow]]:
    """Every programme country's group per call year, countries by name in the reader's language."""
    years = rules.available_call_years()
    tables = [rules.load_call_year(year) for year in years]
    codes = sorted({code for table in tables for code in table.countries()})
    rows = [CountryGroupsRow(code, country_name(code), [t.country_group_of(code) for t in tables]) for code in codes]
    rows.sort(key=lambda row: latvian_sort_key(row.name))
    return years, rows


@dataclass(frozen=True)
class ChangeRow:
    change: Change
    label: str


def rate_changes(before: rules.RateTable, after: rules.RateTable) -> list[ChangeRow]:
    """What changed from ``before`` to ``after``, each change with a readable name in the reader's language."""
    language = get_language() or "lv"
    rows = []
    for change in compare_tables(before, after):
        if change.kind == ChangeKind.VALUE:
            label = entry_label(change.key, after if change.after else before)
        elif change.kind == ChangeKind.COUNTRY_GROUP:
            label = _("Country group of %(country)s") % {"country": country_name(change.key)}
        else:
            activity = after.activity_types.get(change.key) or before.activity_types[change.key]
            label = _("Days of %(type)s") % {"type": activity.label(language)}
        rows.append(ChangeRow(change, label))
    # Countries by name in the reader's language (Latvian collation); values and activity types keep table order
    groups = sorted(
        (row for row in rows if row.change.kind == ChangeKind.COUNTRY_GROUP),
        key=lambda row: latvian_sort_key(country_name(row.change.key)),
    )
    others = [row for row in rows if row.change.kind != ChangeKind.COUNTRY_GROUP]
    activities = [row for row in others if row.change.kind == ChangeKind.ACTIVITY_TYPE]
    return [row for row in others if row.change.kind == ChangeKind.VALUE] + groups + activities


def access_rate_table(user: User, rate_table_id: int, *, for_write: bool = False) -> RateTable:
    """A project's rate table: the coordinator and auditors see them (404 for others); the coordinator corrects
    them (403)."""
    visible = RateTable.objects.all() if user.can_view_everything else RateTable.objects.none()
    return access(visible, rate_table_id, for_write=for_write, may_change=lambda _: user.is_coordinator)


@records_by
def add_custom_place(*, name: str, country: str, latitude: Decimal, longitude: Decimal, by: User) -> CustomPlace:
    place = CustomPlace(name=name.strip(), country=country, latitude=latitude, longitude=longitude, added_by=by)
    place.full_clean()
    place.save()
    return place


# The title every call year's default table carries (rates_YYYY.toml); shown in the page's language.
DEFAULT_TABLE_TITLE = "Erasmus+ %(year)s call, KA1 adult education (KA121-ADU, KA122-ADU)"


def table_title(table: rules.RateTable) -> str:
    """A default table's title in the page's language; any other title as the coordinator wrote it."""
    if table.title == DEFAULT_TABLE_TITLE % {"year": table.call_year}:
        return _("Erasmus+ %(year)s call, KA1 adult education (KA121-ADU, KA122-ADU)") % {"year": table.call_year}
    return table.title


def entry_label(key: str, table: rules.RateTable) -> str:
    """A readable name for a rate-table value, e.g. "Travel 500–1999 km, green"."""
    parts = key.split(".")
    if parts[0] == "travel" and parts[1] == "bands":
        band = table.bands[int(parts[2])]
        kind = _("green travel") if parts[3] == "green" else _("standard travel")
        return _("Travel %(band)s, %(kind)s") % {"band": band.label, "kind": kind}
    if parts[0] == "travel":
        return (
            _("Funded travel days, green travel") if "green" in parts[1] else _("Funded travel days, standard travel")
        )
    if parts[:2] == ["organisational_support", "per_activity_type"] and parts[2] in table.activity_types:
        return _("Organisational support per participant, %(type)s") % {
            "type": table.activity_types[parts[2]].label(get_language() or "lv")
        }
    if parts[0] == "individual_support" and parts[1] in ("staff", "learner"):
        who = _("staff and accompanying persons") if parts[1] == "staff" else _("adult learners")
        return _("Individual support per day, %(who)s, country group %(group)s") % {
            "who": who,
            "group": parts[2].removeprefix("group"),
        }
    labels = {
        "individual_support.reduced_from_day": _("Reduced individual support from day"),
        "individual_support.reduced_share": _("Share of the daily rate from that day"),
        "organisational_support.per_participant": _("Organisational support per participant"),
        "course_fees.per_day": _("Course fees per day"),
        "course_fees.max_per_participant": _("Course fees, maximum per participant"),
        "inclusion_support.organisation_per_participant": _("Inclusion support for organisations per participant"),
        "preparatory_visit.per_participant": _("Preparatory visit per participant"),
        "preparatory_visit.max_participants": _("Preparatory visit, maximum participants"),
        "exceptional_travel.threshold_share": _("Expensive travel: unit cost below this share of the real cost"),
        "exceptional_travel.reimbursed_share": _("Expensive travel: share of the real cost paid"),
    }
    return labels.get(key, key)

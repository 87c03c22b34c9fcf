"""Rate tables: the Erasmus+ unit costs of one call year, each value with its source and status.

The defaults of each call year are data files (``data/rates_<year>.toml``), never code, so that a value can be
corrected without a release (reference, introduction). A project's own table starts as a copy of its call
year's defaults and is corrected from the grant agreement, since the national agency fixes the actual daily
rates within the Programme Guide's ranges. The web layer stores that copy as JSON (:meth:`RateTable.to_mapping`)
and rebuilds it with :meth:`RateTable.from_mapping`.
"""

from __future__ import annotations

import copy
import itertools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Who a quote prices. Accompanying persons go with adult learners and are paid the staff rate.
PARTICIPANT_KINDS = ("staff", "learner", "accompanying")
#: The reference's headings for activity types: staff activities, adult learner activities, other.
ACTIVITY_CATEGORIES = ("staff", "learner", "other")
#: The individual support rates a table may hold; accompanying persons use the staff rate.
RATE_KINDS = ("staff", "learner")


class Status(StrEnum):
    CONFIRMED = "confirmed"
    TO_CONFIRM = "to_confirm"

    @staticmethod
    def worst(statuses: Iterable[Status]) -> Status:
        """A figure built from several values is only as confirmed as the least confirmed of them."""
        return Status.TO_CONFIRM if Status.TO_CONFIRM in set(statuses) else Status.CONFIRMED


class RateTableError(ValueError):
    """A rate table's data is malformed (a data file or a project's stored copy), or a call year is unknown."""


@dataclass(frozen=True)
class Amount:
    """A money amount or a share (e.g. 0.70), with where it comes from and whether it is confirmed."""

    amount: Decimal
    status: Status
    source: str


@dataclass(frozen=True)
class Count:
    """A whole-number rule value (days, participants), with where it comes from and whether it is confirmed."""

    value: int
    status: Status
    source: str


@dataclass(frozen=True)
class TravelBand:
    """One distance band of the travel unit cost, by one-way km; ``max_km`` is ``None`` for the open last band."""

    min_km: int
    max_km: int | None
    standard: Amount
    green: Amount | None

    @property
    def label(self) -> str:
        return f"{self.min_km}–{self.max_km} km" if self.max_km is not None else f"{self.min_km}+ km"

    def contains(self, km: int) -> bool:
        return km >= self.min_km and (self.max_km is None or km <= self.max_km)


@dataclass(frozen=True)
class ActivityType:
    """An eligible activity (reference, "Actions and activity types"); durations exclude travel days."""

    key: str
    label_lv: str
    label_en: str
    category: str  # one of ACTIVITY_CATEGORIES
    participant_kinds: tuple[str, ...]
    min_days: int | None
    max_days: int | None
    min_participants: int | None
    accompanied: bool
    status: Status
    source: str

    def label(self, language: str) -> str:
        return self.label_lv if language == "lv" else self.label_en

    def allows(self, kind: str) -> bool:
        return kind in self.participant_kinds

    def duration_allowed(self, days: int) -> bool:
        return (self.min_days is None or days >= self.min_days) and (self.max_days is None or days <= self.max_days)


@dataclass(frozen=True)
class RateEntry:
    """One editable value of a table, addressed by a dotted key such as ``individual_support.staff.group2``."""

    key: str
    value: Decimal
    status: Status
    source: str
    is_count: bool


@dataclass(frozen=True)
class RateTable:
    """The unit costs and rules of one call year, or a project's corrected copy of them.

    Built only by :func:`load_call_year`, :meth:`from_mapping` and the ``with_*`` methods, all of which check
    the data. The mappings are read-only views: a table loaded once is shared by every quote.
    """

    call_year: int
    title: str
    programme_guide: str
    # Travel (reference, "Travel")
    bands: tuple[TravelBand, ...]
    max_travel_days_standard: Count
    max_travel_days_green: Count
    # Individual support (reference, "Individual support")
    reduced_from_day: Count
    reduced_share: Amount
    daily_rates: Mapping[str, Mapping[int, Amount]]
    country_groups: Mapping[int, tuple[str, ...]]
    country_groups_status: Status
    country_groups_source: str
    # Other cost categories (reference, "Other cost categories"; exceptional travel: "Travel")
    organisational_support: Amount
    course_fee_per_day: Amount
    course_fee_cap: Amount
    inclusion_organisation: Amount
    preparatory_visit: Amount
    preparatory_visit_max_participants: Count
    exceptional_threshold: Amount
    exceptional_share: Amount
    # Activity types (reference, "Actions and activity types")
    activity_types: Mapping[str, ActivityType]
    # The checked data the fields above were read from, kept so that to_mapping() gives back exactly it.
    mapping: dict[str, Any] = field(repr=False)

    def __hash__(self) -> int:
        return hash((self.call_year, self.title))

    @property
    def label(self) -> str:
        return self.title

    @property
    def travel_min_km(self) -> int:
        """Below the first band's minimum (10 km) there is no travel grant."""
        return self.bands[0].min_km

    # Reading -------------------------------------------------------------------------------------------------

    def country_group(self, country: str) -> int | None:
        """The receiving country's group for individual support; ``None`` for a country outside the groups."""
        code = country.upper()
        return next((group for group, codes in self.country_groups.items() if code in codes), None)

    def daily_rate(self, kind: str, group: int) -> Amount | None:
        """The individual support rate per day; ``None`` where the table has none (adult learners from 2024)."""
        rate_kind = "staff" if kind == "accompanying" else kind
        return self.daily_rates.get(rate_kind, {}).get(group)

    def band_for(self, km: int) -> TravelBand | None:
        """The band by one-way distance (not doubled); ``None`` below the first band, where no travel is funded."""
        return next((band for band in self.bands if band.contains(km)), None)

    def max_travel_days(self, green: bool) -> Count:
        return self.max_travel_days_green if green else self.max_travel_days_standard

    # Storing and editing -------------------------------------------------------------------------------------

    def to_mapping(self) -> dict[str, Any]:
        """A JSON-ready copy (amounts as strings) with every value's source and status; see from_mapping()."""
        return copy.deepcopy(self.mapping)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> RateTable:
        """Rebuild a table from :meth:`to_mapping` output (or a data file's contents); checks everything."""
        return _parse(mapping)

    def with_overrides(self, overrides: Mapping[str, Any]) -> RateTable:
        """A new table with ``overrides`` deep-merged into this one's mapping (lists are replaced whole).

        E.g. ``{"individual_support": {"learner": {"group1": {"amount": "70.00", "status": "confirmed",
        "source": "Grant agreement, annex IV"}}}}`` adds a learner rate and leaves every other value as it was.
        """
        merged = self.to_mapping()
        _deep_merge(merged, overrides)
        return _parse(merged)

    def entries(self) -> list[RateEntry]:
        """Every value a coordinator may correct from the grant agreement, in reading order."""
        found: list[RateEntry] = []
        _collect_entries(self.mapping, "", found)
        return found

    def with_entry(self, key: str, value: Decimal | int, status: Status, source: str) -> RateTable:
        """A new table with one value replaced; ``key`` as in :meth:`entries`."""
        merged = self.to_mapping()
        node: Any = merged
        *path, last = key.split(".")
        try:
            for part in path:
                node = node[int(part)] if isinstance(node, list) else node[part]
            target = node[last]
        except (KeyError, IndexError, ValueError, TypeError):
            raise RateTableError(f"No value {key!r} in the rate table.") from None
        if not _is_value(target):
            raise RateTableError(f"{key!r} is not an editable value.")
        number = Decimal(value)
        if "value" in target:
            if number != number.to_integral_value():
                raise RateTableError(f"{key!r} takes a whole number.")
            target["value"] = int(number)
        else:
            target["amount"] = str(number)
        target["status"] = str(Status(status))
        target["source"] = source
        return _parse(merged)


def available_call_years() -> list[int]:
    return sorted(int(path.stem.removeprefix("rates_")) for path in DATA_DIR.glob("rates_*.toml"))


@cache
def load_call_year(year: int) -> RateTable:
    """The default table of a call year, read from its data file (cached: tables are immutable)."""
    path = DATA_DIR / f"rates_{year}.toml"
    if not path.is_file():
        raise RateTableError(f"No rate table for call year {year}.")
    with path.open("rb") as handle:
        return _parse(tomllib.load(handle))


def country_group(code: str, table: RateTable | None = None) -> int | None:
    """The individual support group of a receiving country, by ISO 3166-1 alpha-2 code.

    ``None`` for a country in no group (a third country not associated to the programme): the caller must
    then give the daily rate. Without ``table``, the latest call year's groups.
    """
    return (table or load_call_year(available_call_years()[-1])).country_group(code)


# Parsing ----------------------------------------------------------------------------------------------------


def _is_value(node: object) -> bool:
    return isinstance(node, dict) and ("amount" in node or "value" in node)


def _money_text(value: Decimal) -> str:
    """Amounts as text with at least two decimals ("100" → "100.00", "0.7" → "0.70"), never fewer."""
    return str(value.quantize(Decimal("0.01"))) if value == value.quantize(Decimal("0.01")) else str(value)


def _status_and_source(node: dict[str, Any], where: str) -> tuple[Status, str]:
    try:
        status = Status(node["status"])
    except (KeyError, ValueError):
        raise RateTableError(f"{where}: status must be 'confirmed' or 'to_confirm'.") from None
    source = node.get("source")
    if not isinstance(source, str) or not source.strip():
        raise RateTableError(f"{where}: every value needs its source.")
    return status, source


def _amount(node: Any, where: str, *, share: bool = False) -> Amount:
    """Read (and normalise in place) an amount; shares such as 0.70 must lie between 0 and 1."""
    if not isinstance(node, dict) or "amount" not in node:
        raise RateTableError(f"{where}: expected {{amount, status, source}}.")
    raw = node["amount"]
    if isinstance(raw, float | bool) or not isinstance(raw, str | int):
        raise RateTableError(f'{where}: write the amount as text, e.g. "309.00" (floats lose cents).')
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise RateTableError(f"{where}: {raw!r} is not an amount.") from None
    if not amount.is_finite() or amount < 0 or (share and amount > 1):
        raise RateTableError(f"{where}: {raw!r} is out of range.")
    status, source = _status_and_source(node, where)
    node["amount"] = _money_text(amount)
    return Amount(amount, status, source)


def _count(node: Any, where: str, *, minimum: int = 0) -> Count:
    if not isinstance(node, dict) or "value" not in node:
        raise RateTableError(f"{where}: expected {{value, status, source}}.")
    raw = node["value"]
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
        raise RateTableError(f"{where}: {raw!r} is not a whole number of at least {minimum}.")
    status, source = _status_and_source(node, where)
    return Count(raw, status, source)


def _optional_int(item: dict[str, Any], name: str, where: str) -> int | None:
    raw = item.get(name)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise RateTableError(f"{where}.{name}: {raw!r} is not a whole number.")
    return raw


def _bands(travel: dict[str, Any]) -> tuple[TravelBand, ...]:
    bands = []
    for index, band in enumerate(travel["bands"]):
        where = f"travel.bands.{index}"
        min_km = _optional_int(band, "min_km", where)
        if min_km is None:
            raise RateTableError(f"{where}: min_km is missing.")
        bands.append(
            TravelBand(
                min_km=min_km,
                max_km=_optional_int(band, "max_km", where),
                standard=_amount(band["standard"], f"{where}.standard"),
                green=_amount(band["green"], f"{where}.green") if "green" in band else None,
            )
        )
    result = tuple(bands)
    _check_bands(result)
    return result


def _check_bands(bands: tuple[TravelBand, ...]) -> None:
    """Bands must follow each other without gaps or overlaps, the last one open-ended."""
    if not bands:
        raise RateTableError("travel.bands: a table needs at least one travel band.")
    for before, after in itertools.pairwise(bands):
        if before.max_km is None or after.min_km != before.max_km + 1:
            raise RateTableError(f"travel.bands: {before.label} and {after.label} do not follow each other.")
    if bands[-1].max_km is not None:
        raise RateTableError("travel.bands: the last band must be open-ended.")


def _daily_rates(support: dict[str, Any]) -> dict[str, Mapping[int, Amount]]:
    rates: dict[str, Mapping[int, Amount]] = {}
    for kind in RATE_KINDS:
        if kind in support:
            rates[kind] = MappingProxyType(
                {
                    _group_number(name, f"individual_support.{kind}"): _amount(
                        value, f"individual_support.{kind}.{name}"
                    )
                    for name, value in support[kind].items()
                }
            )
    return rates


def _group_number(name: str, where: str) -> int:
    number = name.removeprefix("group")
    if not name.startswith("group") or not number.isdigit():
        raise RateTableError(f"{where}: {name!r} is not a country group (group1, group2, ...).")
    return int(number)


def _country_groups(groups: dict[str, Any]) -> dict[int, tuple[str, ...]]:
    result: dict[int, tuple[str, ...]] = {}
    seen: set[str] = set()
    for name, codes in groups.items():
        if name in ("status", "source"):
            continue
        if not isinstance(codes, list) or not all(isinstance(c, str) and len(c) == 2 and c.isalpha() for c in codes):
            raise RateTableError(f"country_groups.{name}: expected a list of ISO 3166-1 alpha-2 codes.")
        upper = tuple(code.upper() for code in codes)
        if seen & set(upper):
            raise RateTableError(f"country_groups.{name}: {sorted(seen & set(upper))} are already in a group.")
        seen.update(upper)
        result[_group_number(name, "country_groups")] = upper
    return result


def _activity_type(key: str, item: dict[str, Any]) -> ActivityType:
    where = f"activity_types.{key}"
    kinds = tuple(item["participant_kinds"])
    category = str(item["category"])
    if category not in ACTIVITY_CATEGORIES or not kinds or not set(kinds) <= set(PARTICIPANT_KINDS):
        raise RateTableError(f"{where}: unknown category or participant kinds.")
    min_days, max_days = _optional_int(item, "min_days", where), _optional_int(item, "max_days", where)
    if min_days is not None and max_days is not None and min_days > max_days:
        raise RateTableError(f"{where}: min_days is above max_days.")
    status, source = _status_and_source(item, where)
    return ActivityType(
        key=key,
        label_lv=str(item["label_lv"]),
        label_en=str(item["label_en"]),
        category=category,
        participant_kinds=kinds,
        min_days=min_days,
        max_days=max_days,
        min_participants=_optional_int(item, "min_participants", where),
        accompanied=bool(item.get("accompanied", False)),
        status=status,
        source=source,
    )


def _parse(raw: Mapping[str, Any]) -> RateTable:
    mapping: dict[str, Any] = copy.deepcopy(dict(raw))  # _amount() normalises amounts in place
    try:
        travel, support, groups = mapping["travel"], mapping["individual_support"], mapping["country_groups"]
        group_status, group_source = _status_and_source(groups, "country_groups")
        table = RateTable(
            call_year=int(mapping["call_year"]),
            title=str(mapping["title"]),
            programme_guide=str(mapping.get("programme_guide", "")),
            bands=_bands(travel),
            max_travel_days_standard=_count(travel["max_travel_days_standard"], "travel.max_travel_days_standard"),
            max_travel_days_green=_count(travel["max_travel_days_green"], "travel.max_travel_days_green"),
            reduced_from_day=_count(support["reduced_from_day"], "individual_support.reduced_from_day", minimum=2),
            reduced_share=_amount(support["reduced_share"], "individual_support.reduced_share", share=True),
            daily_rates=MappingProxyType(_daily_rates(support)),
            country_groups=MappingProxyType(_country_groups(groups)),
            country_groups_status=group_status,
            country_groups_source=group_source,
            organisational_support=_amount(
                mapping["organisational_support"]["per_participant"], "organisational_support.per_participant"
            ),
            course_fee_per_day=_amount(mapping["course_fees"]["per_day"], "course_fees.per_day"),
            course_fee_cap=_amount(mapping["course_fees"]["max_per_participant"], "course_fees.max_per_participant"),
            inclusion_organisation=_amount(
                mapping["inclusion_support"]["organisation_per_participant"],
                "inclusion_support.organisation_per_participant",
            ),
            preparatory_visit=_amount(
                mapping["preparatory_visit"]["per_participant"], "preparatory_visit.per_participant"
            ),
            preparatory_visit_max_participants=_count(
                mapping["preparatory_visit"]["max_participants"], "preparatory_visit.max_participants", minimum=1
            ),
            exceptional_threshold=_amount(
                mapping["exceptional_travel"]["threshold_share"], "exceptional_travel.threshold_share", share=True
            ),
            exceptional_share=_amount(
                mapping["exceptional_travel"]["reimbursed_share"], "exceptional_travel.reimbursed_share", share=True
            ),
            activity_types=MappingProxyType(
                {key: _activity_type(key, item) for key, item in mapping["activity_types"].items()}
            ),
            mapping=mapping,
        )
    except RateTableError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise RateTableError(f"Malformed rate table: missing or bad {error}.") from None
    return table


def _deep_merge(target: dict[str, Any], overrides: Mapping[str, Any]) -> None:
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _collect_entries(node: Any, prefix: str, found: list[RateEntry]) -> None:
    if _is_value(node):
        is_count = "value" in node
        number = Decimal(node["value"]) if is_count else Decimal(node["amount"])
        found.append(RateEntry(prefix, number, Status(node["status"]), str(node["source"]), is_count))
    elif isinstance(node, dict):
        for key, value in node.items():
            _collect_entries(value, f"{prefix}.{key}" if prefix else key, found)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _collect_entries(item, f"{prefix}.{index}", found)

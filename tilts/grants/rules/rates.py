"""Rate tables: the Erasmus+ unit costs of one call year, each value with its source and status.

The defaults for each call year are data files (``data/rates_<year>.toml``). A project's own table starts as a
copy of its call year's defaults and is corrected from the grant agreement, since the national agency fixes
the actual daily rates within the Programme Guide's ranges (``docs/grant-rules.md``, "Rate tables"). The web
layer stores that copy as JSON (:meth:`RateTable.to_mapping`) and rebuilds it with :meth:`RateTable.from_mapping`.

Country groups are data of each table too: the guide regrouped the countries from call 2024
(``docs/grant-rules.md``, "Country groups"), and a project's table can move one country to another group
(:meth:`RateTable.with_country_group`), with its source and status like any other value.
"""

from __future__ import annotations

import copy
import itertools
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

PARTICIPANT_KINDS = ("staff", "learner", "accompanying")


class Status(StrEnum):
    CONFIRMED = "confirmed"
    TO_CONFIRM = "to_confirm"


class RateTableError(ValueError):
    """A rate table's data is malformed (a data file or a project's stored copy)."""


class RateValueError(RateTableError):
    """A value outside what the rules allow, e.g. a share above 1 or a fractional number of days."""


@dataclass(frozen=True)
class Amount:
    """A money amount or a share (e.g. 0.70), with where it comes from and whether it is confirmed."""

    amount: Decimal
    status: Status
    source: str


@dataclass(frozen=True)
class Count:
    """A whole-number rule value (days, participants), with its source and status."""

    value: int
    status: Status
    source: str


@dataclass(frozen=True)
class TravelBand:
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
    key: str
    label_lv: str
    label_en: str
    participant: str  # the participant kind the activity is for: "staff" or "learner"
    min_days: int | None
    max_days: int | None
    min_participants: int | None
    status: Status
    source: str
    # A group activity (adult learners' group mobility): priced and exported per group, not per person
    group: bool = False

    def label(self, language: str) -> str:
        return self.label_lv if language == "lv" else self.label_en

    def allows(self, kind: str) -> bool:
        """Staff activities are for staff; learner activities for learners and the staff accompanying them."""
        if self.participant == "learner":
            return kind in ("learner", "accompanying")
        return kind == "staff"


@dataclass(frozen=True)
class RateEntry:
    """One editable value of a table, addressed by a dotted key such as ``individual_support.staff.group2``."""

    key: str
    value: Decimal
    status: Status
    source: str
    is_count: bool


@dataclass(frozen=True)
class CountryGroupChange:
    """A project's own group for one country (e.g. from its grant agreement), overriding the call year's list."""

    country: str
    group: int
    status: Status
    source: str


@dataclass(frozen=True)
class CountryGroup:
    """A country's group in a table, with where the grouping comes from and whether it is confirmed."""

    country: str
    group: int
    status: Status
    source: str
    changed_by_project: bool


@dataclass(frozen=True, eq=True)
class RateTable:
    call_year: int
    title: str
    programme_guide: str
    mapping: dict[str, Any]  # the normalised data the fields below are read from; see to_mapping()

    # Travel (docs/grant-rules.md, "Travel")
    travel_min_km: int
    max_travel_days_standard: Count
    max_travel_days_green: Count
    bands: tuple[TravelBand, ...]
    # Individual support (docs/grant-rules.md, "Individual support")
    reduced_from_day: Count
    reduced_share: Amount
    daily_rates: dict[str, dict[int, Amount]]
    # Other cost categories (docs/grant-rules.md, "Other cost categories")
    organisational_support: Amount  # the course rate; kept for callers that read one figure
    organisational_support_by_type: dict[str, Amount]
    course_fee_per_day: Amount
    course_fee_cap: Amount
    inclusion_organisation: Amount
    preparatory_visit: Amount
    preparatory_visit_max_participants: Count
    exceptional_threshold: Amount
    exceptional_share: Amount
    # Country groups and activity types
    country_groups: dict[int, tuple[str, ...]]
    country_groups_status: Status
    country_groups_source: str
    activity_types: dict[str, ActivityType]
    # A country moved to another group by the project, with its own source and status
    country_group_changes: dict[str, CountryGroupChange] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.call_year, self.title))

    # Reading -------------------------------------------------------------------------------------------------

    def country_group(self, country: str) -> int | None:
        """The receiving country's group for individual support; ``None`` for a country outside the groups."""
        code = country.upper()
        for group, codes in self.country_groups.items():
            if code in codes:
                return group
        return None

    def country_group_of(self, country: str) -> CountryGroup | None:
        """The group with its source: the project's own where it set one, else the call year's list."""
        code = country.upper()
        change = self.country_group_changes.get(code)
        if change is not None:
            return CountryGroup(code, change.group, change.status, change.source, True)
        group = self.country_group(code)
        if group is None:
            return None
        return CountryGroup(code, group, self.country_groups_status, self.country_groups_source, False)

    def countries(self) -> list[str]:
        """Every country of the groups (the programme countries), by code."""
        return sorted({code for codes in self.country_groups.values() for code in codes})

    def organisational_support_for(self, activity_type: str) -> Amount:
        """Docs "Other cost categories": the rate of the activity type, or the table's single rate if it has none."""
        return self.organisational_support_by_type.get(activity_type, self.organisational_support)

    def daily_rate(self, kind: str, group: int) -> Amount | None:
        rate_kind = "staff" if kind == "accompanying" else kind
        return self.daily_rates.get(rate_kind, {}).get(group)

    def band_for(self, km: int) -> TravelBand | None:
        """The band by one-way distance (not doubled); ``None`` below the minimum, where no travel is funded."""
        if km < self.travel_min_km:
            return None
        return next((band for band in self.bands if band.contains(km)), None)

    # Storing and editing -------------------------------------------------------------------------------------

    def to_mapping(self) -> dict[str, Any]:
        """A JSON-ready copy with every value's source and status written out; from_mapping() reads it back."""
        return copy.deepcopy(self.mapping)

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any]) -> RateTable:
        return _parse(mapping)

    def with_overrides(self, overrides: dict[str, Any]) -> RateTable:
        """A new table with ``overrides`` deep-merged into this one (lists are replaced whole)."""
        merged = self.to_mapping()
        _deep_merge(merged, overrides)
        return _parse(merged)

    def with_country_group(self, country: str, group: int, status: Status, source: str) -> RateTable:
        """A new table with ``country`` in ``group``; the change is kept with its source and status."""
        code = country.upper()
        if code not in self.countries():
            raise RateTableError(f"{code!r} is in none of the country groups.")
        if group not in self.country_groups:
            raise RateValueError(f"There is no country group {group}.")
        merged = self.to_mapping()
        groups = merged["country_groups"]
        for name, codes in groups.items():
            if name.startswith("group"):
                groups[name] = [c for c in codes if str(c).upper() != code]
        groups[f"group{group}"].append(code)
        groups.setdefault("changes", {})[code] = {"group": group, "status": str(status), "source": source}
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
        if not isinstance(target, dict) or not ({"amount", "value"} & target.keys()):
            raise RateTableError(f"{key!r} is not an editable value.")
        field = "value" if "value" in target else "amount"
        number = Decimal(value)
        if field == "value" and number != number.to_integral_value():
            raise RateValueError(f"{key!r} must be a whole number.")
        target[field] = int(number) if field == "value" else _money_text(number)
        target["status"] = str(status)
        target["source"] = source
        return _parse(merged)


def available_call_years() -> list[int]:
    return sorted(int(path.stem.split("_")[1]) for path in DATA_DIR.glob("rates_*.toml"))


@cache
def load_call_year(year: int) -> RateTable:
    """The default table of a call year, read from its data file (cached: tables are immutable)."""
    path = DATA_DIR / f"rates_{year}.toml"
    if not path.exists():
        raise RateTableError(f"No rate table for call year {year}.")
    with path.open("rb") as handle:
        return _parse(tomllib.load(handle))


# Parsing ----------------------------------------------------------------------------------------------------


def _money_text(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"))) if value == value.quantize(Decimal("0.01")) else str(value)


def _amount(node: Any, default_source: str, where: str) -> Amount:
    try:
        amount = Decimal(str(node["amount"]))
        status = Status(node.get("status", Status.TO_CONFIRM))
    except (KeyError, TypeError, InvalidOperation, ValueError) as error:
        raise RateTableError(f"Bad amount at {where}: {error}") from None
    if amount < 0:
        raise RateTableError(f"Negative amount at {where}.")
    return Amount(amount, status, str(node.get("source") or default_source))


def _share(node: Any, default_source: str, where: str) -> Amount:
    """A share of a rate, such as the 70 % paid from the 15th day: above 0 and at most 1."""
    share = _amount(node, default_source, where)
    if not Decimal(0) < share.amount <= Decimal(1):
        raise RateValueError(f"The share at {where} must be above 0 and at most 1 (e.g. 0.70).")
    return share


def _count(node: Any, default_source: str, where: str, minimum: int = 0) -> Count:
    try:
        raw = Decimal(str(node["value"]))
        status = Status(node.get("status", Status.TO_CONFIRM))
    except (KeyError, TypeError, InvalidOperation, ValueError) as error:
        raise RateTableError(f"Bad value at {where}: {error}") from None
    if raw != raw.to_integral_value():
        raise RateValueError(f"The value at {where} must be a whole number.")
    if raw < minimum:
        raise RateValueError(f"The value at {where} must be at least {minimum}.")
    return Count(int(raw), status, str(node.get("source") or default_source))


def _normalise(node: Any, source: str) -> Any:
    """Write the inherited section source into every value, so a stored copy stands on its own."""
    if isinstance(node, dict):
        source = str(node.get("source", source))
        out = {key: _normalise(value, source) for key, value in node.items()}
        if ({"amount", "value"} & out.keys()) and "status" in out:
            out.setdefault("source", source)
            if "amount" in out:
                out["amount"] = _money_text(Decimal(str(out["amount"])))
        return out
    if isinstance(node, list):
        return [_normalise(item, source) for item in node]
    return node


def _parse(raw: dict[str, Any]) -> RateTable:
    mapping = _normalise(copy.deepcopy(raw), "")
    try:
        travel = mapping["travel"]
        support = mapping["individual_support"]
        groups = mapping["country_groups"]
        bands = tuple(
            TravelBand(
                min_km=int(band["min_km"]),
                max_km=int(band["max_km"]) if band.get("max_km") is not None else None,
                standard=_amount(band["standard"], travel["source"], f"travel.bands.{index}.standard"),
                green=_amount(band["green"], travel["source"], f"travel.bands.{index}.green")
                if band.get("green")
                else None,
            )
            for index, band in enumerate(travel["bands"])
        )
        daily_rates = {
            kind: {
                int(name.removeprefix("group")): _amount(value, support["source"], f"individual_support.{kind}.{name}")
                for name, value in support[kind].items()
                if name.startswith("group")
            }
            for kind in ("staff", "learner")
            if kind in support
        }
        activity_types = {
            key: ActivityType(
                key=key,
                label_lv=str(item["label_lv"]),
                label_en=str(item["label_en"]),
                participant=str(item["participant"]),
                min_days=int(item["min_days"]) if "min_days" in item else None,
                max_days=int(item["max_days"]) if "max_days" in item else None,
                min_participants=int(item["min_participants"]) if "min_participants" in item else None,
                status=Status(item.get("status", Status.TO_CONFIRM)),
                source=str(item.get("source", "")),
                # Copies stored before the flag: a learner activity with a minimum group size is a group one
                group=bool(item.get("group", item.get("participant") == "learner" and "min_participants" in item)),
            )
            for key, item in mapping["activity_types"].items()
        }
        organisational = _organisational_support(mapping["organisational_support"], activity_types)
        table = RateTable(
            call_year=int(mapping["call_year"]),
            title=str(mapping["title"]),
            programme_guide=str(mapping.get("programme_guide", "")),
            mapping=mapping,
            travel_min_km=int(travel.get("min_km", 10)),
            max_travel_days_standard=_count(travel["max_travel_days_standard"], travel["source"], "travel"),
            max_travel_days_green=_count(travel["max_travel_days_green"], travel["source"], "travel"),
            bands=bands,
            reduced_from_day=_count(support["reduced_from_day"], support["source"], "individual_support", minimum=1),
            reduced_share=_share(support["reduced_share"], support["source"], "individual_support.reduced_share"),
            daily_rates=daily_rates,
            organisational_support=organisational["default"],
            organisational_support_by_type=organisational["by_type"],
            course_fee_per_day=_amount(mapping["course_fees"]["per_day"], "", "course_fees"),
            course_fee_cap=_amount(mapping["course_fees"]["max_per_participant"], "", "course_fees"),
            inclusion_organisation=_amount(
                mapping["inclusion_support"]["organisation_per_participant"], "", "inclusion"
            ),
            preparatory_visit=_amount(mapping["preparatory_visit"]["per_participant"], "", "prep"),
            preparatory_visit_max_participants=_count(mapping["preparatory_visit"]["max_participants"], "", "prep"),
            exceptional_threshold=_amount(mapping["exceptional_travel"]["threshold_share"], "", "exceptional"),
            exceptional_share=_amount(mapping["exceptional_travel"]["reimbursed_share"], "", "exceptional"),
            country_groups={
                int(name.removeprefix("group")): tuple(str(code).upper() for code in codes)
                for name, codes in groups.items()
                if name.startswith("group")
            },
            country_groups_status=Status(groups.get("status", Status.TO_CONFIRM)),
            country_groups_source=str(groups.get("source", "")),
            activity_types=activity_types,
            country_group_changes={
                str(code).upper(): CountryGroupChange(
                    str(code).upper(),
                    int(change["group"]),
                    Status(change.get("status", Status.TO_CONFIRM)),
                    str(change.get("source", "")),
                )
                for code, change in groups.get("changes", {}).items()
            },
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, RateTableError):
            raise
        raise RateTableError(f"Malformed rate table: missing or bad {error}") from None
    _check_bands(table.bands)
    return table


def _organisational_support(node: dict[str, Any], activity_types: dict[str, ActivityType]) -> dict[str, Any]:
    """Docs "Other cost categories": a rate per activity type. Copies stored before that had one
    ``per_participant`` rate, which then applies to every type."""
    source = str(node.get("source", ""))
    by_type = {
        key: _amount(value, source, f"organisational_support.per_activity_type.{key}")
        for key, value in node.get("per_activity_type", {}).items()
    }
    if "per_participant" in node:
        default = _amount(node["per_participant"], source, "organisational_support.per_participant")
    elif by_type:
        default = by_type.get("course") or next(iter(by_type.values()))
    else:
        raise RateTableError("Malformed rate table: no organisational support rate.")
    for key in activity_types:
        by_type.setdefault(key, default)
    return {"default": default, "by_type": by_type}


def _check_bands(bands: tuple[TravelBand, ...]) -> None:
    """Bands must follow each other without gaps or overlaps, the last one open-ended."""
    for before, after in itertools.pairwise(bands):
        if before.max_km is None or after.min_km != before.max_km + 1:
            raise RateTableError(f"Travel bands {before.label} and {after.label} do not follow each other.")
    if bands and bands[-1].max_km is not None:
        raise RateTableError("The last travel band must be open-ended.")


def _deep_merge(target: dict[str, Any], overrides: dict[str, Any]) -> None:
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _collect_entries(node: Any, prefix: str, found: list[RateEntry]) -> None:
    if isinstance(node, dict):
        if "status" in node and ({"amount", "value"} & node.keys()):
            is_count = "value" in node
            value = Decimal(node["value"]) if is_count else Decimal(node["amount"])
            found.append(RateEntry(prefix, value, Status(node["status"]), str(node.get("source", "")), is_count))
            return
        for key, value in node.items():
            _collect_entries(value, f"{prefix}.{key}" if prefix else key, found)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _collect_entries(item, f"{prefix}.{index}", found)


def rebase_on_defaults(current: dict[str, Any], created: dict[str, Any], defaults: RateTable) -> dict[str, Any]:
    """A project's stored table moved onto its call year's corrected defaults (docs/grant-rules.md, "When the
    rules change"): every value the coordinator corrected since the table was created (``created``, the copy as
    it was made) stays as corrected; every other value, the country groups and activity types included, comes
    from ``defaults``. A single organisational support rate the coordinator corrected becomes the rate of every
    activity type."""
    now, then = RateTable.from_mapping(current), RateTable.from_mapping(created)
    original = {entry.key: entry for entry in then.entries()}
    result = defaults.to_mapping()
    for entry in now.entries():
        if original.get(entry.key) == entry:
            continue
        node = {
            "value" if entry.is_count else "amount": entry.value,
            "status": str(entry.status),
            "source": entry.source,
        }
        if entry.key == "organisational_support.per_participant":
            for key in result["organisational_support"].get("per_activity_type", {}):
                result["organisational_support"]["per_activity_type"][key] = dict(node)
        else:
            _set_entry(result, entry.key, node)
    if now.country_groups != then.country_groups and not now.country_group_changes:
        result["country_groups"] = now.to_mapping()["country_groups"]
    table = _parse(result)
    for change in now.country_group_changes.values():
        if change.country in table.countries() and change.group in table.country_groups:
            table = table.with_country_group(change.country, change.group, change.status, change.source)
    return table.to_mapping()


def _set_entry(mapping: dict[str, Any], key: str, node: dict[str, Any]) -> bool:
    """Put ``node`` at the dotted ``key`` when the key exists in ``mapping``; False when it does not."""
    target: Any = mapping
    *path, last = key.split(".")
    try:
        for part in path:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if not isinstance(target, dict) or last not in target:
            return False
    except (KeyError, IndexError, ValueError, TypeError):
        return False
    value = node.get("amount")
    if value is not None:
        node = {**node, "amount": _money_text(Decimal(value))}
    else:
        node = {**node, "value": int(node["value"])}
    target[last] = node
    return True

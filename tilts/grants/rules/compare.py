"""What changed between two rate tables, value by value, with the sources of both sides.

Coordinators ask this every year: between two call years' defaults, and between a project's own table and its
call year's defaults (``docs/grant-rules.md``, "When the rules change"). A value counts as changed when its
amount or its status differs; a source that differs alone (every call year cites its own guide) does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tilts.grants.rules.rates import ActivityType, RateTable, Status


class ChangeKind(StrEnum):
    VALUE = "value"
    COUNTRY_GROUP = "country_group"
    ACTIVITY_TYPE = "activity_type"


@dataclass(frozen=True)
class Side:
    """One side of a change: the value as text ("309.00", "2", "2–30"), its status and its source."""

    value: str
    status: Status
    source: str


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    key: str  # the value's dotted key, the country code, or the activity type's key
    before: Side | None  # None: the value does not exist on that side
    after: Side | None
    is_count: bool = False


def compare_tables(before: RateTable, after: RateTable) -> list[Change]:
    """Every value, country group and activity type that differs, in the reading order of ``after``."""
    return _values(before, after) + _groups(before, after) + _activities(before, after)


def _values(before: RateTable, after: RateTable) -> list[Change]:
    old = {entry.key: entry for entry in before.entries()}
    new = {entry.key: entry for entry in after.entries()}
    changes = []
    for key in [*new, *(key for key in old if key not in new)]:
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and (a.value, a.status) == (b.value, b.status):
            continue
        entry = b or a
        assert entry is not None
        changes.append(
            Change(
                ChangeKind.VALUE,
                key,
                Side(_number(a.value, a.is_count), a.status, a.source) if a else None,
                Side(_number(b.value, b.is_count), b.status, b.source) if b else None,
                entry.is_count,
            )
        )
    return changes


def _groups(before: RateTable, after: RateTable) -> list[Change]:
    changes = []
    for country in sorted(set(before.countries()) | set(after.countries())):
        a, b = before.country_group_of(country), after.country_group_of(country)
        if a is not None and b is not None and (a.group, a.changed_by_project) == (b.group, b.changed_by_project):
            continue
        changes.append(
            Change(
                ChangeKind.COUNTRY_GROUP,
                country,
                Side(str(a.group), a.status, a.source) if a else None,
                Side(str(b.group), b.status, b.source) if b else None,
                True,
            )
        )
    return changes


def _days(activity: ActivityType) -> str:
    """ "2–30", "30+" (no upper limit known) or "—" (no limits, e.g. a preparatory visit)."""
    if activity.min_days is None and activity.max_days is None:
        return "—"
    if activity.max_days is None:
        return f"{activity.min_days}+"
    return f"{activity.min_days or 1}–{activity.max_days}"


def _shape(activity: ActivityType) -> tuple[str, Status, str]:
    return _days(activity), activity.status, activity.participant


def _activities(before: RateTable, after: RateTable) -> list[Change]:
    changes = []
    keys = [*after.activity_types, *(k for k in before.activity_types if k not in after.activity_types)]
    for key in keys:
        a, b = before.activity_types.get(key), after.activity_types.get(key)
        if a is not None and b is not None and _shape(a) == _shape(b):
            continue
        changes.append(
            Change(
                ChangeKind.ACTIVITY_TYPE,
                key,
                Side(_days(a), a.status, a.source) if a else None,
                Side(_days(b), b.status, b.source) if b else None,
            )
        )
    return changes


def _number(value: object, is_count: bool) -> str:
    return str(int(str(value))) if is_count else str(value)

"""The Beneficiary Module's mobility import: the column list (data, see ``data/``) and the value of each column.

The columns and their order come from a versioned TOML file so that the export follows the module's template
when it changes; this module only knows how to find each *source key*'s value for a mobility and how to
write it in each *format* (ISO dates and country codes, Yes/No, amounts with two decimals and a dot). A key with
a fixed set of values (Tilts' codes, such as the report's status) is written in the module's words, which the
file gives for every one of those values.

The mobilities come from :func:`tilts.exports.selectors.as_exported`: once the participant report is accepted,
with what really happened and the final grant.
"""

import datetime
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path

from tilts.exports.selectors import report_of
from tilts.mobility.models import Mobility, ParticipantKind
from tilts.mobility.selectors import CATEGORY_OF_LINE
from tilts.projects.models import BudgetCategory
from tilts.reporting.models import ReportStatus

DATA = Path(__file__).resolve().parent / "data"
CURRENT = DATA / "beneficiary_module_v1.toml"
FORMATS = ("text", "date", "country", "yesno", "integer", "amount")
# What the module accepts for the participant's gender (tilts.accounts.models.Gender's values).
GENDERS = {"female": "Female", "male": "Male", "undisclosed": "Undisclosed"}
# The report status of a mobility whose participant report has not been opened yet (it has not ended).
NOT_OPENED = "not_opened"
CENT = Decimal("0.01")

Value = str | int | bool | Decimal | datetime.date | None


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    format: str
    values: dict[str, str] | None = None  # Tilts' code -> the module's word, for a key in FIXED_VALUES


@dataclass(frozen=True)
class Template:
    version: str
    name: str
    source: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def report_status(mobility: Mobility) -> str:
    """The participant report's status code (see FIXED_VALUES); the template maps it to the module's words."""
    report = report_of(mobility)
    return NOT_OPENED if report is None else str(report.status)


def grant_by_category(mobility: Mobility) -> dict[str, Decimal] | None:
    """The stored grant per cost category of the grant agreement; ``None`` when the mobility has no grant yet."""
    if mobility.grant_breakdown is None:
        return None
    totals = {category: Decimal("0.00") for category in BudgetCategory.values}
    for line_category, amount in (mobility.grant_breakdown.get("by_category") or {}).items():
        totals[CATEGORY_OF_LINE[line_category]] += Decimal(amount)
    return totals


def _category(category: str) -> Callable[[Mobility], Value]:
    def value(mobility: Mobility) -> Value:
        totals = grant_by_category(mobility)
        return None if totals is None else totals[category]

    return value


def _activity_type(mobility: Mobility) -> str:
    activity = mobility.project.rate_table.table.activity_types.get(mobility.activity_type)
    return activity.label_en if activity else mobility.activity_type


def _distance_band(mobility: Mobility) -> str:
    band = (mobility.grant_breakdown or {}).get("band") or ""
    return str(band).replace("–", "-")


SOURCES: dict[str, Callable[[Mobility], Value]] = {
    "mobility_id": lambda m: m.pk,
    "activity_type": _activity_type,
    "participant_first_name": lambda m: m.participant.first_name,
    "participant_last_name": lambda m: m.participant.last_name,
    "participant_email": lambda m: m.participant.email,
    "participant_date_of_birth": lambda m: m.participant.date_of_birth,
    "participant_gender": lambda m: GENDERS.get(m.participant.gender, ""),
    "participant_nationality": lambda m: str(m.participant.nationality or ""),
    "fewer_opportunities": lambda m: m.fewer_opportunities,
    "accompanying_person": lambda m: m.participant_kind == ParticipantKind.ACCOMPANYING,
    "sending_oid": lambda m: m.sending_organisation.oid,
    "sending_city": lambda m: m.sending_organisation.city,
    "sending_country": lambda m: str(m.sending_organisation.country),
    "receiving_oid": lambda m: m.receiving_oid,
    "receiving_name": lambda m: m.receiving_name,
    "receiving_country": lambda m: str(m.receiving_country),
    "receiving_city": lambda m: m.receiving_city,
    "start_date": lambda m: m.start_date,
    "end_date": lambda m: m.end_date,
    "travel_days": lambda m: m.travel_days,
    "distance_band": _distance_band,
    "green_travel": lambda m: m.green_travel,
    "zero_grant": lambda m: m.zero_grant,
    **{f"grant_{category}": _category(category) for category in BudgetCategory.values},
    "grant_total": lambda m: m.grant_total,
    "report_status": report_status,
}


# Keys whose values are Tilts' codes: the template says how the module words each of them.
FIXED_VALUES: dict[str, tuple[str, ...]] = {"report_status": (NOT_OPENED, *ReportStatus.values)}


class TemplateError(ValueError):
    """The column file names a key or format this code does not know, repeats a header, or leaves a code of a key
    with fixed values without the module's word for it."""


def _parse_values(index: int, column: Column, raw: object) -> dict[str, str] | None:
    """The module's word for each of the key's codes: required for a key in FIXED_VALUES, refused for others."""
    codes = FIXED_VALUES.get(column.key)
    if codes is None:
        if raw is not None:
            raise TemplateError(f"Column {index} ({column.header}): key {column.key!r} has no fixed values to map.")
        return None
    values = raw if isinstance(raw, dict) else {}
    missing = [code for code in codes if not str(values.get(code) or "")]
    if missing:
        raise TemplateError(f"Column {index} ({column.header}): values must map {', '.join(missing)}.")
    unknown = sorted(set(values) - set(codes))
    if unknown:
        raise TemplateError(f"Column {index} ({column.header}): unknown value {', '.join(unknown)}.")
    return {code: str(values[code]) for code in codes}


def parse_template(data: dict[str, object]) -> Template:
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise TemplateError("The template has no columns.")
    columns = []
    for index, raw in enumerate(raw_columns, start=1):
        if not isinstance(raw, dict):
            raise TemplateError(f"Column {index} is not a table.")
        column = Column(str(raw.get("header", "")), str(raw.get("key", "")), str(raw.get("format", "")))
        if not column.header:
            raise TemplateError(f"Column {index} has no header.")
        if column.key not in SOURCES:
            raise TemplateError(f"Column {index} ({column.header}): unknown key {column.key!r}.")
        if column.format not in FORMATS:
            raise TemplateError(f"Column {index} ({column.header}): unknown format {column.format!r}.")
        columns.append(replace(column, values=_parse_values(index, column, raw.get("values"))))
    headers = [column.header for column in columns]
    if len(set(headers)) != len(headers):
        raise TemplateError("Two columns have the same header.")
    return Template(
        str(data.get("version", "")), str(data.get("template", "")), str(data.get("source", "")), tuple(columns)
    )


@cache
def load_template(path: Path = CURRENT) -> Template:
    with path.open("rb") as handle:
        return parse_template(tomllib.load(handle))


def format_value(value: Value, format: str) -> str:
    """One cell as the module expects it; an empty cell for a missing value."""
    if value is None or value == "":
        return ""
    if format == "date":
        assert isinstance(value, datetime.date)
        return value.isoformat()
    if format == "country":
        return str(value).upper()
    if format == "yesno":
        return "Yes" if value else "No"
    if format == "integer":
        assert isinstance(value, int | str)
        return str(int(value))
    if format == "amount":
        assert isinstance(value, Decimal | int | str)
        return f"{Decimal(value).quantize(CENT):f}"
    return str(value)


def cell(mobility: Mobility, column: Column) -> str:
    value = SOURCES[column.key](mobility)
    if column.values is not None:
        value = column.values[str(value)]
    return format_value(value, column.format)


def row(mobility: Mobility, template: Template) -> list[str]:
    return [cell(mobility, column) for column in template.columns]

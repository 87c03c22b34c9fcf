"""Reading the Beneficiary Module's mobility export back: its column layout (data, see ``data/``), the file (CSV or
XLSX), each value, and the comparison of each row with what Tilts exports for the same Mobility activity ID.

The rules and sources are in ``docs/beneficiary-module.md``, "11. Import of the module's export, and
reconciliation". The layout is not
confirmed column by column, so it is versioned data like the import template: columns are found by their header,
in any order; headers Tilts does not know are ignored and reported. Everything here is pure: no database writes
(``services.import_module_export`` stores the result in one transaction).
"""

import csv
import datetime
import io
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from tilts.exports import beneficiary_module as bm
from tilts.exports.models import EUReportStatus
from tilts.projects.models import BudgetCategory

LAYOUTS = (bm.DATA / "bm_mobility_export_ka1_adu_1.toml",)
FORMATS = ("text", "date", "integer", "decimal", "yesno", "code")
GRANT_PREFIX = "grant_"
# What the reconciliation compares, in this order; the first ones Tilts can adopt from the module.
ADOPTABLE = (
    "start_date",
    "end_date",
    "travel_days",
    "means_of_transport",
    "green_travel",
    "fewer_opportunities",
    "accompanying_person",
    "force_majeure",
    "zero_grant",
)
# Shown side by side but never adopted: Tilts derives the band from the places, and the module computes the grant.
COMPARED_ONLY = ("distance_band", *(GRANT_PREFIX + category for category in BudgetCategory.values))
MAX_LISTED = 20  # problems listed in a refusal; the rest are counted


class ImportRefused(ValueError):
    """The file cannot be imported: ``messages`` say why, in the user's language. Nothing was stored."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


# --- The layout -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    header: str
    key: str
    format: str
    mandatory: bool = False
    status: str = bm.TO_CONFIRM
    source: str = ""
    aliases: tuple[str, ...] = ()
    codes: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Layout:
    version: str
    name: str
    status: str
    source: str
    actions: tuple[str, ...]
    call_years: tuple[int, ...]
    date_formats: tuple[str, ...]
    yes: frozenset[str]
    no: frozenset[str]
    columns: tuple[ExportColumn, ...]
    report_statuses: dict[str, str]  # the export's spelling, lower case -> EUReportStatus value

    def column(self, key: str) -> ExportColumn:
        return next(column for column in self.columns if column.key == key)

    def covers(self, action: str, call_year: int) -> bool:
        return action in self.actions and call_year in self.call_years


KEYS = {
    "activity_id",
    "unique_mobility_id",
    "activity_type",
    "participant_email",
    "eu_report_status",
    *ADOPTABLE,
    *COMPARED_ONLY,
}


def parse_layout(data: dict[str, Any]) -> Layout:
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise bm.TemplateError("The layout has no columns.")
    columns = []
    for index, raw in enumerate(raw_columns, start=1):
        column = ExportColumn(
            header=str(raw.get("header", "")),
            key=str(raw.get("key", "")),
            format=str(raw.get("format", "")),
            mandatory=bool(raw.get("mandatory", False)),
            status=str(raw.get("status", bm.TO_CONFIRM)),
            source=str(raw.get("source", "")),
            aliases=tuple(str(alias) for alias in raw.get("aliases", ())),
            codes=str(raw.get("codes", "")),
        )
        if not column.header or column.key not in KEYS:
            raise bm.TemplateError(f"Column {index}: a header and a known key are needed ({column.key!r}).")
        if column.format not in FORMATS or column.status not in bm.STATUSES:
            raise bm.TemplateError(f"Column {index} ({column.header}): unknown format or status.")
        columns.append(column)
    spellings = [_normal(header) for column in columns for header in column.headers]
    if len(set(spellings)) != len(spellings):
        raise bm.TemplateError("Two columns share a header.")
    if "activity_id" not in {column.key for column in columns}:
        raise bm.TemplateError("The layout has no Mobility activity ID column.")
    statuses = {}
    for key, spellings_of in (data.get("report_statuses") or {}).items():
        if key not in EUReportStatus.values:
            raise bm.TemplateError(f"Unknown EU report status {key!r}.")
        statuses.update({_normal(spelling): key for spelling in spellings_of})
    return Layout(
        version=str(data.get("version", "")),
        name=str(data.get("name", "")),
        status=str(data.get("status", bm.TO_CONFIRM)),
        source=str(data.get("source", "")),
        actions=tuple(str(a) for a in data.get("actions", ())),
        call_years=tuple(int(y) for y in data.get("call_years", ())),
        date_formats=tuple(str(f) for f in data.get("date_formats", ("%Y-%m-%d",))),
        yes=frozenset(_normal(v) for v in data.get("yes", ("yes",))),
        no=frozenset(_normal(v) for v in data.get("no", ("no", ""))),
        columns=tuple(columns),
        report_statuses=statuses,
    )


@cache
def load_layout(path: Path) -> Layout:
    with path.open("rb") as handle:
        return parse_layout(tomllib.load(handle))


def layout_for(action: str, call_year: int) -> Layout | None:
    """The newest layout of the module's export that covers the project's action and call year."""
    for path in reversed(LAYOUTS):
        layout = load_layout(path)
        if layout.covers(action, call_year):
            return layout
    return None


def _normal(text: object) -> str:
    return " ".join(str(text).split()).casefold()


# --- The file ---------------------------------------------------------------------------------------------------


def read_rows(file: IO[bytes], kind: str) -> Iterator[list[object]]:
    """The file's rows as lists of cells (text for CSV; openpyxl's values for XLSX), blank rows left out."""
    if kind == "xlsx":
        from openpyxl import load_workbook  # type: ignore[import-untyped]

        file.seek(0)
        try:
            book = load_workbook(file, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds of errors for damaged archives
            raise ImportRefused(
                [_("The XLSX file cannot be read: it is damaged. Export it from the module again.")]
            ) from error
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            cells = ["" if value is None else value for value in values]
            if any(str(cell).strip() for cell in cells):
                yield cells
        book.close()
        return
    file.seek(0)
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([_("The CSV file is not in UTF-8. Export it from the module again.")]) from error
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for cells in csv.reader(io.StringIO(text), dialect):
        if any(cell.strip() for cell in cells):
            yield list(cells)


@dataclass
class ModuleRow:
    """One row of the module's export, its values parsed (dates, numbers, flags, statuses)."""

    line: int
    values: dict[str, Any]

    @property
    def activity_id(self) -> str:
        return str(self.values.get("activity_id") or "")


@dataclass
class ParsedExport:
    layout: Layout
    rows: list[ModuleRow]
    unknown_columns: list[str]
    columns_to_confirm: list[str]
    keys: set[str] = field(default_factory=set)


def parse(file: IO[bytes], kind: str, layout: Layout) -> ParsedExport:
    """The whole file read against the layout; :class:`ImportRefused` with every problem (up to ``MAX_LISTED``)."""
    rows = read_rows(file, kind)
    header_row = next(rows, None)
    if header_row is None:
        raise ImportRefused([_("The file is empty.")])
    headers = [_normal(cell) for cell in header_row]
    by_header = {_normal(h): column for column in layout.columns for h in column.headers}
    positions: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        column = by_header.get(header)
        if column is None:
            if header:
                unknown.append(str(header_row[index]).strip())
        elif column.key in positions:
            raise ImportRefused(
                [
                    _("The column “%(column)s” appears twice. Export the file from the module again.")
                    % {"column": column.header}
                ]
            )
        else:
            positions[column.key] = index
    if "activity_id" not in positions:
        raise ImportRefused(
            [
                _(
                    "This is not the Beneficiary Module's mobility export: it has no “%(column)s” column. "
                    "In the module, export the project's mobilities and upload that file."
                )
                % {"column": layout.column("activity_id").header}
            ]
        )
    missing = [column.header for column in layout.columns if column.mandatory and column.key not in positions]
    if missing:
        raise ImportRefused(
            [
                ngettext(
                    "The file is not the module's mobility export this version of Tilts reads (layout %(version)s): "
                    "the column %(columns)s is missing.",
                    "The file is not the module's mobility export this version of Tilts reads (layout %(version)s): "
                    "the columns %(columns)s are missing.",
                    len(missing),
                )
                % {
                    "version": layout.version,
                    "columns": ", ".join(pgettext("quoted", "“%(text)s”") % {"text": header} for header in missing),
                }
            ]
        )
    columns = [(layout.column(key), index) for key, index in positions.items()]
    problems: list[str] = []
    parsed: list[ModuleRow] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(rows, start=2):
        values: dict[str, Any] = {}
        for column, index in columns:
            raw = cells[index] if index < len(cells) else ""
            try:
                values[column.key] = _value(raw, column, layout)
            except ValueError:
                problems.append(
                    _("Row %(line)s, “%(column)s”: “%(value)s” is not %(expected)s.")
                    % {"line": line, "column": column.header, "value": str(raw)[:40], "expected": _expected(column)}
                )
        row = ModuleRow(line, values)
        if not row.activity_id:
            problems.append(
                _("Row %(line)s has no %(column)s.") % {"line": line, "column": layout.column("activity_id").header}
            )
        elif row.activity_id in seen:
            problems.append(
                _("Rows %(first)s and %(line)s have the same Mobility activity ID %(id)s.")
                % {"first": seen[row.activity_id], "line": line, "id": row.activity_id}
            )
        else:
            seen[row.activity_id] = line
        parsed.append(row)
    if problems:
        listed = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            rest = len(problems) - MAX_LISTED
            listed.append(
                ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", rest) % {"count": rest}
            )
        raise ImportRefused([_("Nothing was imported. Correct the file and upload it again:"), *listed])
    if not parsed:
        raise ImportRefused([_("The file has headers but no mobilities.")])
    to_confirm = [column.header for column, _index in columns if column.status != bm.CONFIRMED]
    return ParsedExport(layout, parsed, unknown, to_confirm, set(positions))


def _expected(column: ExportColumn) -> str:
    return {
        "date": _("a date (YYYY-MM-DD or DD/MM/YYYY)"),
        "integer": _("a whole number"),
        "decimal": _("an amount in euro"),
        "yesno": _("Yes or No"),
        "code": _("one of the module's statuses"),
    }.get(column.format, _("text"))


DECIMAL_RE = re.compile(r"^-?\d+([.,]\d{1,2})?$")


def _value(raw: object, column: ExportColumn, layout: Layout) -> Any:
    """One cell parsed by its column's format: ``ValueError`` when it does not parse; empty cells give None."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw == "" or raw is None:
        if column.format == "yesno":
            return False
        return None if column.format != "text" else ""
    if column.format == "text":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw).strip()
    if column.format == "date":
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        for pattern in layout.date_formats:
            try:
                return datetime.datetime.strptime(str(raw), pattern).date()
            except ValueError:
                continue
        raise ValueError(raw)
    if column.format == "integer":
        if isinstance(raw, bool):
            raise ValueError(raw)
        if isinstance(raw, int | float) and float(raw).is_integer():
            return int(raw)
        text = str(raw)
        if not text.isdigit():
            raise ValueError(raw)
        return int(text)
    if column.format == "decimal":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return Decimal(str(raw)).quantize(bm.CENT)
        text = str(raw).replace("\u00a0", "").replace(" ", "")
        if not DECIMAL_RE.match(text):
            raise ValueError(raw)
        try:
            return Decimal(text.replace(",", ".")).quantize(bm.CENT)
        except InvalidOperation as error:
            raise ValueError(raw) from error
    if column.format == "yesno":
        if isinstance(raw, bool):
            return raw
        text = _normal(raw)
        if text in layout.yes:
            return True
        if text in layout.no:
            return False
        raise ValueError(raw)
    status = layout.report_statuses.get(_normal(raw))
    if status is None:
        raise ValueError(raw)
    return status


# --- Comparison -------------------------------------------------------------------------------------------------


def as_text(key: str, value: Any) -> str:
    """A value in the module's text form, so that Tilts' and the module's compare and show alike."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.quantize(bm.CENT):f}"
    if key == "distance_band":
        return str(value).replace("–", "-")
    if key == "means_of_transport":
        transport = bm.load_codes().transport.get(str(value))
        return transport.code if transport else str(value)
    return str(value)


def tilts_values(mobility: Any) -> dict[str, str]:
    """What Tilts exports for a mobility, key by key, for the compared keys (``mobility`` as exported)."""
    values = {key: as_text(key, bm.SOURCES[key](mobility)) for key in ADOPTABLE if key in bm.SOURCES}
    values["distance_band"] = as_text("distance_band", bm.distance_band(mobility))
    grants = bm.grant_by_category(mobility) or {}
    for category in BudgetCategory.values:
        values[GRANT_PREFIX + category] = as_text("", grants.get(category))
    return values


def module_values(row: ModuleRow, keys: set[str]) -> dict[str, str]:
    """The module's values of the compared keys the file has, in the same text form."""
    return {key: as_text(key, row.values.get(key)) for key in (*ADOPTABLE, *COMPARED_ONLY) if key in keys}


def differences(tilts: dict[str, str], module: dict[str, str]) -> list[list[str]]:
    """[key, Tilts' value, the module's value] for every compared key the file has whose values differ.

    An empty grant cell in the module is no difference (the module has not computed it yet)."""
    found = []
    for key, value in module.items():
        if key.startswith(GRANT_PREFIX) and value == "":
            continue
        if tilts.get(key, "") != value:
            found.append([key, tilts.get(key, ""), value])
    return found


def transport_key(code: str) -> str:
    """Tilts' key of a means of transport from the module's code ("" when the list does not have it)."""
    return next((key for key, t in bm.load_codes().transport.items() if t.code.casefold() == code.casefold()), "")

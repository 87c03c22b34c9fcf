"""The Beneficiary Module's mobility import: its template and code lists (data, see ``data/``), each column's value
for a mobility, and the module's three validation stages run before any file is offered.

The rules are written out, with their sources, in ``docs/beneficiary-module.md``. In short: the module computes the
grant itself, so the import carries inputs (activity type code, dates, travel days, distance band, means of
transport, flags, expensive-travel cost, inclusion support) and no amounts; Tilts' own computation goes to a
separate "Tilts estimate" file. The column list and some code lists are not confirmed: they are versioned data with
a status per column and per list, which the export page shows as "to confirm".
"""

import datetime
import re
import tomllib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tilts.core import dates
from tilts.core.collation import latvian_sort_key
from tilts.exports.models import ModuleMobility
from tilts.mobility.models import GroupActivity, Mobility, ParticipantKind
from tilts.mobility.selectors import CATEGORY_OF_LINE
from tilts.projects.models import BudgetCategory, Project
from tilts.projects.selectors import within_period

DATA = Path(__file__).resolve().parent / "data"
CODES = DATA / "bm_codes_1.toml"
TEMPLATES = (DATA / "bm_import_ka1_adu_2.toml",)
# The module's own sections (C): group activities of adult learners, and preparatory visits.
MOBILITIES, GROUP_ACTIVITIES, PREPARATORY_VISITS = "mobilities", "group_activities", "preparatory_visits"
GROUP_TEMPLATES = (DATA / "bm_group_activities_ka1_adu_1.toml",)
PREPARATORY_VISIT_TEMPLATES = (DATA / "bm_preparatory_visits_ka1_adu_1.toml",)
FORMATS = ("text", "code", "date", "country", "yesno", "integer", "decimal", "oid")
CONFIRMED, TO_CONFIRM = "confirmed", "to-confirm"
STATUSES = (CONFIRMED, TO_CONFIRM)
# What the module accepts for the participant's gender (tilts.accounts.models.Gender's values).
GENDERS = {"female": "Female", "male": "Male", "undisclosed": "Undisclosed"}
OID_RE = re.compile(r"^E\d{8}$")
CENT = Decimal("0.01")
# Programme Guide: up to 2 funded travel days, up to 6 with green travel (docs/grant-rules.md, "Travel days").
MAX_TRAVEL_DAYS, MAX_GREEN_TRAVEL_DAYS = 2, 6

Value = str | int | bool | Decimal | datetime.date | None


class TemplateError(ValueError):
    """A data file names a key, format or code list this code does not know, or repeats a header."""


# --- The code lists ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transport:
    code: str
    green: bool
    label_en: str
    label_lv: str

    def label(self, language: str) -> str:
        return self.label_lv if language == "lv" else self.label_en


@dataclass(frozen=True)
class Codes:
    version: str
    activity_types: dict[str, tuple[str, str, str]]  # Tilts' key -> (module code, status, section)
    countries: dict[str, str]
    countries_status: str
    transport: dict[str, Transport]
    transport_status: str

    def status_of(self, codes: str, key: str) -> str:
        if codes == "activity_types":
            return self.activity_types[key][1] if key in self.activity_types else TO_CONFIRM
        return self.transport_status


def parse_codes(data: dict[str, Any]) -> Codes:
    activity_types = {}
    for key, entry in (data.get("activity_types") or {}).items():
        status = str(entry.get("status", ""))
        if status not in STATUSES:
            raise TemplateError(f"Activity type {key}: status must be confirmed or to-confirm.")
        activity_types[key] = (str(entry.get("code", "")), status, str(entry.get("section", "mobilities")))
    countries = data.get("countries") or {}
    transport = data.get("means_of_transport") or {}
    return Codes(
        version=str(data.get("version", "")),
        activity_types=activity_types,
        countries={str(k).upper(): str(v) for k, v in (countries.get("codes") or {}).items()},
        countries_status=str(countries.get("status", TO_CONFIRM)),
        transport={
            key: Transport(str(e["code"]), bool(e.get("green")), str(e["label_en"]), str(e["label_lv"]))
            for key, e in (transport.get("codes") or {}).items()
        },
        transport_status=str(transport.get("status", TO_CONFIRM)),
    )


@cache
def load_codes(path: Path = CODES) -> Codes:
    with path.open("rb") as handle:
        return parse_codes(tomllib.load(handle))


# --- The template -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    format: str
    mandatory: bool = False
    status: str = TO_CONFIRM
    source: str = ""
    codes: str = ""
    max_length: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == CONFIRMED


@dataclass(frozen=True)
class Template:
    version: str
    name: str
    source: str
    status: str
    actions: tuple[str, ...]
    call_years: tuple[int, ...]
    columns: tuple[Column, ...]
    section: str = MOBILITIES  # which of the module's sections the file fills: its keys come from that section

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def covers(self, project: Project) -> bool:
        return project.action in self.actions and project.call_year in self.call_years


def parse_template(data: dict[str, Any]) -> Template:
    section = str(data.get("section", MOBILITIES))
    if section not in SECTION_SOURCES:
        raise TemplateError(f"Unknown section {section!r}.")
    sources = SECTION_SOURCES[section]
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise TemplateError("The template has no columns.")
    columns = []
    for index, raw in enumerate(raw_columns, start=1):
        if not isinstance(raw, dict):
            raise TemplateError(f"Column {index} is not a table.")
        column = Column(
            header=str(raw.get("header", "")),
            key=str(raw.get("key", "")),
            format=str(raw.get("format", "")),
            mandatory=bool(raw.get("mandatory", False)),
            status=str(raw.get("status", TO_CONFIRM)),
            source=str(raw.get("source", "")),
            codes=str(raw.get("codes", "")),
            max_length=int(raw["max_length"]) if raw.get("max_length") else None,
        )
        if not column.header:
            raise TemplateError(f"Column {index} has no header.")
        if column.key not in sources:
            raise TemplateError(f"Column {index} ({column.header}): unknown key {column.key!r}.")
        if column.format not in FORMATS:
            raise TemplateError(f"Column {index} ({column.header}): unknown format {column.format!r}.")
        if column.status not in STATUSES:
            raise TemplateError(f"Column {index} ({column.header}): status must be confirmed or to-confirm.")
        if (column.format == "code") != (column.codes in ("activity_types", "means_of_transport")):
            raise TemplateError(f"Column {index} ({column.header}): a code column names its code list.")
        columns.append(column)
    headers = [column.header for column in columns]
    if len(set(headers)) != len(headers):
        raise TemplateError("Two columns have the same header.")
    return Template(
        version=str(data.get("version", "")),
        name=str(data.get("template", "")),
        source=str(data.get("source", "")),
        status=str(data.get("status", TO_CONFIRM)),
        actions=tuple(str(a) for a in data.get("actions", ())),
        call_years=tuple(int(y) for y in data.get("call_years", ())),
        columns=tuple(columns),
        section=section,
    )


@cache
def load_template(path: Path) -> Template:
    with path.open("rb") as handle:
        return parse_template(tomllib.load(handle))


def template_for(project: Project, section: str = MOBILITIES) -> Template | None:
    """The newest template of a section that covers the project's action and call year; ``None`` when none does."""
    paths = {MOBILITIES: TEMPLATES, GROUP_ACTIVITIES: GROUP_TEMPLATES, PREPARATORY_VISITS: PREPARATORY_VISIT_TEMPLATES}
    for path in reversed(paths[section]):
        template = load_template(path)
        if template.covers(project):
            return template
    return None


# --- Values -----------------------------------------------------------------------------------------------------


def module_of(mobility: Mobility | GroupActivity) -> ModuleMobility | None:
    """The mobility's module record (activity ID, transport, expensive travel, inclusion), ``None`` before one.

    A group activity holds its module inputs itself: ``None``. A mobility read as values (the module's check in
    chunks) carries ``None`` when it has no record."""
    if isinstance(mobility, GroupActivity):
        return None
    try:
        return mobility.module
    except ModuleMobility.DoesNotExist:
        return None


def _module(attribute: str) -> Callable[[Mobility], Value]:
    def value(mobility: Mobility) -> Value:
        record = module_of(mobility)
        return None if record is None else getattr(record, attribute)

    return value


def distance_band(mobility: Mobility | GroupActivity) -> str:
    """The band of the grant's breakdown (the module's check in chunks reads this key alone of the breakdown:
    ``selectors._rows_read``)."""
    band = (mobility.grant_breakdown or {}).get("band") or ""
    return str(band).replace("–", "-")


def green_travel(mobility: Mobility) -> bool:
    """Green travel follows from the main means of transport once it is given; until then, Tilts' flag."""
    record = module_of(mobility)
    transport = load_codes().transport.get(record.means_of_transport) if record else None
    return transport.green if transport else mobility.green_travel


def _expensive(mobility: Mobility) -> bool:
    record = module_of(mobility)
    return record is not None and record.expensive_travel_cost is not None


def _country_text(instance: Any, name: str) -> str:
    """``str()`` of a country field (its code), without building a Country object for every row. ``instance``: a
    model instance, or a row read as values that names its ``model``."""
    code = instance.__dict__.get(name)
    if isinstance(code, str) and code:
        model: Any = getattr(type(instance), "model", None) or type(instance)
        return _country_of_code(model, name, code)
    return str(getattr(instance, name) or "")


@cache
def _country_of_code(model: Any, name: str, code: str) -> str:
    return str(getattr(model, name).country(code))


SOURCES: dict[str, Callable[[Mobility], Value]] = {
    "activity_id": _module("activity_id"),
    "activity_type": lambda m: m.activity_type,
    "participant_first_name": lambda m: m.participant.first_name,
    "participant_last_name": lambda m: m.participant.last_name,
    "participant_email": lambda m: m.participant.email,
    "participant_date_of_birth": lambda m: m.participant.date_of_birth,
    "participant_gender": lambda m: GENDERS.get(m.participant.gender, ""),
    "participant_nationality": lambda m: _country_text(m.participant, "nationality"),
    "fewer_opportunities": lambda m: m.fewer_opportunities,
    "accompanying_person": lambda m: m.participant_kind == ParticipantKind.ACCOMPANYING,
    "sending_oid": lambda m: m.sending_organisation.oid,
    "receiving_oid": lambda m: m.receiving_oid,
    "receiving_name": lambda m: m.receiving_name,
    "receiving_country": lambda m: _country_text(m, "receiving_country"),
    "receiving_city": lambda m: m.receiving_city,
    "start_date": lambda m: m.start_date,
    "end_date": lambda m: m.end_date,
    "travel_days": lambda m: m.travel_days,
    "distance_band": distance_band,
    "means_of_transport": _module("means_of_transport"),
    "transport_description": _module("transport_description"),
    "green_travel": green_travel,
    "expensive_travel": _expensive,
    "expensive_travel_cost": _module("expensive_travel_cost"),
    "expensive_travel_justification": _module("expensive_travel_justification"),
    "inclusion_support_amount": _module("inclusion_support_amount"),
    "inclusion_support_justification": _module("inclusion_support_justification"),
    "force_majeure": lambda m: m.force_majeure,
    "zero_grant": lambda m: m.zero_grant,
}


def format_value(value: Value, column: Column, codes: Codes) -> str:
    """One cell as the module expects it; an empty cell for a missing value or a code the list does not have."""
    if value is None or value == "":
        return ""
    if column.format == "date":
        assert isinstance(value, datetime.date)
        return value.isoformat()
    if column.format == "country":
        code = str(value).upper()
        return codes.countries.get(code, code)
    if column.format == "code":
        if column.codes == "activity_types":
            return codes.activity_types.get(str(value), ("", "", ""))[0]
        transport = codes.transport.get(str(value))
        return transport.code if transport else ""
    if column.format == "yesno":
        return "Yes" if value else "No"
    if column.format == "integer":
        assert isinstance(value, int | str)
        return str(int(value))
    if column.format == "decimal":
        assert isinstance(value, Decimal | int | str)
        return f"{Decimal(value).quantize(CENT):f}"
    return str(value)


# A group activity's values (docs/beneficiary-module.md, "10. Group activities and preparatory visits"): the group's
# own fields, and of the accompanying persons only the lead one by name (C).
GROUP_SOURCES: dict[str, Callable[[GroupActivity], Value]] = {
    "activity_id": lambda g: g.activity_id,
    "activity_type": lambda g: g.activity_type,
    "group_name": lambda g: g.title,
    "sending_oid": lambda g: g.sending_organisation.oid,
    "receiving_oid": lambda g: g.receiving_oid,
    "receiving_name": lambda g: g.receiving_name,
    "receiving_country": lambda g: _country_text(g, "receiving_country"),
    "receiving_city": lambda g: g.receiving_city,
    "start_date": lambda g: g.start_date,
    "end_date": lambda g: g.end_date,
    "travel_days": lambda g: g.travel_days,
    "distance_band": distance_band,
    "means_of_transport": lambda g: g.means_of_transport,
    "green_travel": lambda g: g.green_travel,
    "learners": lambda g: g.learners,
    "learners_fewer_opportunities": lambda g: g.learners_fewer_opportunities,
    "accompanying_persons": lambda g: g.accompanying_persons,
    "lead_first_name": lambda g: g.lead_accompanying_person.first_name,
    "lead_last_name": lambda g: g.lead_accompanying_person.last_name,
    "lead_email": lambda g: g.lead_accompanying_person.email,
    "force_majeure": lambda g: g.force_majeure,
}
# A preparatory visit is a mobility in Tilts: its section reads the mobility's values.
SECTION_SOURCES: dict[str, dict[str, Callable[[Any], Value]]] = {
    MOBILITIES: SOURCES,
    GROUP_ACTIVITIES: GROUP_SOURCES,
    PREPARATORY_VISITS: SOURCES,
}


def row(mobility: Mobility | GroupActivity, template: Template) -> list[str]:
    codes = load_codes()
    return [format_value(source(mobility), column, codes) for source, column in _layout(template).sources]


def grant_by_category(mobility: Mobility | GroupActivity) -> dict[str, Decimal] | None:
    """The stored grant per cost category of the grant agreement; ``None`` when the mobility has no grant yet."""
    if mobility.grant_breakdown is None:
        return None
    totals = {category: Decimal("0.00") for category in BudgetCategory.values}
    for line_category, amount in (mobility.grant_breakdown.get("by_category") or {}).items():
        totals[CATEGORY_OF_LINE[line_category]] += Decimal(amount)
    return totals


# --- The three validation stages -------------------------------------------------------------------------------

FILE, FIELD, RULES, NOTE = "file", "field", "rules", "note"


@dataclass(frozen=True)
class Problem:
    """One thing the module would refuse (``blocking``), or a note on data it asks for but does not require."""

    stage: str  # file, field or rules; "note" for what does not block
    message: str
    header: str = ""  # the column at fault, when there is one
    fix: str = ""  # where to fix it: "mobility", "module" (the module details) or "person"

    @property
    def blocking(self) -> bool:
        return self.stage != NOTE


@dataclass
class CheckedRow:
    mobility: Any  # a Mobility; a GroupActivity in the group activities' section
    cells: list[str]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not any(problem.blocking for problem in self.problems)


class CheckedFile:
    """What a checked file (the mobility import, or a section of the module) tells about its rows; the dataclasses
    that mix it in hold ``template``, ``file_problems`` and ``rows``."""

    template: Template | None
    file_problems: list[Problem]
    rows: list[CheckedRow]

    @property
    def ready(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.ready] if not self.file_problems else []

    @property
    def blocked(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.ready]

    @property
    def with_problems(self) -> list[CheckedRow]:
        """Those held back first, then those with notes only."""
        return sorted((row for row in self.rows if row.problems), key=lambda row: row.ready)

    @property
    def to_confirm(self) -> list[Column]:
        """The template's columns not confirmed yet: their header, place or values may differ in the module."""
        return [column for column in self.template.columns if not column.confirmed] if self.template else []

    @property
    def codes_to_confirm(self) -> list[str]:
        """The activity types used in the file whose module code is not confirmed yet."""
        codes = load_codes()
        labels = {
            row.mobility.activity_type_label
            for row in self.rows
            if codes.status_of("activity_types", row.mobility.activity_type) != CONFIRMED
        }
        return sorted(labels, key=latvian_sort_key)


@dataclass(frozen=True)
class _Layout:
    """What the checks look up in a template for every row, worked out once per template."""

    fixes: tuple[str, ...]  # per column: where to fix it (_fix_of)
    index: dict[str, int]  # key -> its column (the last, for a key given twice)
    headers: dict[str, str]  # key -> its header (likewise)
    notes: tuple[int, ...]  # the columns a note asks to complete when empty
    sources: tuple[tuple[Callable[[Any], Value], Column], ...]  # per column: where its value comes from
    # per language: the note of each column in ``notes`` (translated once, not for every row of 10,000)
    note_texts: dict[str | None, dict[int, str]] = field(default_factory=dict, compare=False)


NOTED = ("participant_date_of_birth", "participant_gender", "participant_nationality", "receiving_oid")
_layouts: dict[int, tuple[Template, _Layout]] = {}


def _layout(template: Template) -> _Layout:
    known = _layouts.get(id(template))
    if known is not None and known[0] is template:
        return known[1]
    layout = _Layout(
        fixes=tuple(_fix_of(column.key) for column in template.columns),
        index={column.key: i for i, column in enumerate(template.columns)},
        headers={column.key: column.header for column in template.columns},
        notes=tuple(i for i, column in enumerate(template.columns) if column.key in NOTED),
        sources=tuple((SECTION_SOURCES[template.section][column.key], column) for column in template.columns),
    )
    _layouts[id(template)] = (template, layout)
    return layout


def file_problems(project: Project, template: Template | None) -> list[Problem]:
    """Stage 1, the file: a template for the project's action and call year, and a project number to prefix IDs."""
    problems = []
    if template is None:
        problems.append(
            Problem(
                FILE,
                _("No template of the module's import is known for %(action)s, call %(year)s.")
                % {"action": project.action, "year": project.call_year},
            )
        )
    if not project.grant_agreement_number:
        problems.append(
            Problem(FILE, _("Enter the project's grant agreement number: the Mobility activity IDs start with it."))
        )
    return problems


def field_problems(
    mobility: Mobility | GroupActivity, template: Template, cells: list[str], codes: Codes
) -> list[Problem]:
    """Stage 2, each field: mandatory cells, code lists, formats and lengths."""
    problems = []
    fixes = _layout(template).fixes
    for column, value, fix in zip(template.columns, cells, fixes, strict=True):
        if not value:
            if column.format == "code" and column.key == "activity_type":
                problems.append(
                    Problem(
                        FIELD,
                        _("The module's code for the activity type “%(type)s” is not known yet.")
                        % {"type": mobility.activity_type_label},
                        column.header,
                        "",
                    )
                )
            elif column.mandatory:
                problems.append(
                    Problem(FIELD, _("%(column)s is missing.") % {"column": column.header}, column.header, fix)
                )
            continue
        if column.format == "oid" and not OID_RE.match(value):
            problems.append(
                Problem(
                    FIELD,
                    _("%(column)s is not an OID (E and eight digits).") % {"column": column.header},
                    column.header,
                    fix,
                )
            )
        if column.max_length and len(value) > column.max_length:
            problems.append(
                Problem(
                    FIELD,
                    _("%(column)s is longer than %(count)s characters.")
                    % {"column": column.header, "count": column.max_length},
                    column.header,
                    fix,
                )
            )
    return problems


def _fix_of(key: str) -> str:
    if key.startswith("participant_"):
        return "person"
    if key in ("means_of_transport", "transport_description") or key.startswith(("expensive_", "inclusion_")):
        return "module"
    return "mobility"


def rule_problems(
    mobility: Mobility | GroupActivity, template: Template, cells: list[str], project: Project
) -> list[Problem]:
    """Stage 3, the Programme Guide's rules the module checks (docs/beneficiary-module.md, "6. The three checks
    before any file is offered")."""
    layout = _layout(template)
    if len(cells) != len(template.columns):
        raise ValueError("The row's cells do not match the template's columns.")
    index, headers = layout.index, layout.headers
    values = {key: cells[i] for key, i in index.items() if key in ("green_travel", "means_of_transport")}
    problems = []
    if not within_period(project, mobility.start_date, mobility.end_date):
        problems.append(
            Problem(
                RULES,
                _("The dates are outside the project (%(start)s to %(end)s).")
                % {"start": dates.short(project.start_date), "end": dates.short(project.end_date)},
                headers.get("start_date", ""),
                "mobility",
            )
        )
    green = values.get("green_travel") == "Yes"
    limit = MAX_GREEN_TRAVEL_DAYS if green else MAX_TRAVEL_DAYS
    if mobility.travel_days > limit:
        message = (
            _("Up to %(count)s travel days with green travel.")
            if green
            else _("Up to %(count)s travel days without green travel (up to 6 with it).")
        )
        problems.append(Problem(RULES, message % {"count": limit}, headers.get("travel_days", ""), "mobility"))
    if values.get("means_of_transport") and green != mobility.green_travel:
        problems.append(
            Problem(
                RULES,
                _("The means of transport and the mobility's green travel disagree: correct one of them."),
                headers.get("means_of_transport", ""),
                "module",
            )
        )
    sending = mobility.sending_organisation.oid
    if sending and sending == mobility.receiving_oid:
        problems.append(
            Problem(
                RULES,
                _("The sending and the receiving organisation are the same."),
                headers.get("receiving_oid", ""),
                "mobility",
            )
        )
    if not mobility.receiving_oid and not (mobility.receiving_name and mobility.receiving_city):
        problems.append(
            Problem(
                RULES,
                _("Give the receiving organisation's OID, or its name and city."),
                headers.get("receiving_oid", ""),
                "mobility",
            )
        )
    record = module_of(mobility)
    if record and record.expensive_travel_cost is not None and not record.expensive_travel_justification.strip():
        problems.append(
            Problem(
                RULES,
                _("Expensive travel needs a justification."),
                headers.get("expensive_travel_justification", ""),
                "module",
            )
        )
    if record and record.inclusion_support_amount is not None and not record.inclusion_support_justification.strip():
        problems.append(
            Problem(
                RULES,
                _("Inclusion support needs a justification."),
                headers.get("inclusion_support_justification", ""),
                "module",
            )
        )
    return problems


def notes(
    mobility: Mobility | GroupActivity, template: Template, cells: list[str], texts: dict[int, str] | None = None
) -> list[Problem]:
    """What the module asks for but does not require: empty optional columns worth completing. ``texts``: the
    notes' texts in the current language (:func:`_note_texts`), for a caller that checks many rows."""
    if len(cells) != len(template.columns):
        raise ValueError("The row's cells do not match the template's columns.")
    layout = _layout(template)
    columns, fixes = template.columns, layout.fixes
    if texts is None:
        texts = _note_texts(template)
    return [Problem(NOTE, texts[i], columns[i].header, fixes[i]) for i in layout.notes if not cells[i]]


def _note_texts(template: Template) -> dict[int, str]:
    """The note of each column a note asks to complete, in the current language: translated once per template and
    language, and the language read once per file, not for every row of 10,000."""
    layout = _layout(template)
    texts = layout.note_texts.get(language := get_language())
    if texts is None:
        texts = layout.note_texts[language] = {
            i: _("%(column)s is empty.") % {"column": template.columns[i].header} for i in layout.notes
        }
    return texts


def check_rows(
    mobilities: Iterable[Mobility] | Iterable[GroupActivity],
    template: Template,
    project: Project,
    duplicates: Collection[str] | None = None,
) -> list[CheckedRow]:
    """Stages 2 and 3 for each mobility, then the duplicates across the file (IDs): those found among
    ``mobilities``, or, for some rows of the file checked again, the file's ``duplicates`` (:func:`duplicate_ids`)."""
    codes = load_codes()
    checked = []
    seen: dict[str, int] = {}
    id_index = template.headers.index(_header(template, "activity_id")) if _header(template, "activity_id") else None
    note_texts = _note_texts(template)
    for mobility in mobilities:
        cells = row(mobility, template)
        result = CheckedRow(mobility, cells)
        result.problems += field_problems(mobility, template, cells, codes)
        result.problems += rule_problems(mobility, template, cells, project)
        result.problems += notes(mobility, template, cells, note_texts)
        if id_index is not None and cells[id_index]:
            seen[cells[id_index]] = seen.get(cells[id_index], 0) + 1
        checked.append(result)
    if id_index is not None:
        repeated = {value for value, count in seen.items() if count > 1} if duplicates is None else duplicates
        for result in checked:
            if result.cells[id_index] in repeated:
                result.problems.append(
                    Problem(RULES, _("Two mobilities have the same Mobility activity ID."), template.headers[id_index])
                )
    return checked


def duplicate_ids(rows: Iterable[CheckedRow], template: Template) -> frozenset[str]:
    """The Mobility activity IDs that more than one of the file's rows carries."""
    header = _header(template, "activity_id")
    if not header:
        return frozenset()
    index = template.headers.index(header)
    seen: dict[str, int] = {}
    for checked in rows:
        if checked.cells[index]:
            seen[checked.cells[index]] = seen.get(checked.cells[index], 0) + 1
    return frozenset(value for value, count in seen.items() if count > 1)


def _header(template: Template, key: str) -> str:
    return next((column.header for column in template.columns if column.key == key), "")

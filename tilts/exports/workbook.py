"""The project workbook (XLSX): one sheet per subject, from a registry other apps add sheets to.

Headers are lazy translations, evaluated while the workbook is built in the language of whoever asked for it.
Dates are real date cells, money is a number with two decimals, the header row is frozen and every column has
a width. Text cells go through :func:`tilts.core.spreadsheets.safe_cell`.

Another app adds a sheet with one call, e.g. in its ``AppConfig.ready``::

    from tilts.exports.workbook import register_sheet
    register_sheet("followups", _("Follow-ups"), build_followups_sheet)
"""

import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tilts.accounts.models import User
from tilts.core.collation import latvian_sort_key
from tilts.core.spreadsheets import safe_cell
from tilts.exports.beneficiary_module import grant_by_category
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.projects.models import BudgetCategory, Project

if TYPE_CHECKING:  # openpyxl is imported where a workbook is written, not by every worker at start (README, "Memory")
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
MAX_WIDTH = 60


@dataclass(frozen=True)
class WorkbookContext:
    """What every sheet builder gets: who exports, the project and the mobilities within their reach."""

    user: User
    project: Project
    # Walked once per sheet that needs them (services.build_xlsx reads them again each time, in chunks).
    mobilities: Iterable[Mobility]

    def mobility_ids(self, excluding: Collection[str] = ()) -> list[int]:
        """The mobilities' ids (leaving out those with a status in ``excluding``), without reading the rows when
        the mobilities come from the database."""
        ids = getattr(self.mobilities, "ids", None)
        if ids is not None:
            return list(ids(excluding))
        return [m.pk for m in self.mobilities if m.status not in excluding]


# Gets a sheet of a write-only workbook: it adds rows with sheet.append() (write_table does).
SheetBuilder = Callable[[Any, WorkbookContext], None]


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str | Promise
    build: SheetBuilder


SHEETS: list[Sheet] = []


def register_sheet(key: str, title: str | Promise, build: SheetBuilder) -> None:
    """Add a sheet at the end of the workbook (registering the same key again replaces it)."""
    for index, sheet in enumerate(SHEETS):
        if sheet.key == key:
            SHEETS[index] = Sheet(key, title, build)
            return
    SHEETS.append(Sheet(key, title, build))


def sheet_titles() -> list[str]:
    """The workbook's sheet titles in order, in the current language (for the page that describes the workbook)."""
    return [str(sheet.title) for sheet in SHEETS]


@dataclass(frozen=True)
class Col:
    header: str | Promise
    format: str = "text"  # text, date, money, integer


Table = tuple[Sequence[Col], Iterable[Sequence[Any]]]
# Column widths are measured on the first rows of a table, so the rest can be streamed without being held.
WIDTH_SAMPLE = 1000


def write_tables(sheet: Any, tables: Sequence[Table]) -> None:
    """Tables one under another, a blank row between them, on a sheet of a write-only workbook (rows are streamed
    to a temporary file as they are added, and may come from a generator, so a large workbook is not held in
    memory): each header row bold, the first frozen, the rows with their number formats, and every column as
    wide as its longest value (up to MAX_WIDTH) among the first WIDTH_SAMPLE rows of any of the tables, which is
    why they are written together."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    widths: dict[int, int] = {}
    started: list[tuple[Sequence[Col], list[Sequence[Any]], Iterator[Sequence[Any]]]] = []
    for columns, rows in tables:
        rest = iter(rows)
        sample = list(islice(rest, WIDTH_SAMPLE))
        started.append((columns, sample, rest))
        for index, col in enumerate(columns):
            widths[index] = max(widths.get(index, 0), len(str(col.header)))
        for values in sample:
            for index, (col, value) in enumerate(zip(columns, values, strict=True)):
                widths[index] = max(widths.get(index, 0), _length(col, value))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, (columns, sample, rest) in enumerate(started):
        if number:
            sheet.append([])
        sheet.append([_styled(sheet, str(col.header), font=bold) for col in columns])
        for values in chain(sample, rest):
            sheet.append([_cell(sheet, col, value) for col, value in zip(columns, values, strict=True)])


def write_table(sheet: Any, columns: Sequence[Col], rows: Iterable[Sequence[Any]]) -> None:
    """One table on a sheet of a write-only workbook (see :func:`write_tables`)."""
    write_tables(sheet, [(columns, rows)])


def _length(col: Col, value: Any) -> int:
    if value is None:
        return 0
    if col.format == "date":
        return 10
    if col.format == "money":
        return len(f"{value:,.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _styled(sheet: Any, value: Any, *, font: "Font | None" = None, number_format: str = "") -> "WriteOnlyCell":
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format:
        cell.number_format = number_format
    return cell


def _cell(sheet: Any, col: Col, value: Any) -> Any:
    if value is None:
        return None
    if col.format == "date":
        return _styled(sheet, value, number_format=DATE)
    if col.format == "money":
        return _styled(sheet, value, number_format=MONEY)
    return safe_cell(value)


def _yes(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


MOBILITY_COLUMNS = [
    Col("ID", "integer"),
    Col(_("Status")),
    Col(_("Sending member")),
    Col(_("Participant")),
    Col(_("E-mail")),
    Col(_("Participant is")),
    Col(_("Activity type")),
    Col(_("Joint study trip")),
    Col(_("Receiving organisation")),
    Col(_("Receiving organisation's OID")),
    Col(_("Receiving city")),
    Col(_("Receiving country")),
    Col(_("Start"), "date"),
    Col(_("End"), "date"),
    Col(_("Activity days"), "integer"),
    Col(_("Travel days"), "integer"),
    Col(_("Green travel")),
    Col(_("Distance, km"), "integer"),
    Col(_("Course days"), "integer"),
    Col(_("Fewer opportunities")),
    Col(_("Zero grant")),
    Col(_("Goals")),
    Col(_("Topic")),
    Col(_("Learning objectives")),
    Col(_("Follow-up")),
    Col(_("For whom")),
    Col(_("Colleagues to reach"), "integer"),
    Col(_("Follow-up by"), "date"),
    *[Col(label, "money") for _value, label in BudgetCategory.choices],
    Col(_("Grant, EUR"), "money"),
    Col(_("Grant frozen on"), "date"),
]


def mobilities_sheet(sheet: Any, context: WorkbookContext) -> None:
    write_table(sheet, MOBILITY_COLUMNS, _mobility_rows(context.mobilities))


def _display(field_name: str) -> Callable[[Any], str]:
    """``get_<field>_display()`` of the mobility's choice field, its labels translated once per sheet."""
    field = Mobility._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    labels = {value: str(label) for value, label in field.flatchoices}
    return lambda value: labels.get(value, value)


def _goal_numbers(mobility: Mobility) -> str:
    numbers = getattr(mobility, "goal_numbers", None)  # set by the exports' reader (services._Exported)
    if numbers is None:
        numbers = [goal.number for goal in mobility.goals.all()]
    return ", ".join(str(number) for number in numbers)


def _mobility_rows(mobilities: Iterable[Mobility]) -> Iterator[list[Any]]:
    status, participant_kind = _display("status"), _display("participant_kind")
    activity_types: dict[str, str] = {}  # the project's labels, read from its rate table once per type
    for m in mobilities:
        by_category = grant_by_category(m)
        frozen = m.grant_frozen_at
        activity_type = activity_types.get(m.activity_type)
        if activity_type is None:
            activity_type = activity_types[m.activity_type] = m.activity_type_label
        yield [
            m.pk,
            status(m.status),
            m.sending_organisation.legal_name,
            m.participant.get_full_name() or m.participant.email,
            m.participant.email,
            participant_kind(m.participant_kind),
            activity_type,
            m.trip.title if m.trip else "",
            m.receiving_name,
            m.receiving_oid,
            m.receiving_city,
            str(m.receiving_country),
            m.start_date,
            m.end_date,
            m.activity_days,
            m.travel_days,
            _yes(m.green_travel),
            (m.grant_breakdown or {}).get("distance_km"),
            m.course_days,
            _yes(m.fewer_opportunities),
            _yes(m.zero_grant),
            _goal_numbers(m),
            m.topic,
            m.learning_objectives,
            m.followup_plan,
            m.followup_audience,
            m.followup_colleagues,
            m.followup_due,
            *[(by_category or {}).get(category) for category in BudgetCategory.values],
            m.grant_total,
            timezone.localdate(frozen) if frozen else None,
        ]


PARTICIPANT_COLUMNS = [
    Col(_("Participant")),
    Col(_("E-mail")),
    Col(_("Institution")),
    Col(_("Mobilities"), "integer"),
    Col(_("Grant, EUR"), "money"),
]


def participants_sheet(sheet: Any, context: WorkbookContext) -> None:
    """One row per person: their mobilities and grant (cancelled mobilities do not count)."""
    people: dict[int, list[Any]] = {}
    figures = getattr(context.mobilities, "participant_figures", None)
    if figures is not None:  # from the database: a few columns of each mobility, then each person once
        counted = list(figures())
        persons = User.objects.filter(pk__in={pk for pk, _status, _grant in counted}).select_related("organisation")
        by_pk = {person.pk: person for person in persons}
    else:
        counted = [(m.participant.pk, m.status, m.grant_total) for m in context.mobilities]
        by_pk = {m.participant.pk: m.participant for m in context.mobilities}
    for person_id, status, grant in counted:
        entry = people.get(person_id)
        if entry is None:
            person = by_pk[person_id]
            entry = people[person_id] = [
                person.get_full_name() or person.email,
                person.email,
                str(person.organisation or ""),
                0,
                Decimal("0.00"),
            ]
        if status != MobilityStatus.CANCELLED:
            entry[3] += 1
            entry[4] += grant or Decimal("0.00")
    rows = sorted(people.values(), key=lambda row: latvian_sort_key(row[0]))
    write_table(sheet, PARTICIPANT_COLUMNS, rows)


def budget_sheet(sheet: Any, context: WorkbookContext) -> None:
    """Awarded vs planned vs realised per cost category, then per member (tilts.mobility.selectors)."""
    from tilts.exports.selectors import budget_for

    budget = budget_for(context.user, context.project)
    tables: list[Table] = []
    if budget.lines:
        total = budget.total
        rows = [[line.label, line.awarded, line.planned, line.realised] for line in budget.lines]
        rows.append([gettext("Total"), total.awarded, total.planned, total.realised])
        columns = [
            Col(_("Cost category")),
            Col(_("Awarded, EUR"), "money"),
            Col(_("Planned, EUR"), "money"),
            Col(_("Realised, EUR"), "money"),
        ]
        tables.append((columns, rows))
    member_columns = [
        Col(_("Member")),
        Col(_("Budget share, EUR"), "money"),
        Col(_("Planned, EUR"), "money"),
        Col(_("Realised, EUR"), "money"),
        Col(_("Mobilities"), "integer"),
    ]
    member_rows = [[m.organisation.legal_name, m.share, m.planned, m.realised, m.mobilities] for m in budget.members]
    tables.append((member_columns, member_rows))
    write_tables(sheet, tables)


register_sheet("mobilities", _("Mobilities"), mobilities_sheet)
register_sheet("participants", _("Participants"), participants_sheet)
register_sheet("budget", _("Budget"), budget_sheet)


def build_workbook(context: WorkbookContext, progress: Callable[[int], None] | None = None) -> bytes:
    """Every registered sheet in order; ``progress`` hears the share done (0-100) after each sheet.

    A write-only workbook: each sheet's rows go to a temporary file as they are written and are zipped into the
    file at the end (10,000 mobilities: seconds and well under 200 MB; bench/exports.py)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    for index, entry in enumerate(SHEETS, start=1):
        sheet = workbook.create_sheet(str(entry.title)[:31])
        entry.build(sheet, context)
        if progress:
            progress(int(90 * index / len(SHEETS)))
    with tempfile.TemporaryFile() as output:
        workbook.save(output)
        output.seek(0)
        return output.read()

"""The project workbook (XLSX): one sheet per subject, from a registry other apps add sheets to.

Headers are lazy translations, evaluated while the workbook is built in the language of whoever asked for it.
Dates are real date cells, money is a number with two decimals, the header row is frozen and every column has
a width. Text cells go through :func:`tilts.core.spreadsheets.safe_cell`.

Another app adds a sheet with one call, e.g. in its ``AppConfig.ready``::

    from tilts.exports.workbook import register_sheet
    register_sheet("followups", _("Follow-ups"), build_followups_sheet)
"""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from tilts.accounts.models import User
from tilts.core.collation import latvian_sort_key
from tilts.core.spreadsheets import safe_cell
from tilts.exports.beneficiary_module import grant_by_category
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.projects.models import BudgetCategory, Project

MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
MAX_WIDTH = 60


@dataclass(frozen=True)
class WorkbookContext:
    """What every sheet builder gets: who exports, the project and the mobilities within their reach."""

    user: User
    project: Project
    mobilities: list[Mobility]


SheetBuilder = Callable[[Worksheet, WorkbookContext], None]


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


def write_table(sheet: Worksheet, columns: Sequence[Col], rows: Sequence[Sequence[Any]], start_row: int = 1) -> int:
    """Header row (bold, frozen when it is the first row), the rows with their number formats, column widths.

    Returns the next free row.
    """
    widths = [len(str(col.header)) for col in columns]
    for index, col in enumerate(columns, start=1):
        cell = sheet.cell(row=start_row, column=index, value=str(col.header))
        cell.font = Font(bold=True)
    for offset, values in enumerate(rows, start=1):
        for index, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = sheet.cell(row=start_row + offset, column=index, value=safe_cell(value))
            if col.format == "date" and value is not None:
                cell.number_format = DATE
                length = 10
            elif col.format == "money" and value is not None:
                cell.number_format = MONEY
                length = len(f"{value:,.2f}")
            else:
                length = max((len(line) for line in str(value if value is not None else "").splitlines()), default=0)
            widths[index - 1] = max(widths[index - 1], length)
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(
            sheet.column_dimensions[letter].width or 0, min(width + 2, MAX_WIDTH)
        )
    if start_row == 1:
        sheet.freeze_panes = "A2"
    return start_row + len(rows) + 2


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


def mobilities_sheet(sheet: Worksheet, context: WorkbookContext) -> None:
    rows = []
    for m in context.mobilities:
        by_category = grant_by_category(m)
        frozen = m.grant_frozen_at
        rows.append(
            [
                m.pk,
                m.get_status_display(),
                m.sending_organisation.legal_name,
                m.participant.get_full_name() or m.participant.email,
                m.participant.email,
                m.get_participant_kind_display(),
                m.activity_type_label,
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
                ", ".join(str(goal.number) for goal in m.goals.all()),
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
        )
    write_table(sheet, MOBILITY_COLUMNS, rows)


PARTICIPANT_COLUMNS = [
    Col(_("Participant")),
    Col(_("E-mail")),
    Col(_("Institution")),
    Col(_("Mobilities"), "integer"),
    Col(_("Grant, EUR"), "money"),
]


def participants_sheet(sheet: Worksheet, context: WorkbookContext) -> None:
    """One row per person: their mobilities and grant (cancelled mobilities do not count)."""
    people: dict[int, list[Any]] = {}
    for m in context.mobilities:
        person = m.participant
        entry = people.setdefault(
            person.pk,
            [person.get_full_name() or person.email, person.email, str(person.organisation or ""), 0, Decimal("0.00")],
        )
        if m.status != MobilityStatus.CANCELLED:
            entry[3] += 1
            entry[4] += m.grant_total or Decimal("0.00")
    rows = sorted(people.values(), key=lambda row: latvian_sort_key(row[0]))
    write_table(sheet, PARTICIPANT_COLUMNS, rows)


def budget_sheet(sheet: Worksheet, context: WorkbookContext) -> None:
    """Awarded vs planned vs realised per cost category, then per member (tilts.mobility.selectors)."""
    from tilts.exports.selectors import budget_for

    budget = budget_for(context.user, context.project)
    next_row = 1
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
        next_row = write_table(sheet, columns, rows)
    member_columns = [
        Col(_("Member")),
        Col(_("Budget share, EUR"), "money"),
        Col(_("Planned, EUR"), "money"),
        Col(_("Realised, EUR"), "money"),
        Col(_("Mobilities"), "integer"),
    ]
    member_rows = [[m.organisation.legal_name, m.share, m.planned, m.realised, m.mobilities] for m in budget.members]
    write_table(sheet, member_columns, member_rows, start_row=next_row)


register_sheet("mobilities", _("Mobilities"), mobilities_sheet)
register_sheet("participants", _("Participants"), participants_sheet)
register_sheet("budget", _("Budget"), budget_sheet)


def build_workbook(context: WorkbookContext, progress: Callable[[int], None] | None = None) -> bytes:
    """Every registered sheet in order; ``progress`` hears the share done (0-100) after each sheet."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for index, entry in enumerate(SHEETS, start=1):
        sheet = workbook.create_sheet(str(entry.title)[:31])
        entry.build(sheet, context)
        if progress:
            progress(int(90 * index / len(SHEETS)))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()

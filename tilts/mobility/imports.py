"""Importing planned mobilities from a consortium's own spreadsheet (CSV or XLSX): checked, shown, then all or none.

The layout is one mobility per row under a header row; the headers may be written in Latvian or English (or as the
column's code), in any order; the columns are :data:`COLUMNS`. Every row goes through the same rules as a mobility
planned in the form or the API (:func:`tilts.mobility.services.check`, priced by the grant engine); a file with any
problem creates nothing, and its problems are listed by row and marked in an error file (the wrong cells in red,
as the Beneficiary Module's check file does). The coordinator imports for any member, a member contact for their
own institution only. Files above ``MOBILITY_IMPORT_INLINE_ROWS`` rows are checked and imported by the background
worker (``manage.py db_worker``).
"""

import contextlib
import csv
import datetime
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_countries import countries
from simple_history.utils import bulk_create_with_history

from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.consortium.selectors import active_members
from tilts.core import uploads
from tilts.core.spreadsheets import safe_row
from tilts.grants import services as grant_services
from tilts.grants.rules.gazetteer import fold
from tilts.mobility import costs, services
from tilts.mobility.models import ImportStatus, Mobility, MobilityCost, MobilityImport, MobilityStatus, ParticipantKind
from tilts.mobility.selectors import people_for
from tilts.projects.models import Project
from tilts.projects.selectors import projects_for

if TYPE_CHECKING:
    from openpyxl import Workbook  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 50


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    kind: str  # how a cell is read: text, email, member, participant_kind, activity, country, int, bool, date, goals
    required: bool = False
    help: Promise | str = ""


def _field(name: str) -> Promise:
    return Mobility._meta.get_field(name).verbose_name  # type: ignore[return-value,union-attr]


COLUMNS: tuple[Column, ...] = (
    Column(
        "participant_email",
        gettext_lazy("Participant's e-mail"),
        "email",
        True,
        gettext_lazy("The e-mail of a person already in Tilts, working at the sending member."),
    ),
    Column(
        "sending_member",
        gettext_lazy("Sending member's OID"),
        "member",
        help=gettext_lazy("Empty: the participant's institution."),
    ),
    Column("participant_kind", _field("participant_kind"), "participant_kind", help=gettext_lazy("Empty: staff.")),
    Column(
        "activity_type",
        _field("activity_type"),
        "activity",
        True,
        gettext_lazy("As the project's rate table names it, in Latvian or English."),
    ),
    Column("receiving_name", _field("receiving_name"), "text", True),
    Column("receiving_oid", _field("receiving_oid"), "text"),
    Column(
        "receiving_country", _field("receiving_country"), "country", True, gettext_lazy("A name or a two-letter code.")
    ),
    Column("receiving_city", _field("receiving_city"), "text", True),
    Column(
        "venue",
        _field("venue"),
        "text",
        help=gettext_lazy("A place in the receiving country. Empty: the receiving city."),
    ),
    Column("origin", _field("origin"), "text", help=gettext_lazy("A place. Empty: the city of the sending member.")),
    Column("ec_distance_km", _field("ec_distance_km"), "int"),
    Column("start_date", _field("start_date"), "date", True, gettext_lazy("For example 2026-10-05 or 05.10.2026.")),
    Column("end_date", _field("end_date"), "date", True),
    Column("travel_days", _field("travel_days"), "int", help=gettext_lazy("Empty: 2.")),
    Column("green_travel", _field("green_travel"), "bool", help=gettext_lazy("Yes or no. Empty: no.")),
    Column("course_days", _field("course_days"), "int", help=gettext_lazy("Empty: 0.")),
    Column("fewer_opportunities", _field("fewer_opportunities"), "bool"),
    Column("zero_grant", _field("zero_grant"), "bool"),
    Column(
        "goals",
        pgettext_lazy("import column", "Goals"),
        "goals",
        True,
        gettext_lazy("The consortium's goal numbers, separated by commas."),
    ),
    Column("topic", _field("topic"), "text", True),
    Column("learning_objectives", _field("learning_objectives"), "text", True),
    Column("followup_plan", _field("followup_plan"), "text"),
    Column("followup_audience", _field("followup_audience"), "text"),
    Column("followup_colleagues", _field("followup_colleagues"), "int"),
    Column("followup_due", _field("followup_due"), "date"),
)
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULTS: dict[str, Any] = {
    "participant_kind": ParticipantKind.STAFF,
    "receiving_oid": "",
    "travel_days": 2,
    "green_travel": False,
    "course_days": 0,
    "fewer_opportunities": False,
    "zero_grant": False,
    "followup_plan": "",
    "followup_audience": "",
    "followup_colleagues": None,
    "followup_due": None,
    "ec_distance_km": None,
}
# Fields the reading of the cells (and the lookups) already made valid; the model checks the others (lengths,
# ranges). Validating the country against its 250 choices took a fifth of the time of ten thousand rows.
CHECKED_ON_READING = [
    *("project", "trip", "sending_organisation", "participant", "created_by"),
    *("receiving_country", "participant_kind", "status", "grant_breakdown"),
]
# Where a service's or the grant engine's error about a field belongs in the file.
FIELD_COLUMN = {
    "participant": "participant_email",
    "sending_organisation": "sending_member",
    "destination": "venue",
    "destination_country": "receiving_country",
    "activity_days": "end_date",
}


def header(column: Column) -> str:
    return capfirst(str(column.label))


def inline_rows() -> int:
    return int(getattr(settings, "MOBILITY_IMPORT_INLINE_ROWS", 200))


def max_rows() -> int:
    return int(getattr(settings, "MOBILITY_IMPORT_MAX_ROWS", 20000))


def max_bytes() -> int:
    return int(getattr(settings, "MOBILITY_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet's row number (the header is row 1); 0 for the file as a whole
    column: str  # a column key, or "" for the row as a whole
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class FileRefused(Exception):
    """The file as a whole cannot be read (its kind, its encoding, its headers); the message says why."""


# --- Reading the file ------------------------------------------------------------------------------------------


def _normal(text: object) -> str:
    return " ".join(str(text or "").replace("*", " ").split()).casefold()


def header_names() -> dict[str, str]:
    """Every accepted header (Latvian, English, the code), normalised, → column key."""
    names: dict[str, str] = {}
    for language in ("en", "lv"):
        with translation.override(language):
            for column in COLUMNS:
                names[_normal(header(column))] = column.key
    for column in COLUMNS:
        names[_normal(column.key)] = column.key
    return names


# UTF-8, or Windows-1257: what a Latvian Excel saves as "CSV".
ENCODINGS = (*uploads.UTF8, "cp1257")


def table_kind(data: bytes) -> str | None:
    """xlsx or csv (in one of :data:`ENCODINGS`) by the file's content (tilts.core.uploads), else None."""
    kind = uploads.table_kind(io.BytesIO(data), ENCODINGS)
    return kind if kind in ("xlsx", "csv") else None


def read_table(data: bytes) -> list[list[object]]:
    """The file's rows as lists of cell values (the first is the header row); FileRefused if it cannot be read."""
    kind = table_kind(data)
    if kind is None:
        raise FileRefused(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
            workbook.close()
        except Exception:  # openpyxl raises many kinds of errors for files that are not workbooks
            raise FileRefused(_("The workbook cannot be read. Save it again as .xlsx and upload it.")) from None
        return rows
    text = uploads.decode(data, ENCODINGS)
    if text is None:
        raise FileRefused(_("The CSV file's text cannot be read. Save it as CSV UTF-8 and upload it again."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)  # Latvian spreadsheets save CSV with semicolons
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:  # a cell longer than the csv module takes, a stray quote at the very end
        raise FileRefused(_("The CSV file cannot be read. Save it again as CSV and upload it.")) from None


def _is_empty(values: list[object]) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def map_headers(first: list[object]) -> dict[int, str]:
    """Column index → column key; FileRefused for an unknown header, a repeated one or a required one missing."""
    names = header_names()
    mapping: dict[int, str] = {}
    for index, value in enumerate(first):
        if _normal(value) == "":
            continue
        key = names.get(_normal(value))
        if key is None:
            raise FileRefused(
                _('Unknown column "%(header)s". Use the headers of the template.') % {"header": str(value).strip()}
            )
        if key in mapping.values():
            raise FileRefused(_('The column "%(header)s" is there twice.') % {"header": header(BY_KEY[key])})
        mapping[index] = key
    missing = [header(column) for column in COLUMNS if column.required and column.key not in mapping.values()]
    if missing:
        raise FileRefused(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
    return mapping


# --- Reading cells ---------------------------------------------------------------------------------------------


class CellError(Exception):
    pass


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%Y.")
YES = {"yes", "y", "true", "1", "x", "jā", "ja", "j"}
NO = {"no", "n", "false", "0", "nē", "ne"}


def read_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("Write the date as 2026-10-05 or 05.10.2026."))


def read_int(value: object) -> int:
    """A whole number; text may use a decimal comma or point and spaces between thousands ("1 616,0")."""
    if isinstance(value, bool):
        raise CellError(_("Write a whole number."))
    if isinstance(value, int):
        number = Decimal(value)
    else:
        text = str(value).strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("Write a whole number.")) from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise CellError(_("Write a whole number."))
    if number > 10**9:
        raise CellError(_("The number is too large."))
    return int(number)


def read_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _normal(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("Write yes or no."))


# --- Checking ----------------------------------------------------------------------------------------------------


@dataclass
class Lookups:
    """What the rows are checked against, read once per file (not once per row)."""

    user: User
    project: Project
    people: dict[str, User]
    members: dict[str, Organisation]
    goals: dict[int, Goal]
    activities: dict[str, str]
    kinds: dict[str, str]
    countries: dict[str, str]
    existing: set[tuple[int, datetime.date, str]]
    places: dict[tuple[str, str], str] = field(default_factory=dict)
    origins: dict[int, str] = field(default_factory=dict)

    @classmethod
    def build(cls, user: User, project: Project) -> "Lookups":
        table = project.rate_table.table
        activities, kinds, names = {}, {}, {}
        for key, activity in table.activity_types.items():
            for text in (key, activity.label_lv, activity.label_en):
                activities[fold(text)] = key
        for language in ("en", "lv"):
            with translation.override(language):
                for value, label in ParticipantKind.choices:
                    kinds[fold(str(label))] = value
                for code, name in countries:
                    names[fold(str(name))] = code
        for value, _label in ParticipantKind.choices:
            kinds[value] = value
        for code, _name in countries:
            names[code.casefold()] = code
        return cls(
            user=user,
            project=project,
            people={person.email.casefold(): person for person in people_for(user)},
            members={org.oid.casefold(): org for org in active_members(project.consortium) if org.oid},
            goals={goal.number: goal for goal in project.consortium.goals.all()},
            activities=activities,
            kinds=kinds,
            countries=names,
            existing={
                (participant, start, activity)
                for participant, start, activity in project.mobilities.exclude(
                    status=MobilityStatus.CANCELLED
                ).values_list("participant_id", "start_date", "activity_type")
            },
        )

    def place(self, name: str, country: str) -> str:
        """The reference of the place of that name in that country (an exact name first), or ""."""
        key = (fold(name), country)
        if key not in self.places:
            found = [p for p in grant_services.search_places(name, 20) if not country or p.country == country]
            exact = [p for p in found if fold(p.name) == key[0]]
            self.places[key] = (exact or found)[0].ref if found else ""
        return self.places[key]

    def origin_of(self, organisation: Organisation) -> str:
        if organisation.pk not in self.origins:
            self.origins[organisation.pk] = services.default_origin(organisation)
        return self.origins[organisation.pk]


def _cell(column: Column, value: object, lookups: Lookups) -> Any:
    """A cell's value as the mobility's field takes it; CellError with the message for the person."""
    if column.kind == "date":
        return read_date(value)
    if column.kind == "int":
        return read_int(value)
    if column.kind == "bool":
        return read_bool(value)
    text = " ".join(str(value).split()) if column.kind != "text" else str(value).strip()
    if column.kind == "email":
        person = lookups.people.get(text.casefold())
        if person is None:
            if lookups.user.is_coordinator:
                raise CellError(_("No one in Tilts has this e-mail. Add the person first."))
            raise CellError(_("No one at your institution has this e-mail in Tilts. Add the person first."))
        return person
    if column.kind == "member":
        organisation = lookups.members.get(text.casefold())
        if organisation is None:
            raise CellError(_("No current member of the consortium has this OID."))
        if not lookups.user.is_coordinator and organisation.pk != lookups.user.organisation_id:
            raise CellError(_("You can import mobilities of your own institution only."))
        return organisation
    if column.kind == "participant_kind":
        if (kind := lookups.kinds.get(fold(text))) is None:
            raise CellError(_("Write staff member, adult learner or accompanying person."))
        return kind
    if column.kind == "activity":
        if (activity := lookups.activities.get(fold(text))) is None:
            raise CellError(_("Choose an activity type of this call year."))
        return activity
    if column.kind == "country":
        if (code := lookups.countries.get(fold(text)) or lookups.countries.get(text.casefold())) is None:
            raise CellError(_("Write the country's name or its two-letter code."))
        return code
    if column.kind == "goals":
        numbers = [part for part in re.split(r"[,;\s]+", text) if part]
        chosen = []
        for part in numbers:
            number = read_int(part.rstrip("."))
            if number not in lookups.goals:
                raise CellError(
                    _("The consortium has no goal %(number)s; its goals are %(numbers)s.")
                    % {"number": number, "numbers": ", ".join(str(n) for n in sorted(lookups.goals))}
                )
            chosen.append(lookups.goals[number])
        return chosen
    return text


@dataclass
class CheckedRow:
    row: int
    cells: list[object]
    mobility: Mobility | None = None
    goals: list[Goal] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _errors_to_problems(row: int, error: ValidationError, present: set[str]) -> list[Problem]:
    found = []
    for name, messages in error.message_dict.items():
        column = FIELD_COLUMN.get(name, name)
        if column == "sending_member" and column not in present:
            column = "participant_email"
        found += [Problem(row, column if column in BY_KEY else "", message) for message in messages]
    return found


def check_row(row: int, cells: list[object], mapping: dict[int, str], lookups: Lookups) -> CheckedRow:
    """One row read and checked as the form and the API check a mobility, priced when it passes."""
    checked = CheckedRow(row, cells)
    values: dict[str, Any] = dict(DEFAULTS)
    for index, key in mapping.items():
        column = BY_KEY[key]
        value = cells[index] if index < len(cells) else None
        if value is None or str(value).strip() == "":
            if column.required:
                checked.problems.append(Problem(row, key, _("This cell is required.")))
            continue
        try:
            values[key] = _cell(column, value, lookups)
        except CellError as error:
            checked.problems.append(Problem(row, key, str(error)))
    if checked.problems:
        return checked
    participant: User = values.pop("participant_email")
    sending: Organisation = values.pop("sending_member", None) or participant.organisation  # type: ignore[assignment]
    if not lookups.user.is_coordinator and sending.pk != lookups.user.organisation_id:
        message = _("You can import mobilities of your own institution only.")
        checked.problems.append(Problem(row, "participant_email", message))
        return checked
    goals = values.pop("goals")
    country = values["receiving_country"]
    venue_name = values.pop("venue", None) or values["receiving_city"]
    values["venue"] = lookups.place(venue_name, country)
    if not values["venue"]:
        where = "venue" if "venue" in mapping.values() else "receiving_city"
        checked.problems.append(Problem(row, where, _("No place of this name in the receiving country.")))
    origin_name = values.pop("origin", None)
    values["origin"] = lookups.place(origin_name, "") if origin_name else lookups.origin_of(sending)
    if origin_name and not values["origin"]:
        checked.problems.append(Problem(row, "origin", _("No place of this name.")))
    if checked.problems:
        return checked
    mobility = Mobility(
        project=lookups.project,
        sending_organisation=sending,
        participant=participant,
        created_by=lookups.user,
        **values,
    )
    present = set(mapping.values())
    try:
        services.check_mobility(mobility, goals)
        services._store_price(mobility)
        mobility.clean_fields(exclude=CHECKED_ON_READING)
    except ValidationError as error:
        checked.problems += _errors_to_problems(row, error, present)
        return checked
    checked.mobility, checked.goals = mobility, goals
    return checked


@dataclass
class Checked:
    rows: list[CheckedRow]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_table(user: User, project: Project, table: list[list[object]]) -> Checked:
    """Every row of the file checked; duplicates within the file and against the project's mobilities too."""
    lines = [(number, cells) for number, cells in enumerate(table, start=1) if not _is_empty(cells)]
    if not lines:
        raise FileRefused(_("The file has no rows."))
    (_header_row, first), data = lines[0], lines[1:]
    mapping = map_headers(first)
    if not data:
        raise FileRefused(_("The file has headers but no mobilities."))
    if len(data) > max_rows():
        message = _("The file has more than %(count)s rows; split it into smaller files.")
        raise FileRefused(message % {"count": max_rows()})
    lookups = Lookups.build(user, project)
    rows, problems = [], []
    seen: dict[tuple[int, datetime.date, str], int] = {}
    for number, cells in data:
        checked = check_row(number, cells, mapping, lookups)
        mobility = checked.mobility
        if mobility is not None:
            key = (mobility.participant_id, mobility.start_date, mobility.activity_type)
            if key in seen:
                checked.problems.append(
                    Problem(
                        number,
                        "participant_email",
                        _("The same participant, activity type and start as row %(row)s.") % {"row": seen[key]},
                    )
                )
            elif key in lookups.existing:
                checked.problems.append(
                    Problem(
                        number,
                        "participant_email",
                        _("The project already has a mobility of this participant, activity type and start."),
                    )
                )
            seen.setdefault(key, number)
        rows.append(checked)
        problems += checked.problems
    return Checked(rows, problems)


# --- The import job ----------------------------------------------------------------------------------------------


def can_import(user: User) -> bool:
    return user.is_coordinator or user.is_member_contact


def imports_for(user: User) -> QuerySet[MobilityImport]:
    """The import jobs a person may see: the coordinator all, others their own."""
    jobs = MobilityImport.objects.select_related("project", "created_by")
    if user.is_coordinator:
        return jobs
    return jobs.filter(created_by=user)


def _project_for(user: User, project: Project) -> Project:
    if not can_import(user) or not projects_for(user).filter(pk=project.pk).exists():
        raise PermissionDenied
    return project


def _preview(checked: Checked) -> tuple[list[dict[str, Any]], Decimal]:
    rows = [row.mobility for row in checked.rows if row.mobility is not None]
    total = sum((m.grant_total or Decimal("0") for m in rows), Decimal("0.00"))
    preview = [
        {
            "row": row.row,
            "participant": str(row.mobility.participant),
            "member": str(row.mobility.sending_organisation),
            "activity_type": row.mobility.activity_type,
            "receiving": f"{row.mobility.receiving_name}, {row.mobility.receiving_city}",
            "start": row.mobility.start_date.isoformat(),
            "end": row.mobility.end_date.isoformat(),
            "grant": str(row.mobility.grant_total),
        }
        for row in checked.rows[:PREVIEW_ROWS]
        if row.mobility is not None
    ]
    return preview, total


def _finish_check(job: MobilityImport, checked: Checked) -> None:
    job.rows = len(checked.rows)
    job.problems = [problem.as_dict() for problem in checked.problems]
    job.preview, job.grant_total = _preview(checked) if checked.ok else ([], None)
    job.status = ImportStatus.READY if checked.ok else ImportStatus.INVALID


def _refused(job: MobilityImport, message: str) -> None:
    job.rows, job.preview, job.grant_total = 0, [], None
    job.problems = [Problem(0, "", message).as_dict()]
    job.status = ImportStatus.INVALID


def _read_job(job: MobilityImport) -> list[list[object]]:
    with job.file.open("rb") as handle:
        return read_table(handle.read())


def check_job(job_id: int) -> MobilityImport | None:
    """Check a job's file (in the job's language) and record its problems or its preview."""
    job = MobilityImport.objects.select_related("project__rate_table", "created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.CHECKING:
        return None
    with translation.override(job.language):
        try:
            _finish_check(job, check_table(job.created_by, job.project, _read_job(job)))
        except FileRefused as error:
            _refused(job, str(error))
        except Exception:
            logger.exception("Mobility import %s could not be checked", job.pk)
            job.status = ImportStatus.FAILED
            job.problems = [
                Problem(
                    0, "", _("The file could not be checked. Try again; if it fails again, tell the coordinator.")
                ).as_dict()
            ]
    job.finished_at = timezone.now()
    job.save()
    return job


def upload(user: User, project: Project, file: IO[bytes], name: str, size: int | None) -> MobilityImport:
    """Keep an uploaded spreadsheet and check it: now when it is small, by the background worker when it is large.

    Refused (ValidationError on ``file``) when it is empty, too large, or not a workbook or CSV by its content."""
    from tilts.mobility.tasks import check_mobility_import

    _project_for(user, project)
    problem = uploads.size_problem(size, max_bytes())
    file.seek(0)
    data = file.read(max_bytes() + 1)
    if problem is None and table_kind(data) is None:
        problem = _("Upload an Excel workbook (.xlsx) or a CSV file.")
    if problem is None:
        problem = uploads.size_problem(len(data), max_bytes())
    if problem:
        raise ValidationError({"file": problem})
    job = MobilityImport(
        project=project,
        created_by=user,
        working_since=timezone.now(),
        file_name=(name or "import")[-200:],
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    stem = "mobilities.xlsx" if data.startswith(uploads.XLSX_SIGNATURE) else "mobilities.csv"
    job.file.save(stem, ContentFile(data), save=False)
    job.save()
    if _row_estimate(data) <= inline_rows():
        return check_job(job.pk) or job
    check_mobility_import.enqueue(job.pk)
    return job


def _row_estimate(data: bytes) -> int:
    """How many rows the file has, roughly and cheaply: lines of a CSV; a workbook's dimension."""
    if not data.startswith(uploads.XLSX_SIGNATURE):
        return data.count(b"\n")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        rows = workbook.worksheets[0].max_row or 0
        workbook.close()
    except Exception:
        return 0  # the check says what is wrong with it
    return int(rows)


def confirm(user: User, job: MobilityImport) -> MobilityImport:
    """Import a checked file: now when it is small, by the background worker when it is large."""
    from tilts.mobility.tasks import run_mobility_import

    if job.created_by_id != user.pk or job.status != ImportStatus.READY:
        raise ValidationError(_("This file is not ready to import."))
    claimed = MobilityImport.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.IMPORTING, working_since=timezone.now()
    )
    if not claimed:
        raise ValidationError(_("This file is not ready to import."))
    job.status = ImportStatus.IMPORTING
    if job.rows <= inline_rows():
        return run_job(job.pk) or job
    run_mobility_import.enqueue(job.pk)
    return job


def run_job(job_id: int) -> MobilityImport | None:
    """Check the file again (the project may have changed since) and create every mobility, or none."""
    job = MobilityImport.objects.select_related("project__rate_table", "created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.IMPORTING:
        return None
    with translation.override(job.language):
        try:
            with transaction.atomic():
                Project.objects.select_for_update().filter(pk=job.project_id).first()  # one import per project
                _project_for(job.created_by, job.project)
                checked = check_table(job.created_by, job.project, _read_job(job))
                if checked.ok:
                    job.created = create_all(job.created_by, checked)
        except FileRefused as error:
            _refused(job, str(error))
        except PermissionDenied:
            _refused(job, _("You can no longer plan mobilities in this project."))
        except Exception:
            logger.exception("Mobility import %s failed", job.pk)
            job.status = ImportStatus.FAILED
            job.problems = [Problem(0, "", _("The import could not be finished; nothing was created.")).as_dict()]
        else:
            if checked.ok:
                job.status = ImportStatus.DONE
            else:
                _finish_check(job, checked)
    job.finished_at = timezone.now()
    job.save()
    return job


STALE_AFTER = datetime.timedelta(hours=1)


def recover_stale_imports(now: datetime.datetime | None = None) -> int:
    """Imports whose worker stopped (a restart, a crash) an hour or more ago: a check ends failed, to be uploaded
    again; an import goes back to ready, to be confirmed again (its transaction created nothing). Run by the
    worker's housekeeping (tilts.housekeeping.tasks). Returns how many."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = MobilityImport.objects.filter(
        status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING], working_since__lt=cutoff
    )
    count = 0
    for job in stale:
        with translation.override(job.language):
            if job.status == ImportStatus.IMPORTING:
                count += MobilityImport.objects.filter(pk=job.pk, status=ImportStatus.IMPORTING).update(
                    status=ImportStatus.READY
                )
                continue
            problem = Problem(0, "", _("The check was interrupted. Upload the file again."))
            count += MobilityImport.objects.filter(pk=job.pk, status=ImportStatus.CHECKING).update(
                status=ImportStatus.FAILED, problems=[problem.as_dict()], finished_at=timezone.now()
            )
    return count


def create_all(user: User, checked: Checked) -> int:
    """Save the checked rows' mobilities as drafts, with their history (by ``user``), goals and costs."""
    mobilities = [row.mobility for row in checked.rows if row.mobility is not None]
    goals_of = [row.goals for row in checked.rows if row.mobility is not None]
    created = bulk_create_with_history(mobilities, Mobility, batch_size=500, default_user=user)
    Mobility.goals.through.objects.bulk_create(
        [
            Mobility.goals.through(mobility_id=mobility.pk, goal_id=goal.pk)
            for mobility, goals in zip(created, goals_of, strict=True)
            for goal in goals
        ],
        batch_size=1000,
    )
    MobilityCost.objects.bulk_create(
        [cost for mobility in created for cost in costs.rows_for(mobility.pk, mobility.grant_breakdown, None)],
        batch_size=1000,
    )
    return len(created)


# --- Files for the person: the template and the error file -----------------------------------------------------


def _workbook_bytes(workbook: "Workbook") -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template(project: Project) -> bytes:
    """An empty workbook with the headers in the page's language and a sheet that explains each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Mobilities")
    sheet.append([header(column) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Columns"))
    guide.append([_("Column"), _("Required"), _("What to write")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append(safe_row([header(column), _("Yes") if column.required else _("No"), str(column.help)]))
    language = translation.get_language() or "lv"
    table = project.rate_table.table
    guide.append([])
    guide.append([_("Activity types of this project")])
    for activity in table.activity_types.values():
        guide.append(safe_row([activity.label(language)]))
    guide.append([])
    guide.append([_("Goals of the consortium")])
    for goal in project.consortium.goals.order_by("number"):
        guide.append(safe_row([goal.number, str(goal)]))
    return _workbook_bytes(workbook)


def error_file(job: MobilityImport) -> bytes:
    """The uploaded rows with a problems column in front, the wrong cells in red (in the job's language)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wrong = PatternFill("solid", fgColor="F4B6B6")
    by_row: dict[int, list[dict[str, Any]]] = {}
    for problem in job.problems:
        by_row.setdefault(problem["row"], []).append(problem)
    try:
        table = _read_job(job)
    except FileRefused:
        table = []
    workbook = Workbook()
    sheet = workbook.active
    with translation.override(job.language):
        sheet.title = _("Problems")
        general = [p["message"] for p in by_row.get(0, [])]
        headers = table[0] if table else []
        mapping: dict[int, str] = {}
        with contextlib.suppress(FileRefused):
            mapping = map_headers(headers) if headers else {}
        column_of = {key: index for index, key in mapping.items()}
        sheet.append(safe_row([_("Row"), _("Problems"), *headers]))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        if general:
            sheet.append(safe_row(["", "\n".join(general)]))
        row_number = sheet.max_row
        for number, cells in enumerate(table[1:], start=2):
            if _is_empty(cells):
                continue
            problems = by_row.get(number, [])
            sheet.append(safe_row([number, "\n".join(p["message"] for p in problems), *cells]))
            row_number += 1
            for problem in problems:
                if problem["column"] in column_of:
                    sheet.cell(row_number, column_of[problem["column"]] + 3).fill = wrong
        sheet.freeze_panes = "C2"
    return _workbook_bytes(workbook)


def problems_of(job: MobilityImport) -> Iterator[tuple[int, str, str]]:
    """(row, column header, message) for the page, the header in the page's language."""
    for problem in job.problems:
        column = BY_KEY.get(problem["column"])
        yield problem["row"], header(column) if column else "", problem["message"]

"""List exports in the background: a list page's rows, with its filters and sort, as CSV or XLSX of any size.

One mechanism for every list: the app that owns a list registers a :class:`ListKind` (in its ``AppConfig.ready``)
whose ``table`` function checks the person's access to the list and gives its title, headers and rows for a
person and the page's query string (core names no domain app). A person asks for the file from the list
(:func:`request_export`: access checked now, nothing read yet); the worker writes it (:func:`run_export`, queued as
``tilts.core.tasks.run_list_export``), checking the access again with the person's role and institution of that
moment, streaming the rows to a temporary file and storing it privately. Only the person who asked may download it
(``tilts.core.list_export_views``), and it goes with the other exports after ``RETENTION_EXPORT_DAYS``
(tilts.housekeeping.retention).
"""

import csv
import datetime
import io
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db.models import F, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tilts.core import jobs
from tilts.core.models import ListExport, ListExportFormat, ListExportStatus
from tilts.core.spreadsheets import safe_cell, safe_row

logger = logging.getLogger(__name__)

# Parameters of a list page that are not filters or sort: left out of the stored query.
NOT_FILTERS = ("export", "page", "format")
QUERY_MAX = 2000
# The worker leaves a sign of life (and the row count so far) every this many rows.
HEARTBEAT_ROWS = 500

CONTENT_TYPES = {
    ListExportFormat.CSV: "text/csv; charset=utf-8",
    ListExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

SheetWriter = Callable[[Any, Sequence[str], Iterable[Sequence[Any]]], None]


@dataclass
class ListTable:
    """A list as it goes into a file: ``rows`` may be a generator, read once while the file is written."""

    title: str  # shown on the person's list of exports ("Mobilities · Project 2025")
    file_name: str  # without the extension
    sheet: str  # the workbook's sheet title
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    # The list's own way of writing its workbook sheet (number formats); by default dates as dates, amounts as
    # numbers, text as formula-safe text.
    write_sheet: SheetWriter | None = None


# (person, the object the list belongs to or None, the page's query string) -> the table; raises Http404 or
# PermissionDenied when the person may not see the list, before any row is read.
TableFunction = Callable[[Any, int | None, QueryDict], ListTable]


@dataclass(frozen=True)
class ListKind:
    name: str
    label: str | Promise
    table: TableFunction
    formats: tuple[str, ...] = (ListExportFormat.CSV, ListExportFormat.XLSX)


KINDS: dict[str, ListKind] = {}


def register(kind: ListKind) -> None:
    """Called by the app that owns the list, in its ``AppConfig.ready``."""
    KINDS[kind.name] = kind


def scope_of(user: Any) -> str:
    """What decides which rows a list holds for this person: their role and institution (and superuser)."""
    return f"{getattr(user, 'role', '')}:{getattr(user, 'organisation_id', '') or ''}:{int(user.is_superuser)}"


def clean_query(query: str) -> str:
    """The page's filters and sort, without its page number or an old ``export=`` parameter."""
    params = QueryDict(query, mutable=True)
    for name in NOT_FILTERS:
        params.pop(name, None)
    cleaned = params.urlencode()
    if len(cleaned) > QUERY_MAX:
        raise ValidationError({"query": _("The filters are too long to keep with the export.")})
    return cleaned


def _kind(name: str, fmt: str) -> ListKind:
    kind = KINDS.get(name)
    if kind is None:
        raise ValidationError({"kind": _("There is no such list to export.")})
    if fmt not in kind.formats:
        raise ValidationError({"format": _("Choose one of the formats offered for this list.")})
    return kind


def request_export(user: Any, kind_name: str, target: int | None, query: str, fmt: str) -> ListExport:
    """Queue the list for the background worker, after checking that the person sees it (404/403 if not)."""
    from tilts.core.tasks import run_list_export

    kind = _kind(kind_name, fmt)
    query = clean_query(query)
    table = kind.table(user, target, QueryDict(query))  # the access check; no row is read
    export = ListExport.objects.create(
        owner=user,
        kind=kind.name,
        target=target,
        query=query,
        format=fmt,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        scope=scope_of(user),
        title=str(table.title)[:300],
        file_name=f"{table.file_name}.{fmt}"[:200],
    )
    run_list_export.enqueue(export.pk)
    return export


def exports_of(user: Any) -> QuerySet[ListExport]:
    """A person's own list exports: nobody else's, whatever their role (the files hold what that person sees)."""
    if not user.is_authenticated or not user.is_active:
        return ListExport.objects.none()
    return ListExport.objects.filter(owner=user)


def access_export(user: Any, export_id: int) -> ListExport:
    """One of the person's own list exports (404 for anyone else's)."""
    from tilts.core.access import access

    return access(exports_of(user), export_id)


def may_download(user: Any, export: ListExport) -> bool:
    """The file is ready, the person who asked still has the role and institution they had, and still sees the
    list (checked again on every download)."""
    if export.owner_id != user.pk or export.status != ListExportStatus.DONE or not export.file:
        return False
    if not user.is_active or export.scope != scope_of(user):
        return False
    kind = KINDS.get(export.kind)
    if kind is None:
        return False
    try:
        kind.table(user, export.target, QueryDict(export.query))
    except (Http404, PermissionDenied):
        return False
    return True


# --- The worker's part ---------------------------------------------------------------------------------------


class _Counted:
    """The rows, counted as they are read, with a sign of life for the page every HEARTBEAT_ROWS."""

    def __init__(self, rows: Iterable[Sequence[Any]], export_id: int) -> None:
        self.rows, self.export_id, self.count = rows, export_id, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            if self.count % HEARTBEAT_ROWS == 0:
                ListExport.objects.filter(pk=self.export_id, status=ListExportStatus.RUNNING).update(
                    heartbeat_at=timezone.now(), rows=self.count
                )
            yield row


def _cell_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def write_csv(output: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UTF-8 with a byte order mark (Excel reads the Latvian letters), dates as ISO, text formula-safe."""
    text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=False)
    writer = csv.writer(text)
    text.write("\ufeff")
    writer.writerow([str(header) for header in headers])
    for row in rows:
        writer.writerow(safe_row([_cell_text(value) for value in row]))
    text.flush()
    text.detach()


def default_sheet(sheet: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    sheet.append([str(header) for header in headers])
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(float(value) if isinstance(value, Decimal) else safe_cell(value))
        sheet.append(cells)


def write_xlsx(output: IO[bytes], table: ListTable, rows: Iterable[Sequence[Any]]) -> None:
    """A write-only workbook: rows go to openpyxl's temporary file as they come, so memory stays flat."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(table.sheet)[:31])
    (table.write_sheet or default_sheet)(sheet, table.headers, rows)
    workbook.save(output)


def write_file(output: IO[bytes], table: ListTable, fmt: str, rows: Iterable[Sequence[Any]]) -> None:
    if fmt == ListExportFormat.CSV:
        write_csv(output, table.headers, rows)
    else:
        write_xlsx(output, table, rows)


def run_export(export_id: int) -> ListExport | None:
    """Write a queued export's file in its language: queued → running → done (or failed, with the reason).

    The list is read again as its owner sees it now; an export that is gone (pruned) or no longer queued is left
    alone, so a task delivered twice does no harm.
    """
    claimed = ListExport.objects.filter(pk=export_id, status=ListExportStatus.QUEUED).update(
        status=ListExportStatus.RUNNING, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    export = ListExport.objects.select_related("owner").get(pk=export_id)
    owner = export.owner
    try:
        with translation.override(export.language):
            kind = KINDS.get(export.kind)
            if kind is None or not owner.is_active or export.scope != scope_of(owner):
                raise PermissionDenied
            table = kind.table(owner, export.target, QueryDict(export.query))
            rows = _Counted(table.rows, export.pk)
            with tempfile.TemporaryFile() as output:
                write_file(output, table, export.format, rows)
                output.seek(0)
                export.file.save(export.file_name, File(output), save=False)
    except Exception as error:
        with translation.override(export.language):
            if isinstance(error, Http404 | PermissionDenied):
                reason = _("You no longer have access to this list (or to these filters), so no file was written.")
            else:
                logger.exception("List export %s failed", export.pk)
                reason = _("The file could not be written. Try again; if it fails again, tell the coordinator.")
        export.status, export.error = ListExportStatus.FAILED, reason
    else:
        export.status, export.rows = ListExportStatus.DONE, rows.count
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "rows", "error", "file", "finished_at"])
    return export


def recover_stale_exports(now: datetime.datetime | None = None) -> dict[str, int]:
    """Exports whose worker died mid-way (no sign of life for ``EXPORT_STALE_MINUTES``): queued again, at most
    ``EXPORT_MAX_ATTEMPTS`` times, then failed with a message the page shows. Run by the worker's housekeeping."""
    from tilts.core.tasks import run_list_export

    def failure(attempts: int) -> str:
        return ngettext(
            "The export stopped before the file was finished (the background worker was interrupted) and was "
            "tried %(count)s time. Ask for it again; if it stops again, tell the coordinator.",
            "The export stopped before the file was finished (the background worker was interrupted) and was "
            "tried %(count)s times. Ask for it again; if it stops again, tell the coordinator.",
            attempts,
        ) % {"count": attempts}

    retried, failed = jobs.recover_stale(
        ListExport, enqueue=run_list_export.enqueue, reset={"rows": None}, failure=failure, now=now
    )
    return {"list_exports_retried": retried, "list_exports_failed": failed}

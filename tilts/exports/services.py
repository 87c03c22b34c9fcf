"""Building exports: the Beneficiary Module CSV and the project workbook, at once or as a background job.

Small projects (fewer than ``EXPORT_INLINE_LIMIT`` mobilities) are built while the person waits; larger ones,
and any the person asks to prepare in the background, become an :class:`ExportJob` that a django-tasks
worker builds (``manage.py db_worker``), reporting its progress as it goes.
"""

import csv
import datetime
import io
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tilts.accounts.models import User
from tilts.consortium.models import Organisation
from tilts.core import jobs, uploads
from tilts.core.spreadsheets import safe_row
from tilts.exports import beneficiary_module, module_import, sections, selectors, summaries
from tilts.exports.models import (
    AgreementMember,
    Decision,
    ExportJob,
    ExportKind,
    ExportStatus,
    ModuleImport,
    ModuleImportRow,
    ModuleMobility,
    RowKind,
)
from tilts.exports.workbook import WorkbookContext, build_workbook
from tilts.mobility.models import GroupActivity, Mobility, ParticipantKind
from tilts.mobility.services import update_mobility
from tilts.projects.models import BudgetCategory, Project
from tilts.reporting.models import ReportStatus

if TYPE_CHECKING:
    from openpyxl.styles import PatternFill  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)
KEEP_DAYS = 7
CONTENT_TYPES = {
    ExportKind.CSV: "text/csv; charset=utf-8",
    ExportKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ExportFile:
    name: str
    content: bytes
    content_type: str


def inline_limit() -> int:
    return int(getattr(settings, "EXPORT_INLINE_LIMIT", 200))


def file_name(project: Project, kind: str) -> str:
    stem = "beneficiary-module" if kind == ExportKind.CSV else "project"
    return f"{stem}-{project.call_year}-{project.pk}.{kind}"


def activity_id_prefix(project: Project) -> str:
    """The project part of a Mobility activity ID: the last six digits of the grant agreement number."""
    return project.grant_agreement_number.rsplit("-", 1)[-1][-6:]


def activity_id(project: Project, number: int) -> str:
    """The module's text form of a Mobility activity ID, e.g. 123456-MOB-00001 (docs/beneficiary-module.md)."""
    return f"{activity_id_prefix(project)}-MOB-{number:05d}"


@transaction.atomic
def assign_activity_ids(project: Project) -> int:
    """Give each approved (or later) mobility of the project without one its Mobility activity ID: the next number
    of the project, never one given before (a deleted mobility's record keeps its number). Returns how many."""
    if not project.grant_agreement_number:
        return 0
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one assigner per project at a time
    waiting = list(
        Mobility.objects.filter(project=project, status__in=selectors.EXPORTED)
        .filter(Q(module__isnull=True) | Q(module__number__isnull=True))
        .select_related("module")
        .order_by("pk")
    )
    if not waiting:
        return 0
    last = ModuleMobility.objects.filter(project=project).aggregate(last=Max("number"))["last"] or 0
    new, changed = [], []
    for number, mobility in enumerate(waiting, start=last + 1):
        record = beneficiary_module.module_of(mobility)
        if record is None:
            new.append(ModuleMobility(project=project, mobility=mobility))
            record = new[-1]
        else:
            changed.append(record)
        record.number, record.activity_id = number, activity_id(project, number)
    ModuleMobility.objects.bulk_create(new, batch_size=1000)
    if changed:
        # One prepared UPDATE run per row: bulk_update's CASE expressions take half a minute for 10,000 rows.
        table = connection.ops.quote_name(ModuleMobility._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET number = %s, activity_id = %s WHERE id = %s",
                [(record.number, record.activity_id, record.pk) for record in changed],
            )
    return len(waiting)


def group_activity_id(project: Project, number: int) -> str:
    """A group activity's Mobility activity ID, e.g. 123456-GRP-00001: the project's prefix, its own sequence."""
    return f"{activity_id_prefix(project)}-GRP-{number:05d}"


@transaction.atomic
def assign_group_activity_ids(project: Project) -> int:
    """Give each approved (or later) group activity of the project without one its Mobility activity ID, the next
    number of the project's groups. Groups are cancelled, never deleted, so a number is never given twice."""
    if not project.grant_agreement_number:
        return 0
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one assigner per project at a time
    waiting = list(
        GroupActivity.objects.filter(project=project, status__in=selectors.EXPORTED, module_number__isnull=True)
        .only("pk")
        .order_by("pk")
    )
    if not waiting:
        return 0
    last = GroupActivity.objects.filter(project=project).aggregate(last=Max("module_number"))["last"] or 0
    for number, group in enumerate(waiting, start=last + 1):
        GroupActivity.objects.filter(pk=group.pk).update(
            module_number=number, activity_id=group_activity_id(project, number)
        )
    return len(waiting)


class ModuleDetails(TypedDict, total=False):
    """The module's inputs Tilts keeps for a mobility, in the order of the form."""

    means_of_transport: str
    transport_description: str
    expensive_travel_cost: Decimal | None
    expensive_travel_justification: str
    inclusion_support_amount: Decimal | None
    inclusion_support_justification: str


MODULE_DETAILS = tuple(ModuleDetails.__annotations__)


def save_module_details(mobility: Mobility, **details: Unpack[ModuleDetails]) -> ModuleMobility:
    """Record the module's inputs of a mobility (main means of transport, expensive travel, inclusion support).

    The means of transport must be one of the module's code list (data/bm_codes_*.toml); a cost or an amount
    needs its justification (docs/beneficiary-module.md, "9. Inputs Tilts keeps for the module only")."""
    given: dict[str, Any] = dict(details)  # by name below; the values are checked here
    unknown = set(given) - set(MODULE_DETAILS)
    if unknown:
        raise ValueError(f"Not a module detail: {', '.join(sorted(unknown))}")
    errors = {}
    transport = given.get("means_of_transport") or ""
    if transport and transport not in beneficiary_module.load_codes().transport:
        errors["means_of_transport"] = _("Choose a means of transport from the list.")
    for amount, reason in (
        ("expensive_travel_cost", "expensive_travel_justification"),
        ("inclusion_support_amount", "inclusion_support_justification"),
    ):
        value = given.get(amount)
        if value is not None and Decimal(value) < 0:
            errors[amount] = _("Enter an amount of zero or more.")
        if value is not None and not str(given.get(reason) or "").strip():
            errors[reason] = _("Give the justification for this amount.")
    if len(str(given.get("transport_description") or "")) > 300:
        errors["transport_description"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    record = beneficiary_module.module_of(mobility) or ModuleMobility(project=mobility.project, mobility=mobility)
    for name in MODULE_DETAILS:
        if name in given:
            value = given[name]
            setattr(record, name, value if value is not None or name.endswith(("cost", "amount")) else "")
    record.save()
    mobility.module = record
    return record


@transaction.atomic
def set_agreement_members(project: Project, organisations: Iterable[Organisation]) -> list[AgreementMember]:
    """Record which member organisations the project's grant agreement names (the register is replaced).

    Each addition and removal is kept in the history: after the first record, a change means an amendment."""
    wanted = {organisation.pk: organisation for organisation in organisations}
    current = {member.organisation_id: member for member in project.agreement_members.select_for_update()}
    for organisation_id, member in current.items():
        if organisation_id not in wanted:
            member.delete()
    for organisation_id, organisation in wanted.items():
        if organisation_id not in current:
            AgreementMember.objects.create(project=project, organisation=organisation)
    return list(project.agreement_members.select_related("organisation"))


def check_module_import(user: User, project: Project) -> selectors.ModuleCheck:
    """Give the IDs still missing, then run the module's three validation stages (see selectors.module_check)."""
    assign_activity_ids(project)
    return selectors.module_check(user, project)


def check_sections(user: User, project: Project) -> list[sections.SectionCheck]:
    """Give the IDs still missing, then run the three checks on the module's group activities and preparatory
    visits sections (see sections.section_checks)."""
    assign_activity_ids(project)
    assign_group_activity_ids(project)
    return sections.section_checks(user, project)


def module_summary(user: User, project: Project) -> summaries.Summary:
    """The module import's check as a page shows it: counts and the order of the rows, cached between changes
    (tilts.exports.summaries); IDs still missing are given first, as for the check itself."""
    assign_activity_ids(project)

    def compute() -> list[summaries.Summary]:
        # The check in two passes and in chunks (selectors.module_outline): the same readings as summarising
        # selectors.module_check, without holding the project's mobilities in the worker all at once.
        outline = selectors.module_outline(user, project)
        chunks = selectors.checked_in_chunks(user, project, outline)
        key = beneficiary_module.MOBILITIES
        return [
            summaries.summarise_chunks(
                key, outline.template, outline.file_problems, outline.left_out, outline.duplicates, chunks
            )
        ]

    return summaries.cached(user, project, "module", compute)[0]


def section_summaries(user: User, project: Project) -> list[summaries.Summary]:
    """The module's sections' checks as a page shows them (see :func:`module_summary`)."""
    assign_activity_ids(project)
    assign_group_activity_ids(project)

    def compute() -> list[summaries.Summary]:
        return [summaries.summarise(c.key, c, c.left_out) for c in sections.section_checks(user, project)]

    return summaries.cached(user, project, "sections", compute)


@dataclass(frozen=True)
class SummaryRow:
    """A row of a summary on a page: its mobility (or group activity), checked again when it has problems."""

    kind: str  # summaries.PROBLEMS or summaries.LEFT_OUT
    item: Any
    checked: beneficiary_module.CheckedRow | None
    reason: str


def summary_rows(
    user: User, project: Project, summary: summaries.Summary, rows: Sequence[tuple[str, int, str]]
) -> list[SummaryRow]:
    """Some rows of a summary (a page of them, as (kind, id, reason)) with what they are, in the order given; the
    rows with problems are checked again, with the file's duplicate IDs, so they show what the full check found.
    A row deleted since the summary was made is left out."""
    ids = [pk for _kind, pk, _reason in rows]
    if not ids:
        return []
    items: Iterable[Any]
    if summary.key == beneficiary_module.GROUP_ACTIVITIES:
        items = list(sections.section_groups(user, project).filter(pk__in=ids))
        for group in items:
            group.project = project
    elif summary.key == beneficiary_module.PREPARATORY_VISITS:
        items = selectors.as_exported(sections.section_items(user, project, summary.key).filter(pk__in=ids), project)
    else:
        items = selectors.as_exported(selectors.checked_mobilities(user, project).filter(pk__in=ids), project)
    by_pk = {item.pk: item for item in items}
    to_check = [by_pk[pk] for kind, pk, _reason in rows if kind == summaries.PROBLEMS and pk in by_pk]
    checked: dict[int, beneficiary_module.CheckedRow] = {}
    if to_check and summary.template is not None:
        register = selectors.register_of(project)
        for row in selectors.check_exported(to_check, summary.template, project, register, summary.duplicates):
            checked[row.mobility.pk] = row
    return [SummaryRow(kind, by_pk[pk], checked.get(pk), reason) for kind, pk, reason in rows if pk in by_pk]


def build_section_csv(user: User, project: Project, key: str) -> ExportFile:
    """One of the module's own sections as its import file: the template's headers, then one row per group
    activity or preparatory visit that passes the checks. Refused (ValidationError) while a file problem is left."""
    if not selectors.exportable_projects(user).filter(pk=project.pk).exists():
        raise PermissionDenied
    check = next((c for c in check_sections(user, project) if c.key == key), None)
    if check is None:
        raise ValidationError({"section": _("Choose the group activities or the preparatory visits.")})
    if check.file_problems or check.template is None:
        raise ValidationError([problem.message for problem in check.file_problems])
    content = _csv_bytes([check.template.headers, *(row.cells for row in check.ready)])
    name = f"beneficiary-module-{sections.FILE_STEMS[key]}-{project.call_year}-{project.pk}.csv"
    return ExportFile(name, content, CONTENT_TYPES[ExportKind.CSV])


def _csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in rows:
        writer.writerow(safe_row(list(values)))
    # A byte order mark so that spreadsheet programs read the UTF-8 (Latvian letters) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def build_csv(user: User, project: Project, progress: Progress | None = None) -> bytes:
    """The module's import file: the template's headers, then one row per mobility that passes the pre-validation.

    Refused (ValidationError) when the file stage fails; mobilities with a field or rule problem are left out of
    the file and listed on the export page and in the feedback file."""
    assign_activity_ids(project)
    # The check in two passes and in chunks (selectors.module_outline): the same rows as check_module_import's
    # ready ones, without holding the project's mobilities and their checked rows all at once.
    outline = selectors.module_outline(user, project)
    if outline.file_problems or outline.template is None:
        raise ValidationError([problem.message for problem in outline.file_problems])
    chunks = selectors.checked_in_chunks(user, project, outline)
    ready = (row.cells for chunk in chunks for row in chunk if row.ready)
    content = _csv_bytes(chain([outline.template.headers], ready))
    if progress:
        progress(80)
    return content


def build_estimate(user: User, project: Project) -> bytes:
    """Tilts' own computation of each exported mobility's grant, per cost category, to compare with the module's:
    never an input of the module."""
    check = check_module_import(user, project)
    categories = BudgetCategory.choices
    headers: list[object] = [_("Mobility activity ID"), _("Participant"), _("Activity type"), _("Start"), _("End")]
    headers += [f"{label} (EUR)" for _value, label in categories]
    headers += [_("Tilts estimate, total (EUR)"), _("Grant")]
    lines: list[list[object]] = [headers]
    for checked in check.rows:
        m = checked.mobility
        amounts = beneficiary_module.grant_by_category(m) or {}
        report = selectors.report_of(m)
        final = report is not None and report.final_grant_total is not None and report.status == "accepted"
        lines.append(
            [
                record.activity_id if (record := beneficiary_module.module_of(m)) else "",
                str(m.participant),
                m.activity_type_label,
                m.start_date.isoformat(),
                m.end_date.isoformat(),
                *(_amount(amounts.get(value)) for value, _label in categories),
                _amount(m.grant_total),
                _("final") if final else _("agreed"),
            ]
        )
    # Group activities: the group's grant as priced for all its learners and accompanying persons.
    groups = next(c for c in check_sections(user, project) if c.key == beneficiary_module.GROUP_ACTIVITIES)
    for checked in groups.rows:
        group = checked.mobility
        amounts = beneficiary_module.grant_by_category(group) or {}
        lines.append(
            [
                group.activity_id,
                _("%(group)s: %(learners)s learners, %(accompanying)s accompanying persons")
                % {"group": group.title, "learners": group.learners, "accompanying": group.accompanying_persons},
                group.activity_type_label,
                group.start_date.isoformat(),
                group.end_date.isoformat(),
                *(_amount(amounts.get(value)) for value, _label in categories),
                _amount(group.grant_total),
                _("agreed"),
            ]
        )
    return _csv_bytes(lines)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(Decimal('0.01')):f}"


def build_feedback(user: User, project: Project) -> bytes:
    """The pre-validation as a workbook: every row the module would get, its problems, the wrong cells in red."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import PatternFill

    check = check_module_import(user, project)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Check")
    wrong = PatternFill("solid", fgColor="F4B6B6")
    note = PatternFill("solid", fgColor="FFF2B3")
    _check_sheet(sheet, check, wrong, note)
    for section in check_sections(user, project):  # group activities, preparatory visits: a sheet each
        _check_sheet(workbook.create_sheet(section.title[:31]), section, wrong, note)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _check_sheet(sheet: Any, check: beneficiary_module.CheckedFile, wrong: "PatternFill", note: "PatternFill") -> None:
    """A checked file on a sheet: each row the module would get, ready or not, its problems, the wrong cells
    marked (``wrong`` for what holds the row back, ``note`` for the rest)."""
    from openpyxl.styles import Font

    headers = check.template.headers if check.template else []
    sheet.append([_("Ready for import"), _("Problems"), *headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for problem in check.file_problems:
        sheet.append([_("No"), problem.message])
    # The row numbers are counted here: openpyxl's max_row scans the whole sheet, once per row it would be O(n²).
    row_number = 1 + len(check.file_problems)
    for checked in check.rows:
        row_number += 1
        ready = checked.ready and not check.file_problems
        messages = "\n".join(problem.message for problem in checked.problems)
        sheet.append(safe_row([_("Yes") if ready else _("No"), messages, *checked.cells]))
        for problem in checked.problems:
            if problem.header in headers:
                sheet.cell(row_number, headers.index(problem.header) + 3).fill = wrong if problem.blocking else note
    sheet.freeze_panes = "C2"


CHUNK = 1000


class _Exported:
    """The exported mobilities, read again in chunks by each sheet that walks them instead of all held in memory
    for the whole workbook."""

    def __init__(self, mobilities: QuerySet[Mobility], project: Project) -> None:
        self.mobilities, self.project = mobilities, project

    def __iter__(self) -> Iterator[Mobility]:
        chunk: list[Mobility] = []
        for mobility in self.mobilities.iterator(chunk_size=CHUNK):
            chunk.append(mobility)
            if len(chunk) == CHUNK:
                yield from self._ready(chunk)
                chunk = []
        yield from self._ready(chunk)

    def _ready(self, chunk: list[Mobility]) -> Iterator[Mobility]:
        """A chunk as exported, each mobility with its goals' numbers (``goal_numbers``, in the goals' order): one
        query of numbers instead of a prefetch, which builds a queryset and the goals for every mobility."""
        numbers: dict[int, list[int]] = {mobility.pk: [] for mobility in chunk}
        if numbers:
            through = Mobility.goals.through.objects.filter(mobility_id__in=list(numbers))
            for mobility_id, number in through.order_by("goal__number").values_list("mobility_id", "goal__number"):
                numbers[mobility_id].append(number)
        for mobility in chunk:
            mobility.goal_numbers = numbers[mobility.pk]  # type: ignore[attr-defined]
        return selectors.as_exported(chunk, self.project)

    def ids(self, excluding: Collection[str]) -> QuerySet[Mobility, int]:
        """For the sheets that need only which mobilities (WorkbookContext.mobility_ids)."""
        chosen = self.mobilities.prefetch_related(None).exclude(status__in=excluding)
        return chosen.values_list("pk", flat=True)

    def participant_figures(self) -> Iterator[tuple[int, str, Decimal | None]]:
        """(participant id, status, grant as exported) of each mobility in order, from a few columns instead of
        the rows (the participants sheet): the grant is the final one once the report is accepted
        (selectors.as_reported)."""
        fields = ("participant_id", "status", "grant_total", "report__status")
        final = ("report__final_grant_total", "report__final_grant_breakdown")
        for person, status, grant, report_status, final_total, final_breakdown in self.mobilities.values_list(
            *fields, *final
        ).iterator(chunk_size=CHUNK):
            realised = report_status == ReportStatus.ACCEPTED and final_breakdown is not None
            yield person, status, final_total if realised else grant


# What the workbook never reads of a mobility's relations (texts and JSON that cost the most to load).
WORKBOOK_UNREAD = (
    "participant__password",
    "report__learned",
    "report__competences",
    "report__goal_contributions",
    "report__followup_new_plan",
    "report__review_comment",
)


def build_xlsx(user: User, project: Project, progress: Progress | None = None) -> bytes:
    mobilities: QuerySet[Mobility] = (
        selectors.project_mobilities(user, project).select_related("trip").defer(*WORKBOOK_UNREAD)
    )
    context = WorkbookContext(user, project, _Exported(mobilities, project))
    return build_workbook(context, progress)


def build(user: User, project: Project, kind: str, progress: Progress | None = None) -> ExportFile:
    """One export, built now, within the user's scope (a member contact gets their institution's mobilities)."""
    if not selectors.exportable_projects(user).filter(pk=project.pk).exists():
        raise PermissionDenied
    if kind not in ExportKind.values:
        raise ValidationError({"kind": _("Choose the CSV for the Beneficiary Module or the project workbook.")})
    content = build_csv(user, project, progress) if kind == ExportKind.CSV else build_xlsx(user, project, progress)
    return ExportFile(file_name(project, kind), content, CONTENT_TYPES[ExportKind(kind)])


def runs_inline(user: User, project: Project) -> bool:
    """Small projects are exported while the person waits."""
    return selectors.project_mobilities(user, project).count() < inline_limit()


def start_export(user: User, project: Project, kind: str) -> ExportJob:
    """Queue an export job for the background worker; the job reports progress and holds the file when done."""
    from tilts.exports.tasks import run_export_job

    if not selectors.exportable_projects(user).filter(pk=project.pk).exists():
        raise PermissionDenied
    if kind not in ExportKind.values:
        raise ValidationError({"kind": _("Choose the CSV for the Beneficiary Module or the project workbook.")})
    job = ExportJob.objects.create(
        created_by=user,
        project=project,
        kind=kind,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        scope=selectors.export_scope(user),
    )
    run_export_job.enqueue(job.pk)
    return job


def _set_progress(job: ExportJob, value: int) -> None:
    # An UPDATE of one column, so that the page polling the job sees it while the file is being built.
    value = max(0, min(100, value))
    ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(progress=value, heartbeat_at=timezone.now())
    job.progress = value


def run_job(job_id: int) -> ExportJob | None:
    """Build a queued job's file in the job's language: queued → running → done (or failed, with the reason).

    A job that is gone (pruned) or no longer queued is left alone, so a task delivered twice does no harm.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=0, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("project", "created_by").get(pk=job_id)
    try:
        with translation.override(job.language):
            exported = build(job.created_by, job.project, job.kind, lambda value: _set_progress(job, value))
            job.file.save(exported.name, ContentFile(exported.content), save=False)
    except ValidationError as error:
        # Already in the job's language: the file stage of the module's check refused the file.
        reason = " ".join(error.messages)
        job.status, job.error = ExportStatus.FAILED, reason
    except Exception as error:
        logger.exception("Export job %s failed", job.pk)
        with translation.override(job.language):
            reason = (
                _("You no longer have access to this project.")
                if isinstance(error, PermissionDenied)
                else _("The export could not be built. Try again; if it fails again, tell the coordinator.")
            )
        job.status, job.error = ExportStatus.FAILED, reason
    else:
        job.status, job.progress = ExportStatus.DONE, 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "error", "file", "finished_at"])
    return job


def recover_stale_jobs(now: datetime.datetime | None = None) -> dict[str, int]:
    """Jobs whose worker died mid-way (no heartbeat for ``EXPORT_STALE_MINUTES``): queue them again, or give up.

    A job is tried at most ``EXPORT_MAX_ATTEMPTS`` times; then it is marked failed with a message the page shows,
    next to the button that starts a new export. Run by the worker's housekeeping (tilts.housekeeping.tasks).
    """
    from tilts.exports.tasks import run_export_job

    def failure(attempts: int) -> str:
        return ngettext(
            "The export stopped before it was finished (the background worker was interrupted) and was tried "
            "%(count)s time. Start a new export; if it stops again, tell the coordinator.",
            "The export stopped before it was finished (the background worker was interrupted) and was tried "
            "%(count)s times. Start a new export; if it stops again, tell the coordinator.",
            attempts,
        ) % {"count": attempts}

    retried, failed = jobs.recover_stale(
        ExportJob, enqueue=run_export_job.enqueue, reset={"progress": 0}, failure=failure, now=now
    )
    return {"retried": retried, "failed": failed}


def prune_exports(now: datetime.datetime | None = None, days: int = KEEP_DAYS) -> int:
    """Delete jobs older than ``days`` and their files; running it again deletes nothing more."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(old)


# --- The module's export, imported back ---------------------------------------------------------------------------
# docs/beneficiary-module.md, "11. Import of the module's export, and reconciliation"

IMPORT_KINDS = ("csv", "xlsx")


def _import_kind(upload: Any) -> str:
    """csv or xlsx from the file's bytes (tilts.core.uploads), whatever its name says; else ImportRefused."""
    limit: int = settings.MODULE_IMPORT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise module_import.ImportRefused(
            [
                _("The file is larger than %(limit)s MB: it cannot be the module's export of one project.")
                % {"limit": f"{limit / (1024 * 1024):g}"}
            ]
        )
    kind = uploads.table_kind(upload)
    if kind not in IMPORT_KINDS:
        raise module_import.ImportRefused(
            [_("Upload the module's mobility export as CSV or XLSX: this file is neither (its content was checked).")]
        )
    assert kind is not None
    return kind


def import_module_export(user: User, project: Project, upload: Any) -> ModuleImport:
    """Read the Beneficiary Module's mobility export and compare it with Tilts, row by row, by Mobility activity ID.

    Stored from the module, on each matched mobility: its Unique Erasmus+ Mobility ID, its grant per category and
    the EU Survey report status (with this import). Tilts' own data (dates, travel days, flags) is not changed: the
    differences wait for the coordinator's decision (:func:`decide`). All or nothing: a bad file (wrong kind,
    not the module's export, a missing column, duplicate IDs, a value that does not parse, too large) raises
    ``ImportRefused`` with every reason, and nothing is stored."""
    if not user.is_coordinator or not selectors.exportable_projects(user).filter(pk=project.pk).exists():
        raise PermissionDenied
    kind = _import_kind(upload)
    layout = module_import.layout_for(project.action, project.call_year)
    if layout is None:
        raise module_import.ImportRefused(
            [
                _("No layout of the module's export is known for %(action)s, call %(year)s.")
                % {"action": project.action, "year": project.call_year}
            ]
        )
    parsed = module_import.parse(upload, kind, layout)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()  # one import per project at a time
        return _store_import(user, project, parsed, str(getattr(upload, "name", "") or "")[-200:])


def _store_import(user: User, project: Project, parsed: module_import.ParsedExport, name: str) -> ModuleImport:
    imported = ModuleImport.objects.create(
        project=project,
        uploaded_by=user,
        file_name=name or "export",
        layout_version=parsed.layout.version,
        rows=len(parsed.rows),
        unknown_columns=parsed.unknown_columns,
        columns_to_confirm=parsed.columns_to_confirm,
    )
    # Only what the comparison reads: each row is one of 10,000 in a large project. The module record is whole, as
    # its history copies every field; a record whose mobility was deleted matches no mobility (only in the module).
    mobilities = (
        Mobility.objects.filter(project=project, module__isnull=False)
        .exclude(module__activity_id="")
        .select_related("participant", "report", "module")
        .only(*COMPARED_FIELDS, "participant__email", *_all_fields("module"), *_all_fields("report"))
    )
    exported: dict[int, Mobility] = {}
    records: dict[str, ModuleMobility] = {}
    for each in selectors.as_exported(mobilities.iterator(chunk_size=1000), project):
        exported[each.pk] = each
        records[each.module.activity_id] = each.module
    lines: list[ModuleImportRow] = []
    changed: list[ModuleMobility] = []
    counts = dict.fromkeys(RowKind.values, 0)
    in_file = set()
    matched: list[int] = []
    for row in parsed.rows:
        in_file.add(row.activity_id)
        found_record = records.get(row.activity_id)
        mobility = exported.get(found_record.mobility_id or 0) if found_record else None
        module_values = module_import.module_values(row, parsed.keys)
        if found_record is None or mobility is None:
            kind = RowKind.ONLY_MODULE
            found: list[list[str]] = []
        else:
            found = module_import.differences(module_import.tilts_values(mobility), module_values)
            kind = RowKind.DIFFERS if found else RowKind.SAME
            matched.append(found_record.pk)
            if _take_module_facts(found_record, row, parsed.keys, imported, mobility):
                changed.append(found_record)
        counts[kind] += 1
        if kind != RowKind.SAME:
            lines.append(
                ModuleImportRow(
                    module_import=imported,
                    kind=kind,
                    line=row.line,
                    activity_id=row.activity_id[:30],
                    unique_mobility_id=str(row.values.get("unique_mobility_id") or "")[:40],
                    mobility=mobility,
                    differences=found,
                    module_values={
                        key: value for key, value in module_values.items() if key in module_import.ADOPTABLE
                    },
                )
            )
    for each in exported.values():
        activity_id = each.module.activity_id
        if activity_id not in in_file and each.status in selectors.EXPORTED:
            counts[RowKind.ONLY_TILTS] += 1
            lines.append(
                ModuleImportRow(module_import=imported, kind=RowKind.ONLY_TILTS, activity_id=activity_id, mobility=each)
            )
    _insert_many(ModuleImportRow, lines)
    _save_module_facts(changed, user)
    # Which import the module's facts come from: every matched record, changed or not (not a change of content,
    # so not in the history).
    for start in range(0, len(matched), 900):
        ModuleMobility.objects.filter(pk__in=matched[start : start + 900]).update(last_import=imported)
    imported.same, imported.differing = counts[RowKind.SAME], counts[RowKind.DIFFERS]
    imported.only_in_module, imported.only_in_tilts = counts[RowKind.ONLY_MODULE], counts[RowKind.ONLY_TILTS]
    imported.save(update_fields=["same", "differing", "only_in_module", "only_in_tilts"])
    return imported


# The mobility's fields the comparison and the Tilts side of it read (module_import.tilts_values, as_reported).
COMPARED_FIELDS = (
    "project_id",
    "participant_id",
    "status",
    "activity_type",
    "participant_kind",
    "start_date",
    "end_date",
    "travel_days",
    "green_travel",
    "fewer_opportunities",
    "force_majeure",
    "zero_grant",
    "grant_total",
    "grant_breakdown",
)


def _all_fields(relation: str) -> list[str]:
    model = Mobility._meta.get_field(relation).related_model
    assert model is not None and not isinstance(model, str)
    return [f"{relation}__{field.name}" for field in model._meta.concrete_fields]


MODULE_FACTS = ("unique_mobility_id", "module_grant", "eu_report_status", "eu_report_email")


def _take_module_facts(
    record: ModuleMobility, row: module_import.ModuleRow, keys: set[str], imported: ModuleImport, mobility: Mobility
) -> bool:
    """Put the module's own facts of a row on the mobility's record; whether any of them changed."""
    before = [getattr(record, name) for name in MODULE_FACTS]
    if "unique_mobility_id" in keys:
        record.unique_mobility_id = str(row.values.get("unique_mobility_id") or "")[:40]
    grants = {
        key.removeprefix(module_import.GRANT_PREFIX): f"{value:f}"
        for key, value in row.values.items()
        if key.startswith(module_import.GRANT_PREFIX) and value is not None
    }
    if grants:
        record.module_grant = grants
    if "eu_report_status" in keys:
        record.eu_report_status = row.values.get("eu_report_status") or ""
        record.eu_report_email = str(row.values.get("participant_email") or mobility.participant.email)[:254]
    record.last_import = imported
    return before != [getattr(record, name) for name in MODULE_FACTS]


def _save_module_facts(records: list[ModuleMobility], user: User) -> None:
    """One prepared UPDATE per record (bulk_update's CASE expressions are slow for 10,000 rows) and one history
    entry each, by the person who imported."""
    if not records:
        return
    table = connection.ops.quote_name(ModuleMobility._meta.db_table)
    grant_field = ModuleMobility._meta.get_field("module_grant")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET unique_mobility_id = %s, module_grant = %s, eu_report_status = %s, "
            "eu_report_email = %s WHERE id = %s",
            [
                (
                    r.unique_mobility_id,
                    grant_field.get_db_prep_save(r.module_grant, connection),
                    r.eu_report_status,
                    r.eu_report_email,
                    r.pk,
                )
                for r in records
            ],
        )
    history = ModuleMobility.history.model
    now = timezone.now()
    entries = []
    for record in records:
        entry = history(
            **{field.attname: getattr(record, field.attname) for field in ModuleMobility._meta.concrete_fields},
            history_date=now,
            history_type="~",
            history_change_reason="",
            history_user_id=user.pk,
        )
        entries.append(entry)
    _insert_many(history, entries)


def _insert_many(model: Any, objects: list[Any]) -> None:
    """``bulk_create`` without its per-value SQL compilation (most of its time for 10,000 rows): one prepared
    INSERT run per object, values prepared by each field as Django would. No primary keys are set on ``objects``."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(f, "auto_created", False))]
    fields = [f for f in fields if f is not model._meta.auto_field]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [tuple(f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields) for obj in objects],
        )


# What "take the module's value" changes on the mobility, key by key.
def _adopted(mobility: Mobility, values: dict[str, str], keys: Iterable[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key in keys:
        value = values.get(key, "")
        if key in ("start_date", "end_date") and value:
            changes[key] = datetime.date.fromisoformat(value)
        elif key == "travel_days" and value:
            changes[key] = int(value)
        elif key in ("green_travel", "fewer_opportunities", "force_majeure", "zero_grant"):
            changes[key] = value == "Yes"
        elif key == "accompanying_person":
            if value == "Yes":
                changes["participant_kind"] = ParticipantKind.ACCOMPANYING
            elif mobility.participant_kind == ParticipantKind.ACCOMPANYING:
                changes["participant_kind"] = ParticipantKind.STAFF
    return changes


@transaction.atomic
def decide(user: User, line: ModuleImportRow, decision: str) -> ModuleImportRow:
    """The coordinator's choice for one mobility that differs: take the module's values into Tilts (the change is
    in the mobility's history, by the user), or keep Tilts' values, which the next export sends to the module.

    Only on the project's latest import, once per row; a completed mobility, or one whose consortium report is
    accepted (Tilts then exports the report's realised data), is refused with the reason."""
    if not user.is_coordinator:
        raise PermissionDenied
    if decision not in Decision.values:
        raise ValidationError(_("Choose to take the module's values or to keep Tilts'."))
    line = ModuleImportRow.objects.select_for_update().select_related("module_import").get(pk=line.pk)
    latest = ModuleImport.objects.filter(project_id=line.module_import.project_id).first()
    if latest is None or latest.pk != line.module_import_id:
        raise ValidationError(_("A newer export of the module has been imported: decide on its differences."))
    if line.kind != RowKind.DIFFERS or line.mobility_id is None:
        raise ValidationError(_("Only a mobility that differs between Tilts and the module needs a decision."))
    if line.decision:
        raise ValidationError(_("This difference has already been decided."))
    if decision == Decision.ADOPTED:
        mobility = Mobility.objects.select_related("project", "participant", "report").get(pk=line.mobility_id)
        report = selectors.report_of(mobility)
        if report is not None and report.status == "accepted":
            raise ValidationError(
                _(
                    "The consortium's participant report of this mobility is accepted: Tilts exports the report's "
                    "realised data. Correct the report, or keep Tilts' values."
                )
            )
        keys = [key for key, _tilts, _module in line.differences if key in module_import.ADOPTABLE]
        changes = _adopted(mobility, line.module_values, keys)
        if changes:
            update_mobility(mobility, version=mobility.version, by=user, **changes)
        if "means_of_transport" in keys:
            code = line.module_values.get("means_of_transport", "")
            transport = module_import.transport_key(code)
            if code and not transport:
                raise ValidationError(
                    _("The module's means of transport “%(code)s” is not in Tilts' code list.") % {"code": code}
                )
            record = beneficiary_module.module_of(mobility) or ModuleMobility(
                project=mobility.project, mobility=mobility
            )
            record._history_user = user  # type: ignore[attr-defined]
            record.means_of_transport = transport
            record.save()
    line.decision, line.decided_by, line.decided_at = decision, user, timezone.now()
    line.save(update_fields=["decision", "decided_by", "decided_at"])
    return line

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
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]

from tilts.accounts.models import User
from tilts.consortium.models import Organisation
from tilts.core.spreadsheets import safe_row
from tilts.exports import beneficiary_module, sections, selectors
from tilts.exports.models import AgreementMember, ExportJob, ExportKind, ExportStatus, ModuleMobility
from tilts.exports.workbook import WorkbookContext, build_workbook
from tilts.mobility.models import GroupActivity, Mobility
from tilts.projects.models import BudgetCategory, Project

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


MODULE_DETAILS = (
    "means_of_transport",
    "transport_description",
    "expensive_travel_cost",
    "expensive_travel_justification",
    "inclusion_support_amount",
    "inclusion_support_justification",
)


def save_module_details(mobility: Mobility, **details: Any) -> ModuleMobility:
    """Record the module's inputs of a mobility (main means of transport, expensive travel, inclusion support).

    The means of transport must be one of the module's code list (data/bm_codes_*.toml); a cost or an amount
    needs its justification (docs/beneficiary-module.md, "9. Inputs Tilts keeps for the module only")."""
    unknown = set(details) - set(MODULE_DETAILS)
    if unknown:
        raise ValueError(f"Not a module detail: {', '.join(sorted(unknown))}")
    errors = {}
    transport = details.get("means_of_transport") or ""
    if transport and transport not in beneficiary_module.load_codes().transport:
        errors["means_of_transport"] = _("Choose a means of transport from the list.")
    for amount, reason in (
        ("expensive_travel_cost", "expensive_travel_justification"),
        ("inclusion_support_amount", "inclusion_support_justification"),
    ):
        value = details.get(amount)
        if value is not None and Decimal(value) < 0:
            errors[amount] = _("Enter an amount of zero or more.")
        if value is not None and not str(details.get(reason) or "").strip():
            errors[reason] = _("Give the justification for this amount.")
    if len(str(details.get("transport_description") or "")) > 300:
        errors["transport_description"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    record = beneficiary_module.module_of(mobility) or ModuleMobility(project=mobility.project, mobility=mobility)
    for name in MODULE_DETAILS:
        if name in details:
            value = details[name]
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
    check = check_module_import(user, project)
    if check.file_problems or check.template is None:
        raise ValidationError([problem.message for problem in check.file_problems])
    if progress:
        progress(80)
    return _csv_bytes([check.template.headers, *(row.cells for row in check.ready)])


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
    check = check_module_import(user, project)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Check")
    wrong = PatternFill("solid", fgColor="F4B6B6")
    note = PatternFill("solid", fgColor="FFF2B3")
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
        sheet.append(
            safe_row(
                [
                    _("Yes") if checked.ready and not check.file_problems else _("No"),
                    "\n".join(problem.message for problem in checked.problems),
                    *checked.cells,
                ]
            )
        )
        for problem in checked.problems:
            if problem.header in headers:
                sheet.cell(row_number, headers.index(problem.header) + 3).fill = wrong if problem.blocking else note
    sheet.freeze_panes = "C2"
    for section in check_sections(user, project):
        _section_sheet(workbook, section, wrong, note)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _section_sheet(workbook: Workbook, check: sections.SectionCheck, wrong: PatternFill, note: PatternFill) -> None:
    """A section of the module (group activities, preparatory visits) on its own sheet, wrong cells marked."""
    sheet = workbook.create_sheet(check.title[:31])
    headers = check.template.headers if check.template else []
    sheet.append([_("Ready for import"), _("Problems"), *headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for problem in check.file_problems:
        sheet.append([_("No"), problem.message])
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


class _Exported:
    """The exported mobilities, read again in chunks by each sheet that walks them instead of all held in memory
    for the whole workbook."""

    def __init__(self, mobilities: QuerySet[Mobility], project: Project) -> None:
        self.mobilities, self.project = mobilities, project

    def __iter__(self) -> Iterator[Mobility]:
        return selectors.as_exported(self.mobilities.iterator(chunk_size=1000), self.project)

    def ids(self, excluding: Collection[str]) -> QuerySet[Mobility, int]:
        """For the sheets that need only which mobilities (WorkbookContext.mobility_ids)."""
        chosen = self.mobilities.prefetch_related(None).exclude(status__in=excluding)
        return chosen.values_list("pk", flat=True)


def build_xlsx(user: User, project: Project, progress: Progress | None = None) -> bytes:
    mobilities: QuerySet[Mobility] = selectors.project_mobilities(user, project).select_related("trip")
    context = WorkbookContext(user, project, _Exported(mobilities.prefetch_related("goals"), project))
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

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    stale = ExportJob.objects.filter(status=ExportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    retried = failed = 0
    for job in stale:
        if job.attempts < settings.EXPORT_MAX_ATTEMPTS:
            if ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
                status=ExportStatus.QUEUED, progress=0, heartbeat_at=None
            ):
                run_export_job.enqueue(job.pk)
                retried += 1
            continue
        with translation.override(job.language):
            error = ngettext(
                "The export stopped before it was finished (the background worker was interrupted) and was tried "
                "%(count)s time. Start a new export; if it stops again, tell the coordinator.",
                "The export stopped before it was finished (the background worker was interrupted) and was tried "
                "%(count)s times. Start a new export; if it stops again, tell the coordinator.",
                job.attempts,
            ) % {"count": job.attempts}
        failed += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=error, finished_at=now
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

"""Building exports: the Beneficiary Module CSV and the project workbook, at once or as a background job.

Small projects (fewer than ``EXPORT_INLINE_LIMIT`` mobilities) are built while the person waits; larger ones,
and any the person asks to prepare in the background, become an :class:`ExportJob` that a django-tasks
worker builds (``manage.py db_worker``), reporting its progress as it goes.
"""

import csv
import datetime
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tilts.accounts.models import User
from tilts.core.spreadsheets import safe_row
from tilts.exports import beneficiary_module, selectors
from tilts.exports.models import ExportJob, ExportKind, ExportStatus
from tilts.exports.workbook import WorkbookContext, build_workbook
from tilts.mobility.models import Mobility
from tilts.projects.models import Project

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


def build_csv(user: User, project: Project, progress: Progress | None = None) -> bytes:
    """The module's import file: the template's headers, then one row per reported mobility (see selectors)."""
    template = beneficiary_module.load_template()
    mobilities = selectors.reportable_mobilities(user, project)
    total = mobilities.count()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(template.headers)
    step = max(1, total // 20)
    rows = selectors.as_exported(mobilities.iterator(chunk_size=500), project)
    for index, mobility in enumerate(rows, start=1):
        writer.writerow(safe_row(list(beneficiary_module.row(mobility, template))))
        if progress and index % step == 0:
            progress(int(90 * index / total))
    # A byte order mark so that spreadsheet programs read the UTF-8 (Latvian letters) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def build_xlsx(user: User, project: Project, progress: Progress | None = None) -> bytes:
    mobilities: QuerySet[Mobility] = selectors.project_mobilities(user, project).select_related("trip")
    context = WorkbookContext(user, project, list(selectors.as_exported(mobilities.prefetch_related("goals"), project)))
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
    next to the button that starts a new export. Run by the worker's housekeeping (tilts.core.tasks).
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

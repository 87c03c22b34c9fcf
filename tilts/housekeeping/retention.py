"""How long personal data is kept, as the privacy notice says, enforced by the worker once a day.

Each rule names what it removes and when; ``apply_retention`` reports how many of each it removed (or would
remove, with ``dry_run``). ``manage.py apply_retention [--dry-run]`` runs it by hand.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone


@dataclass
class RetentionReport:
    rejected_applications: int = 0
    join_applications: int = 0
    pending_join_applications: int = 0
    evidence_files: int = 0
    attendance_lists: int = 0
    exports: int = 0
    list_exports: int = 0
    mobility_imports: int = 0
    access_records: int = 0
    dry_run: bool = False


def _audit_cutoff(today: datetime.date) -> datetime.date:
    """Projects that ended before this day are past the audit period (their supporting files may go)."""
    return today.replace(year=today.year - settings.RETENTION_AUDIT_YEARS)


def apply_retention(*, dry_run: bool = False, now: datetime.datetime | None = None) -> RetentionReport:
    from tilts.accounts.models import AccessRecord
    from tilts.consortium.models import JoinApplication
    from tilts.consortium.models import JoinApplicationStatus as JoinStatus
    from tilts.core.models import ListExport
    from tilts.exports.models import ExportJob
    from tilts.followup.models import FollowUp
    from tilts.mobility.models import MobilityImport
    from tilts.reporting.models import Evidence
    from tilts.selection.models import Application, ApplicationStatus

    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    rejected_before = now - datetime.timedelta(days=settings.RETENTION_REJECTED_DAYS)
    audit_before = _audit_cutoff(timezone.localdate(now))

    rejected = Application.objects.filter(
        Q(status=ApplicationStatus.REJECTED) | Q(status=ApplicationStatus.WITHDRAWN),
        mobility__isnull=True,
        decided_at__lt=rejected_before,
    )
    joins = JoinApplication.objects.filter(
        Q(status=JoinStatus.REJECTED, decided_at__lt=rejected_before)
        | Q(status=JoinStatus.ACCEPTED, decided_at__date__lt=audit_before)
    )
    # Never decided: the institution can apply again; its data is not kept for ever meanwhile.
    pending_joins = JoinApplication.objects.filter(
        status=JoinStatus.PENDING,
        submitted_at__lt=now - datetime.timedelta(days=settings.RETENTION_PENDING_JOIN_DAYS),
    )
    evidence = Evidence.objects.filter(report__mobility__project__end_date__lt=audit_before)
    attendance = FollowUp.objects.filter(project__end_date__lt=audit_before).exclude(attendance_list="")
    exports = ExportJob.objects.filter(created_at__lt=now - datetime.timedelta(days=settings.RETENTION_EXPORT_DAYS))
    list_exports = ListExport.objects.filter(
        created_at__lt=now - datetime.timedelta(days=settings.RETENTION_EXPORT_DAYS)
    )
    # Uploaded spreadsheets name people (e-mails, plans): kept as briefly as exports, their mobilities stay.
    imports = MobilityImport.objects.filter(
        created_at__lt=now - datetime.timedelta(days=settings.RETENTION_EXPORT_DAYS)
    )

    report.rejected_applications = rejected.count()
    report.join_applications = joins.count()
    report.pending_join_applications = pending_joins.count()
    report.evidence_files = evidence.count()
    report.attendance_lists = attendance.count()
    report.exports = exports.count()
    report.list_exports = list_exports.count()
    report.mobility_imports = imports.count()
    access = AccessRecord.objects.filter(at__lt=now - datetime.timedelta(days=settings.ACCESS_LOG_DAYS))
    report.access_records = access.count()
    if dry_run:
        return report
    with transaction.atomic():
        access.delete()
        rejected.delete()
        joins.delete()
        pending_joins.delete()
        for item in evidence:
            _delete_file(item.file)
            item.delete()
        for followup in attendance:
            _delete_file(followup.attendance_list)
            type(followup).objects.filter(pk=followup.pk).update(attendance_list="")
        for job in exports:
            if job.file:
                _delete_file(job.file)
            job.delete()
        for list_export in list_exports:
            if list_export.file:
                _delete_file(list_export.file)
            list_export.delete()
        for upload in imports:
            _delete_file(upload.file)
            upload.delete()
    return report


def _delete_file(stored: object) -> None:
    storage, name = stored.storage, stored.name  # type: ignore[attr-defined]
    transaction.on_commit(lambda: storage.delete(name))

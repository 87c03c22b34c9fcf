"""Background jobs whose worker died mid-way (the module export's ExportJob, a list's ListExport): one rule for
finding them and trying them again, or giving up, run by the worker's housekeeping."""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation


def recover_stale(
    model: type[models.Model],
    *,
    enqueue: Callable[[int], Any],
    reset: dict[str, Any],
    failure: Callable[[int], str],
    now: datetime.datetime | None = None,
) -> tuple[int, int]:
    """Jobs of ``model`` running with no sign of life for ``EXPORT_STALE_MINUTES`` are queued again (with the
    fields of ``reset``) and ``enqueue(pk)``, at most ``EXPORT_MAX_ATTEMPTS`` times; then failed with
    ``failure(attempts)``, in the language of the person who asked. (retried, failed). The model has ``status``
    ("running", "queued", "failed"), ``heartbeat_at``, ``created_at``, ``attempts``, ``language``, ``error`` and
    ``finished_at``; each change is made only if the job is still running, so two housekeepers cannot both act."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    manager = model._default_manager
    stale = manager.filter(status="running").filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    retried = failed = 0
    for job in stale:
        running = manager.filter(pk=job.pk, status="running")
        attempts: int = job.attempts  # type: ignore[attr-defined]
        if attempts < settings.EXPORT_MAX_ATTEMPTS:
            if running.update(status="queued", heartbeat_at=None, **reset):
                enqueue(job.pk)
                retried += 1
            continue
        with translation.override(job.language):  # type: ignore[attr-defined]
            error = failure(attempts)
        failed += running.update(status="failed", error=error, finished_at=now)
    return retried, failed

"""Core's one model: a list export (a list page's rows as CSV or XLSX), written by the background worker.

The kinds of list are registered by the apps that own the lists (``tilts.core.listexports``); core names none.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ListExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


def _list_export_path(export: "ListExport", filename: str) -> str:
    # A random part so that a file's name cannot be guessed even if the storage were ever exposed.
    return f"list-exports/{export.owner_id}/{secrets.token_hex(8)}-{filename}"


class ListExport(models.Model):
    """One list (its kind, the object it belongs to, and the filters and sort of the page) as a file for the person
    who asked. Only they may download it (tilts.core.list_export_views); it is deleted with the other exports
    after ``RETENTION_EXPORT_DAYS`` (tilts.housekeeping.retention)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="list_exports"
    )
    kind = models.CharField(_("list"), max_length=40)
    # The object the list belongs to (a project), when the list has one.
    target = models.PositiveBigIntegerField(_("belongs to"), null=True, blank=True)
    # The list page's query string (filters and sort), read again by the worker within the person's access.
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ListExportFormat.choices)
    language = models.CharField(_("language"), max_length=5, default="lv")
    # The person's role and institution when they asked: the file is theirs only while these hold.
    scope = models.CharField(_("scope"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ListExportStatus.choices, default=ListExportStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=_list_export_path, blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The worker touches this while it writes the file; a running export whose heartbeat stops was interrupted.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="list_export_owner_created")]

    def __str__(self) -> str:
        return f"{self.title or self.kind} ({self.format})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ListExportStatus.DONE, ListExportStatus.FAILED)

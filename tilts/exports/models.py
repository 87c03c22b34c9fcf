import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tilts.core.limits import LONG_TEXT_MAX


class ExportKind(models.TextChoices):
    CSV = "csv", _("Beneficiary Module import (CSV)")
    XLSX = "xlsx", _("Project workbook (XLSX)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def _export_path(job: "ExportJob", filename: str) -> str:
    # A random part so that a file's name cannot be guessed even if the storage were ever exposed.
    return f"exports/{job.project_id}/{secrets.token_hex(8)}-{filename}"


class ExportJob(models.Model):
    """One export of a project prepared in the background: who asked, what, its progress and the file.

    The file is private (served only through a permission-checked view) and the job is deleted after a week
    (``manage.py prune_exports``).
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="exports"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="exports"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=ExportKind.choices)
    language = models.CharField(_("language"), max_length=5, default="lv")
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0, validators=[MaxValueValidator(100)])
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=_export_path, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The worker touches this while it builds the file; a running job whose heartbeat stops was interrupted.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # What the requester could see when they asked (role and institution): the file is theirs only while it holds.
    scope = models.CharField(_("scope"), max_length=60, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_progress_at_most_100")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.project} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


class ModuleMobility(models.Model):
    """What the Beneficiary Module needs about one mobility beyond Tilts' plan (docs/beneficiary-module.md).

    The **Mobility activity ID** is the key by which a second import updates a mobility instead of adding one:
    it is given once, when the mobility is first checked for export after approval, and never given again, not
    even when the mobility is deleted (the row stays, without its mobility). The other fields are the module's
    inputs that the grant engine does not hold: the main means of transport, expensive travel, inclusion support.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="module_mobilities"
    )
    mobility = models.OneToOneField(
        "mobility.Mobility", on_delete=models.SET_NULL, null=True, blank=True, related_name="module"
    )
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    activity_id = models.CharField(_("Mobility activity ID"), max_length=30, blank=True, editable=False)
    means_of_transport = models.CharField(_("main means of transport"), max_length=20, blank=True)
    transport_description = models.CharField(_("means of transport, description"), max_length=300, blank=True)
    expensive_travel_cost = models.DecimalField(
        _("expensive travel: real cost, EUR"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    expensive_travel_justification = models.TextField(
        _("expensive travel: justification"), max_length=LONG_TEXT_MAX, blank=True
    )
    inclusion_support_amount = models.DecimalField(
        _("inclusion support for the participant, EUR"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    inclusion_support_justification = models.TextField(
        _("inclusion support: justification"), max_length=LONG_TEXT_MAX, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mobility in the Beneficiary Module")
        verbose_name_plural = _("mobilities in the Beneficiary Module")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], condition=models.Q(number__isnull=False), name="module_number_unique"
            ),
            models.UniqueConstraint(
                fields=["project", "activity_id"], condition=~models.Q(activity_id=""), name="module_activity_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.activity_id or f"{self.mobility_id}"


class AgreementMember(models.Model):
    """A member organisation the project's grant agreement names. Only these send participants whose mobilities
    the Beneficiary Module accepts; adding one needs an amendment approved by the national agency
    (docs/beneficiary-module.md, "7. Member register per grant agreement")."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="agreement_members"
    )
    organisation = models.ForeignKey(
        "consortium.Organisation", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member in the grant agreement")
        verbose_name_plural = _("members in the grant agreement")
        constraints = [models.UniqueConstraint(fields=["project", "organisation"], name="agreement_member_unique")]

    def __str__(self) -> str:
        return f"{self.project}: {self.organisation}"

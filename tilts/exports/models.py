import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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


class EUReportStatus(models.TextChoices):
    """The status of the EU Survey report the Beneficiary Module asks each participant for
    (docs/beneficiary-module.md, "12. The EU Survey report"): not the consortium's own participant report in Tilts."""

    REQUEST_SENT = "request_sent", pgettext_lazy("EU report", "Request sent")
    AUTOMATIC_REMINDER = "automatic_reminder", pgettext_lazy("EU report", "Automatic reminder sent")
    MANUAL_REMINDER = "manual_reminder", pgettext_lazy("EU report", "Manual reminder sent")
    SUBMITTED = "submitted", pgettext_lazy("EU report", "Submitted")
    UNDELIVERED = "undelivered", pgettext_lazy("EU report", "Undelivered e-mail")
    EXCLUDED = "excluded", pgettext_lazy("EU report", "Excluded by the national agency")


# The module's inputs that the grant engine does not hold (ModuleMobility's fields of them): the form that edits
# them and the export check that reads them name the same ones.
MODULE_INPUTS = (
    "means_of_transport",
    "transport_description",
    "expensive_travel_cost",
    "expensive_travel_justification",
    "inclusion_support_amount",
    "inclusion_support_justification",
)


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
    # Read back from the module's export (tilts.exports.module_import): the module's own facts, never Tilts' plan.
    unique_mobility_id = models.CharField(_("Unique Erasmus+ Mobility ID"), max_length=40, blank=True, editable=False)
    module_grant = models.JSONField(_("grant in the module, per category"), null=True, blank=True, editable=False)
    eu_report_status = models.CharField(
        _("EU Survey report"), max_length=20, choices=EUReportStatus.choices, blank=True, editable=False
    )
    # The address the module sent the EU Survey request to: an undelivered request waits until it is corrected.
    eu_report_email = models.CharField(_("EU Survey report sent to"), max_length=254, blank=True, editable=False)
    last_import = models.ForeignKey(
        "ModuleImport",
        verbose_name=_("from the module's export of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
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


class ModuleImport(models.Model):
    """One upload of the Beneficiary Module's mobility export, and how it compares with Tilts (the reconciliation).

    The rows are kept so that the coordinator decides, difference by difference, whose value stands."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="module_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=200)
    layout_version = models.CharField(_("layout version"), max_length=10)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    same = models.PositiveIntegerField(_("the same in both"), default=0)
    differing = models.PositiveIntegerField(_("differing"), default=0)
    only_in_module = models.PositiveIntegerField(_("only in the module"), default=0)
    only_in_tilts = models.PositiveIntegerField(_("only in Tilts"), default=0)
    unknown_columns = models.JSONField(_("columns ignored"), default=list, blank=True)
    columns_to_confirm = models.JSONField(_("columns to confirm"), default=list, blank=True)

    class Meta:
        verbose_name = _("import of the module's export")
        verbose_name_plural = _("imports of the module's export")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class RowKind(models.TextChoices):
    DIFFERS = "differs", _("Differs")
    ONLY_MODULE = "only_module", _("Only in the module")
    ONLY_TILTS = "only_tilts", _("Only in Tilts")
    SAME = "same", _("The same")


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("The module's values taken")
    KEPT = "kept", _("Tilts' values kept (re-export)")


class ModuleImportRow(models.Model):
    """One mobility of a reconciliation: the module's values next to Tilts', and the coordinator's decision."""

    module_import = models.ForeignKey(ModuleImport, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("comparison"), max_length=12, choices=RowKind.choices)
    line = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)
    activity_id = models.CharField(_("Mobility activity ID"), max_length=30, blank=True)
    unique_mobility_id = models.CharField(_("Unique Erasmus+ Mobility ID"), max_length=40, blank=True)
    mobility = models.ForeignKey(
        "mobility.Mobility", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # [[key, Tilts' value, the module's value], ...] in the module's text form, for the keys that differ.
    differences = models.JSONField(default=list, blank=True)
    # The module's values Tilts can adopt (key -> value in the module's text form).
    module_values = models.JSONField(default=dict, blank=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("row of the module's export")
        verbose_name_plural = _("rows of the module's export")
        ordering = ["pk"]
        indexes = [models.Index(fields=["module_import", "kind"], name="module_import_row_kind")]

    def __str__(self) -> str:
        return self.activity_id or str(self.mobility_id)

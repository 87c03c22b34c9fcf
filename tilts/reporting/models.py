import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tilts.core.limits import LONG_TEXT_MAX


class ReportStatus(models.TextChoices):
    # With a context: in Latvian the words agree with "atskaite" (feminine), and "accepted" is "pieņemta" as in
    # the e-mail the participant gets, not the "approved" of other statuses.
    PENDING = "pending", pgettext_lazy("report", "Not started")
    DRAFT = "draft", pgettext_lazy("report", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("report", "Submitted")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("report", "Changes requested")
    ACCEPTED = "accepted", pgettext_lazy("report", "Accepted")


# The participant fills the report in these states; once submitted it waits for the coordinator.
EDITABLE = (ReportStatus.PENDING, ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED)


class Competence(models.TextChoices):
    """Competences a participant can say they gained, after the Erasmus+ participant report's list."""

    DIGITAL = "digital", _("Digital skills")
    TEACHING = "teaching", _("Teaching and training methods for adults")
    LANGUAGE = "language", _("Foreign language skills")
    COLLECTIONS = "collections", _("Collection management and preservation")
    AUDIENCES = "audiences", _("Working with audiences and adult learners")
    COOPERATION = "cooperation", _("Cooperation and networking with European partners")
    MANAGEMENT = "management", _("Management and organisation of work")
    INCLUSION = "inclusion", _("Inclusion and diversity")
    SUSTAINABILITY = "sustainability", _("Environmental sustainability")
    CIVIC = "civic", _("Media literacy and civic competence")


class FollowupDecision(models.TextChoices):
    KEEP = "keep", _("I keep the agreed follow-up plan")
    CHANGED = "changed", _("The follow-up plan has changed")


class ParticipantReport(models.Model):
    """What the participant reports after a mobility: the realised dates and travel, what they learned, how it
    serves the consortium's goals, the follow-up, and the evidence; the coordinator's review and the final grant.
    """

    mobility = models.OneToOneField(
        "mobility.Mobility", verbose_name=_("mobility"), on_delete=models.PROTECT, related_name="report"
    )
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    due_date = models.DateField(_("due"))
    satisfaction = models.PositiveSmallIntegerField(
        _("overall satisfaction"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    learned = models.TextField(_("what I learned"), max_length=LONG_TEXT_MAX, blank=True)
    competences = models.JSONField(_("competences gained"), default=list, blank=True)
    goal_contributions = models.JSONField(
        _("how the mobility serves the goals"), default=dict, blank=True, help_text=_("Text per goal number.")
    )
    followup_decision = models.CharField(
        _("follow-up plan"), max_length=10, choices=FollowupDecision.choices, blank=True
    )
    followup_new_plan = models.TextField(_("the new follow-up plan"), max_length=LONG_TEXT_MAX, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    actual_travel_days = models.PositiveSmallIntegerField(_("actual travel days"), null=True, blank=True)
    actual_green_travel = models.BooleanField(_("green travel"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_comment = models.TextField(_("coordinator's comment"), max_length=LONG_TEXT_MAX, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    final_grant_total = models.DecimalField(
        _("final grant, EUR"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    final_grant_breakdown = models.JSONField(_("final grant breakdown"), null=True, blank=True)
    # Set when the coordinator capped a final grant above the agreement at the agreed total: what it was priced at.
    final_grant_uncapped = models.DecimalField(
        _("final grant before the cap, EUR"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant report")
        verbose_name_plural = _("participant reports")
        ordering = ["due_date", "pk"]
        # The API lists reports by due date a page at a time (tilts.core.keyset): the index gives a page directly.
        indexes = [models.Index(fields=["due_date", "id"], name="report_due_date_id")]

    def __str__(self) -> str:
        return str(_("Report: %(mobility)s") % {"mobility": self.mobility})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def days_overdue(self) -> int:
        """Days past the due date while the participant still owes the report (0 otherwise)."""
        return days_overdue(self.status, self.due_date, timezone.localdate())


def days_overdue(status: str, due_date: datetime.date, today: datetime.date) -> int:
    """A report's days overdue from its status and due date (for lists read with ``values()``)."""
    if status not in EDITABLE:
        return 0
    return max(0, (today - due_date).days)


class EvidenceKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate of attendance")
    TRAVEL = "travel", _("Travel proof")
    PHOTO = "photo", _("Photo")


def _evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name is random: the participant's file name is kept only as data, never as a path.
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(instance.content_type, "bin")
    return f"reports/{instance.report_id}/{uuid.uuid4().hex}.{extension}"


class Evidence(models.Model):
    """A supporting document of a report, kept outside the public web space and served after a permission check."""

    report = models.ForeignKey(ParticipantReport, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("Before the due date")
    DUE = "due", _("On the due date")
    OVERDUE = "overdue", _("Overdue (weekly)")


class ReportReminder(models.Model):
    """One reminder e-mail sent; the unique key makes the reminder run safe to repeat (nothing is sent twice)."""

    report = models.ForeignKey(ParticipantReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    key = models.DateField(help_text="The due date, or for weekly reminders the first day of the overdue week.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "key"], name="report_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.key}"

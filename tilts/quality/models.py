"""The Erasmus quality standards as data, the consortium's reviews of them, and each mobility's support checklist.

The standards apply to the coordinator and to every member: a review holds one answer per institution and item.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tilts.core.limits import LONG_TEXT_MAX


class Area(models.IntegerChoices):
    BASIC_PRINCIPLES = 1, _("Basic principles")
    GOOD_MANAGEMENT = 2, _("Good management of mobility activities")
    SUPPORT = 3, _("Quality and support for participants")
    SHARING = 4, _("Sharing results and knowledge about the programme")


class StandardItem(models.Model):
    """One item of the quality standards: loaded from the versioned data (``data/standards_*.json``) or added
    by the consortium (``custom``)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    area = models.PositiveSmallIntegerField(_("area"), choices=Area.choices)
    title_lv = models.TextField(_("text in Latvian"), max_length=LONG_TEXT_MAX)
    title_en = models.TextField(_("text in English"), max_length=LONG_TEXT_MAX)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    guide_year = models.PositiveSmallIntegerField(_("programme guide year"), null=True, blank=True)
    data_version = models.CharField(_("version"), max_length=20, blank=True)
    custom = models.BooleanField(_("added by the consortium"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality standard item")
        verbose_name_plural = _("quality standard items")
        ordering = ["area", "custom", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "lv").startswith("en") else self.title_lv


class Status(models.TextChoices):
    # With a context: in Latvian the words describe "prasība" (the item), feminine.
    UNANSWERED = "", pgettext_lazy("quality item", "Not answered")
    MET = "met", pgettext_lazy("quality item", "Met")
    PARTLY = "partly", pgettext_lazy("quality item", "Partly met")
    NOT_YET = "not_yet", pgettext_lazy("quality item", "Not yet met")
    NOT_APPLICABLE = "na", pgettext_lazy("quality item", "Not applicable")


class ReviewStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("review", "Open")
    CLOSED = "closed", pgettext_lazy("review", "Closed")


class Review(models.Model):
    """One round of the consortium's follow-up of the standards (quarterly by default): every institution
    answers for itself while it is open; a closed review is kept read-only for comparison."""

    consortium = models.ForeignKey("consortium.Consortium", on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("answers due"))
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="review_period_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN


class Answer(models.Model):
    """An institution's answer on one item in one review: status, owner, notes, due date, and its evidence."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        "consortium.Organisation", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(StandardItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True, default="")
    owner = models.CharField(_("responsible"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), max_length=LONG_TEXT_MAX, blank=True)
    due_date = models.DateField(_("to be done by"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__area", "item__custom", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["review", "organisation", "item"], name="quality_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.organisation_id}/{self.item.code}"


class EvidenceKind(models.TextChoices):
    CALL = "call", _("Call for applications")
    AGREEMENT = "agreement", _("Agreement")
    REPORT = "report", _("Participant report")
    FOLLOWUP = "followup", _("Follow-up activity")
    LINK = "link", _("Web link")
    FILE = "file", _("Uploaded document")


def _evidence_path(instance: "AnswerEvidence", filename: str) -> str:
    # A random stored name: the person's file name is kept only as data.
    return f"quality/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class AnswerEvidence(models.Model):
    """What shows an answer is true: a Tilts object (by kind and id), a web link, or an uploaded document."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    object_id = models.PositiveBigIntegerField(_("object number"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=_evidence_path, blank=True, max_length=200)
    label = models.CharField(_("description"), max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


class ReviewReminder(models.Model):
    """One reminder sent to an institution's contacts; the unique key makes the reminder run safe to repeat."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey("consortium.Organisation", on_delete=models.CASCADE, related_name="+")
    key = models.DateField(help_text="The due date, or for weekly reminders the first day of the overdue week.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "organisation", "key"], name="review_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} {self.organisation_id} {self.key}"


class SupportChecklist(models.Model):
    """How a participant was supported for one mobility (quality standard 3), filled by the member contact or
    the participant."""

    mobility = models.OneToOneField("mobility.Mobility", on_delete=models.CASCADE, related_name="support_checklist")
    insurance = models.BooleanField(_("insurance arranged"), default=False)
    travel_accommodation = models.BooleanField(_("travel and accommodation arranged"), default=False)
    preparation = models.BooleanField(_("preparation done, including language"), default=False)
    mentor_name = models.CharField(
        _("mentor at the host"),
        max_length=200,
        blank=True,
        help_text=_("The host's staff member who leads the activity (full name)."),
    )
    emergency_contact = models.CharField(
        _("emergency contact"), max_length=200, blank=True, help_text=_("A name and phone number.")
    )
    recognition = models.BooleanField(_("learning outcomes recognised (e.g. Europass Mobility)"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant support checklist")
        verbose_name_plural = _("participant support checklists")

    def __str__(self) -> str:
        return str(_("Support checklist: %(mobility)s") % {"mobility": self.mobility})

    @property
    def done(self) -> int:
        """How many of the six points are done."""
        points = (self.insurance, self.travel_accommodation, self.preparation, self.mentor_name)
        return sum(bool(p) for p in (*points, self.emergency_contact, self.recognition))


# The Erasmus Plan and the grant agreement's targets -------------------------------------------------------------


class ObjectiveMeasure(models.TextChoices):
    ENTERED = "entered", _("Entered with evidence")
    GOAL_COLLEAGUES = "goal_colleagues", _("Colleagues reached for the linked goal")
    GOAL_PARTICIPANTS = "goal_participants", _("Participants serving the linked goal")
    TYPE_PARTICIPANTS = "type_participants", _("Participants from members of one type")
    NEW_MEMBERS = "new_members", _("New members")


class Objective(models.Model):
    """An objective of the Erasmus Plan: what, why, when, how progress is measured, and a target per year."""

    consortium = models.ForeignKey("consortium.Consortium", on_delete=models.PROTECT, related_name="objectives")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    explanation = models.TextField(_("explanation"), max_length=LONG_TEXT_MAX, blank=True)
    timing = models.CharField(_("timing"), max_length=200, blank=True, help_text=_("E.g. 2025-2027"))
    goal = models.ForeignKey(
        "consortium.Goal",
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objectives",
    )
    measure = models.CharField(
        _("how progress is measured"), max_length=20, choices=ObjectiveMeasure.choices, default=ObjectiveMeasure.ENTERED
    )
    member_type = models.CharField(
        _("member type"), max_length=20, blank=True, help_text=_("For participants from members of one type.")
    )
    measure_description = models.CharField(_("measure"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Erasmus Plan objective")
        verbose_name_plural = _("Erasmus Plan objectives")
        ordering = ["number", "pk"]
        constraints = [models.UniqueConstraint(fields=["consortium", "number"], name="objective_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_computed(self) -> bool:
        return self.measure != ObjectiveMeasure.ENTERED


class ObjectiveYear(models.Model):
    """An objective's target for one year, and the value entered (when Tilts does not compute it) with evidence."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("value entered"), max_digits=10, decimal_places=2, null=True, blank=True)
    evidence = models.TextField(
        _("evidence"),
        max_length=LONG_TEXT_MAX,
        blank=True,
        help_text=_("Where the value comes from: a link or a note."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objective's year")
        verbose_name_plural = _("objective's years")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["objective", "year"], name="objective_year_once")]

    def __str__(self) -> str:
        return f"{self.objective_id} {self.year}"


class ProjectTarget(models.Model):
    """A target from a project's grant agreement (the kinds are data: ``data/targets.json``)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="quality_targets")
    kind = models.CharField(_("target"), max_length=30)
    target = models.PositiveIntegerField(_("target in the grant agreement"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant agreement target")
        verbose_name_plural = _("grant agreement targets")
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="project_target_once")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind}: {self.target}"


# The Accreditation Progress Report pack -------------------------------------------------------------------------


class PackStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("pack", "Queued")
    RUNNING = "running", pgettext_lazy("pack", "Being prepared")
    DONE = "done", pgettext_lazy("pack", "Ready")
    FAILED = "failed", pgettext_lazy("pack", "Failed")


def _pack_path(job: "PackJob", filename: str) -> str:
    return f"quality/packs/{uuid.uuid4().hex}-{filename}"


class PackJob(models.Model):
    """One Accreditation Progress Report pack built in the background: a PDF and an editable ODT document."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quality_packs")
    consortium = models.ForeignKey("consortium.Consortium", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=5, choices=[("lv", "Latviešu"), ("en", "English")])
    status = models.CharField(_("status"), max_length=8, choices=PackStatus.choices, default=PackStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    error = models.TextField(_("error"), blank=True)
    pdf = models.FileField(upload_to=_pack_path, blank=True, max_length=200)
    odt = models.FileField(upload_to=_pack_path, blank=True, max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("accreditation progress report pack")
        verbose_name_plural = _("accreditation progress report packs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.consortium_id} {self.language} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (PackStatus.DONE, PackStatus.FAILED)

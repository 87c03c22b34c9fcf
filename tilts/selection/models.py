"""Calls for participants, the applications to them, their evaluation, and the agreements of those selected.

The seed's rule decides who may go: the grant is for staff who will go on to educate other specialists, so
every application carries a dissemination plan (what, for whom, how many colleagues, by when).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from tilts.consortium.validators import validate_oid
from tilts.core.limits import LONG_TEXT_MAX


def default_report_days() -> int:
    """An agreement's report deadline, in days after the end, unless the coordinator enters another."""
    return int(settings.REPORT_DUE_DAYS)


def default_prefinancing_percent() -> int:
    """An agreement's pre-financing share of the grant, unless the coordinator enters another."""
    return int(settings.AGREEMENT_PREFINANCING_PERCENT)


class Call(models.Model):
    """An invitation to a member's staff to apply for mobilities of one project.

    Title, text and eligibility are kept in Latvian and English (``_lv``/``_en`` columns, see translation.py).
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text of the call"), max_length=LONG_TEXT_MAX)
    eligibility = models.TextField(
        _("eligibility criteria"),
        max_length=LONG_TEXT_MAX,
        help_text=_(
            "Who may apply, in addition to the checks Tilts makes (works at a member, plan to teach colleagues)."
        ),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(
        _("closes on"), help_text=_("Applications can be submitted until the end of this day (Riga time).")
    )
    places = models.PositiveSmallIntegerField(_("places available"), validators=[MinValueValidator(1)])
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Published calls appear on the public site from their opening date.")
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluators"), blank=True, related_name="calls_to_evaluate"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call for participants")
        verbose_name_plural = _("calls for participants")
        ordering = ["-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="call_closes_after_it_opens"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.published and self.opens_on <= today <= self.closes_on

    def has_closed(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.closes_on


class Criterion(models.Model):
    """One thing evaluators score, with its weight and score range."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what evaluators look for"), max_length=LONG_TEXT_MAX, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("A criterion's score counts this many times in the total, e.g. 2 counts double."),
    )
    min_score = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10, validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gt=F("min_score")), name="criterion_range_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class DisseminationFormat(models.TextChoices):
    WORKSHOP = "workshop", _("Thematic workshop")
    SEMINAR = "seminar", _("Seminar")
    COURSE = "course", _("Improvement of course content")
    PROGRAMME = "programme", _("New education programme")


def plan_in_language(plan: str) -> str:
    """A follow-up plan in the page's language as far as Tilts wrote it.

    A selected application's plan is stored as "<format>: <topic>", the format's label in the language of whoever
    selected it ("Tematiskā darbnīca: …"); an English page or PDF shows that label in English. The topic is the
    participant's own text and stays as written.
    """
    head, sep, rest = plan.partition(": ")
    if sep:
        for _value, label in DisseminationFormat.choices:
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    stored = str(label)
                if head == stored:
                    return f"{label}: {rest}"
    return plan


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application", "Submitted")
    SELECTED = "selected", pgettext_lazy("application", "Selected")
    RESERVE = "reserve", pgettext_lazy("application", "Reserve")
    REJECTED = "rejected", pgettext_lazy("application", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")


class Support(models.TextChoices):
    PENDING = "pending", pgettext_lazy("support", "Waiting for the member contact")
    CONFIRMED = "confirmed", pgettext_lazy("support", "Employment confirmed and supported")
    DECLINED = "declined", pgettext_lazy("support", "Not supported")


class Eligibility(models.TextChoices):
    PENDING = "pending", pgettext_lazy("eligibility", "Not decided")
    ELIGIBLE = "eligible", pgettext_lazy("eligibility", "Eligible")
    INELIGIBLE = "ineligible", pgettext_lazy("eligibility", "Not eligible")


class ReasonCode(models.TextChoices):
    """A reason Tilts gives by itself; stored as a code so each reader sees it in their own language."""

    PLACE_FREE = "place_free", _("A place became free.")


class Application(models.Model):
    """A staff member's application to a call: what they want to learn where, and whom they will teach after."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "consortium.Organisation", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="applications"
    )
    position = models.CharField(_("position"), max_length=200)
    educational_role = models.TextField(
        _("role in educational work"),
        max_length=LONG_TEXT_MAX,
        help_text=_("Whom you already teach or train, and how: courses, workshops, consultations, mentoring."),
    )
    development_programme = models.CharField(
        _("professional development programme"),
        max_length=200,
        blank=True,
        help_text=_("If you are enrolled in the coordinator's professional development programme, its name."),
    )
    activity_type = models.CharField(_("activity type"), max_length=40)
    receiving_name = models.CharField(_("host organisation"), max_length=300)
    receiving_oid = models.CharField(
        _("host organisation's OID"),
        max_length=9,
        blank=True,
        validators=[validate_oid],
        help_text=_("If you know it: the letter E and 8 digits (the Beneficiary Module finds the host by it)."),
    )
    receiving_country = CountryField(_("host country"))
    venue = models.CharField(_("host city"), max_length=40, help_text=_("A place chosen from the search."))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    goals = models.ManyToManyField("consortium.Goal", verbose_name=_("goals served"), related_name="applications")
    motivation = models.TextField(_("motivation"), max_length=LONG_TEXT_MAX)
    dissemination_format = models.CharField(
        _("what you will organise afterwards"), max_length=20, choices=DisseminationFormat.choices
    )
    dissemination_topic = models.CharField(_("its topic"), max_length=300)
    dissemination_audience = models.CharField(_("for whom"), max_length=300)
    dissemination_colleagues = models.PositiveIntegerField(
        _("how many colleagues"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    dissemination_institutions = models.TextField(
        _("at which institutions"),
        max_length=LONG_TEXT_MAX,
        help_text=_("The institutions whose staff will take part."),
    )
    dissemination_by = models.DateField(_("by when"))

    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    support = models.CharField(_("member contact"), max_length=12, choices=Support.choices, default=Support.PENDING)
    support_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    support_comment = models.TextField(_("member contact's comment"), max_length=LONG_TEXT_MAX, blank=True)
    eligibility = models.CharField(
        _("eligibility"), max_length=12, choices=Eligibility.choices, default=Eligibility.PENDING
    )
    eligibility_reason = models.TextField(_("reason"), max_length=LONG_TEXT_MAX, blank=True)
    eligibility_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reserve_rank = models.PositiveSmallIntegerField(_("place on the reserve list"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), max_length=LONG_TEXT_MAX, blank=True)
    reason_code = models.CharField(max_length=20, choices=ReasonCode.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    mobility = models.OneToOneField(
        "mobility.Mobility",
        verbose_name=_("mobility"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[goals], excluded_fields=["version"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "applicant"], name="one_application_per_call_and_person"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="application_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} · {self.call}"

    @property
    def is_editable(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def reason_shown(self) -> str:
        """The reason for the decision, in the active language when Tilts gave it."""
        return self.decision_reason or (str(self.get_reason_code_display()) if self.reason_code else "")


class Assignment(models.Model):
    """An evaluator's work on one application: the conflict-of-interest declaration and then the scores."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="assignments"
    )
    conflict = models.BooleanField(_("conflict of interest"), null=True, default=None)
    conflict_note = models.TextField(_("about the conflict"), max_length=LONG_TEXT_MAX, blank=True)
    completed_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["application", "evaluator"], name="one_assignment_per_evaluator"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.application}"

    @property
    def same_institution(self) -> bool:
        return self.evaluator.organisation_id is not None and self.evaluator.organisation_id == (
            self.application.organisation_id
        )

    @property
    def conflict_reason(self) -> str:
        """The evaluator's note, or (in the active language) why Tilts declared the conflict by itself."""
        if self.conflict_note or not self.conflict:
            return self.conflict_note
        return str(_("Works at the applicant's institution.")) if self.same_institution else ""


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), max_length=LONG_TEXT_MAX, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class AgreementKind(models.TextChoices):
    GRANT = "grant", _("Grant agreement")
    LEARNING = "learning", _("Mobility and learning agreement")


class AgreementStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("agreement", "Issued, waiting for signatures")
    SIGNED = "signed", pgettext_lazy("agreement", "Signed copy uploaded")
    SUPERSEDED = "superseded", pgettext_lazy("agreement", "Replaced by a newer version")


class Agreement(models.Model):
    """One version of a document for a mobility; a new version supersedes the previous one of the same kind and
    language, so a Latvian and an English version (the host needs the learning agreement in English) are both in force.

    The PDF is rendered from the data as it was when the version was issued (kept in ``snapshot``), so an
    issued version never changes when the mobility does.
    """

    mobility = models.ForeignKey("mobility.Mobility", on_delete=models.PROTECT, related_name="agreements")
    kind = models.CharField(_("document"), max_length=10, choices=AgreementKind.choices)
    number = models.PositiveSmallIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=2, choices=[("lv", "Latviešu"), ("en", "English")])
    snapshot = models.JSONField()
    report_days = models.PositiveSmallIntegerField(_("report due, days after the end"), default=default_report_days)
    prefinancing_percent = models.PositiveSmallIntegerField(
        _("pre-financing, %"),
        default=default_prefinancing_percent,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    participant_iban = models.CharField(_("participant's bank account (IBAN)"), max_length=34, blank=True)
    participant_id_number = models.CharField(_("participant's personal code or staff ID"), max_length=30, blank=True)
    sending_signatory_name = models.CharField(_("signs for the sending institution"), max_length=200, blank=True)
    sending_signatory_role = models.CharField(_("their position"), max_length=200, blank=True)
    receiving_signatory_name = models.CharField(_("signs for the host organisation"), max_length=200, blank=True)
    receiving_signatory_role = models.CharField(_("their position at the host"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    signed_file = models.FileField(_("signed copy"), upload_to="agreements/%Y/", blank=True)
    signed_uploaded_at = models.DateTimeField(_("signed copy uploaded at"), null=True, blank=True)
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["mobility", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mobility", "kind", "number"], name="agreement_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"

import datetime
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from tilts.core.limits import LONG_TEXT_MAX


class MobilityStatus(models.TextChoices):
    # With a context: Latvian agrees the word with "mobilitāte" (feminine), and "confirmed" must read differently
    # from "approved" there.
    DRAFT = "draft", pgettext_lazy("mobility", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("mobility", "Submitted")
    APPROVED = "approved", pgettext_lazy("mobility", "Approved")
    CONFIRMED = "confirmed", pgettext_lazy("mobility", "Confirmed")
    COMPLETED = "completed", pgettext_lazy("mobility", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("mobility", "Cancelled")


class ParticipantKind(models.TextChoices):
    STAFF = "staff", _("Staff member")
    LEARNER = "learner", _("Adult learner")
    ACCOMPANYING = "accompanying", _("Accompanying person")


class Plan(TypedDict, total=False):
    """What a mobility and a group activity both plan: the activity, the host, the journey, its dates and topic."""

    activity_type: str
    receiving_name: str
    receiving_oid: str
    receiving_country: str
    receiving_city: str
    origin: str
    venue: str
    ec_distance_km: int | None
    start_date: datetime.date
    end_date: datetime.date
    travel_days: int
    green_travel: bool
    topic: str


class MobilityPlan(Plan, total=False):
    """The fields a person fills in when planning a mobility: the common plan, the participant's kind, a course's
    days, what they will learn and their follow-up."""

    participant_kind: str
    course_days: int
    learning_objectives: str
    followup_plan: str
    followup_audience: str
    followup_colleagues: int | None
    followup_due: datetime.date | None


def in_model_order(model: type[models.Model], plan: type) -> tuple[str, ...]:
    """A plan's fields in the order the model declares them, which is the order of the forms."""
    return tuple(field.name for field in model._meta.fields if field.name in plan.__annotations__)


class Mobility(models.Model):
    """One participant's activity abroad: who, where, when, why, what they will teach afterwards, and its grant.

    Several mobilities to the same host on the same dates form a joint study trip (``trip``).
    """

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="mobilities")
    trip = models.ForeignKey(
        "JointTrip",
        verbose_name=_("joint study trip"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mobilities",
    )
    sending_organisation = models.ForeignKey(
        "consortium.Organisation", verbose_name=_("sending member"), on_delete=models.PROTECT, related_name="mobilities"
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="mobilities"
    )
    participant_kind = models.CharField(
        _("participant is"), max_length=20, choices=ParticipantKind.choices, default=ParticipantKind.STAFF
    )
    activity_type = models.CharField(_("activity type"), max_length=40)
    receiving_name = models.CharField(_("receiving organisation"), max_length=300)
    receiving_oid = models.CharField(_("receiving organisation's OID"), max_length=9, blank=True)
    receiving_country = CountryField(_("receiving country"))
    receiving_city = models.CharField(_("receiving city"), max_length=100)
    origin = models.CharField(_("travelling from"), max_length=40, help_text=_("A place chosen from the search."))
    venue = models.CharField(_("venue"), max_length=40, help_text=_("A place chosen from the search."))
    ec_distance_km = models.PositiveIntegerField(_("distance from the EC calculator, km"), null=True, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    travel_days = models.PositiveSmallIntegerField(_("travel days"), default=2)
    green_travel = models.BooleanField(_("green travel"), default=False)
    course_days = models.PositiveSmallIntegerField(_("course days"), default=0)
    fewer_opportunities = models.BooleanField(_("fewer opportunities"), default=False)
    zero_grant = models.BooleanField(_("zero grant"), default=False)
    goals = models.ManyToManyField("consortium.Goal", verbose_name=_("goals served"), related_name="mobilities")
    topic = models.CharField(_("topic"), max_length=300)
    learning_objectives = models.TextField(_("learning objectives"), max_length=LONG_TEXT_MAX)
    followup_plan = models.TextField(
        _("what the participant will teach afterwards"),
        max_length=LONG_TEXT_MAX,
        blank=True,
        help_text=_("The workshop, seminar, course or programme the participant will lead after the mobility."),
    )
    followup_audience = models.CharField(_("for whom"), max_length=300, blank=True)
    followup_colleagues = models.PositiveIntegerField(
        _("colleagues to reach"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    followup_due = models.DateField(_("follow-up by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MobilityStatus.choices, default=MobilityStatus.DRAFT)
    cancellation_reason = models.TextField(_("reason for cancellation"), max_length=LONG_TEXT_MAX, blank=True)
    force_majeure = models.BooleanField(_("force majeure"), default=False)
    grant_total = models.DecimalField(_("grant, EUR"), max_digits=10, decimal_places=2, null=True, blank=True)
    grant_breakdown = models.JSONField(_("grant breakdown"), null=True, blank=True)
    grant_frozen_at = models.DateTimeField(_("grant frozen at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[goals], excluded_fields=["version"])

    class Meta:
        verbose_name = _("mobility")
        verbose_name_plural = _("mobilities")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="mobility_ends_after_start"),
        ]
        indexes = [
            # A project's mobilities by start date, a page at a time (the API's keyset pagination), how many there
            # are of a status (a page's count), and those under way in a month (the calendar: started by its last
            # day, ended by its first), read from the index alone on PostgreSQL.
            models.Index(
                fields=["project", "start_date", "id"],
                include=["status", "end_date"],
                name="mobility_project_start_id",
            ),
            # The confirmed mobilities by end date: those that have ended get their report on the hourly run or
            # when their participant looks (tilts.reporting.services.open_ended_reports); they are few next to the
            # completed ones.
            models.Index(fields=["end_date"], condition=Q(status="confirmed"), name="mobility_confirmed_end"),
            # What waits for the coordinator, counted per project on every first visit of the dashboard after a
            # change: the mobilities of one status (submitted: to approve), and of one status ended before a day
            # (approved: to confirm). Without it each count read every mobility (93 ms at 100,000 for those to
            # confirm; 17 ms with it).
            models.Index(fields=["status", "end_date"], include=["project"], name="mobility_status_end"),
            # The mobilities that took place (completed, or confirmed and ended: tilts.followup.selectors.
            # counted_mobilities) of some projects, with what the reach figures count of them, read from the index
            # alone on PostgreSQL: with 100,000 mobilities the table outgrows the buffers, and each figure read it
            # again (EXPLAIN ANALYZE of the counted follow-ups: 133 ms on the table, 16-30 ms on this index).
            models.Index(
                fields=["project", "status", "end_date"],
                include=["id", "participant", "sending_organisation", "grant_total"],
                name="mobility_took_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.receiving_name} ({self.start_date:%Y-%m-%d})"

    @property
    def activity_type_label(self) -> str:
        activity = self.project.rate_table.table.activity_types.get(self.activity_type)
        return activity.label(get_language() or "lv") if activity else self.activity_type

    @property
    def activity_days(self) -> int:
        return (self.end_date - self.start_date).days + 1


# The fields a person fills in when planning a mobility, in the order of the form. A joint trip's participants
# share all of them but the participant kind and the place of departure.
PLAN_FIELDS = in_model_order(Mobility, MobilityPlan)
TRIP_FIELDS = tuple(name for name in PLAN_FIELDS if name not in ("participant_kind", "origin"))


class GrantRecalculation(models.Model):
    """A grant priced again when the grant rules changed: the grant before and after, for the coordinator to see.

    Only drafts and submitted mobilities are priced again; approved ones keep their frozen grant
    (docs/grant-rules.md, "When the rules change"). Where the new rules refuse the mobility's data, the grant is
    kept and ``problem`` says why.
    """

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="recalculations")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status then"), max_length=12, choices=MobilityStatus.choices)
    before = models.DecimalField(_("grant before, EUR"), max_digits=10, decimal_places=2, null=True, blank=True)
    after = models.DecimalField(_("grant after, EUR"), max_digits=10, decimal_places=2, null=True, blank=True)
    problem = models.TextField(_("problem"), max_length=LONG_TEXT_MAX, blank=True)
    created_at = models.DateTimeField(_("recalculated"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant recalculation")
        verbose_name_plural = _("grant recalculations")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.mobility_id}: {self.before} → {self.after}"

    @property
    def difference(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


class JointTrip(models.Model):
    """A study trip of participants from several members to one host on the same dates, managed as one."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="trips")
    title = models.CharField(_("title"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("group leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("joint study trip")
        verbose_name_plural = _("joint study trips")

    def __str__(self) -> str:
        return self.title


def _new_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret address of an iCal feed: a project's, a member's or one participant's mobilities.

    Calendar programs cannot log in, so the token is the key; it is checked against its owner's current
    access every time, and the owner can replace it.
    """

    token = models.CharField(max_length=64, unique=True, default=_new_token)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey("consortium.Organisation", on_delete=models.CASCADE, null=True, blank=True)
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(project__isnull=False, organisation__isnull=True, participant__isnull=True)
                    | Q(project__isnull=True, organisation__isnull=False, participant__isnull=True)
                    | Q(project__isnull=True, organisation__isnull=True, participant__isnull=False)
                ),
                name="calendar_feed_has_one_scope",
            )
        ]

    def __str__(self) -> str:
        scope = self.project or self.organisation or self.participant
        return f"{self.owner}: {scope}"


class MobilityCost(models.Model):
    """A mobility's grant in one budget category, kept beside the JSON breakdowns so that budgets sum in SQL.

    ``amount`` is the planned grant (the mobility's breakdown); ``final_amount`` the final grant of an accepted
    report, when there is one. Written by :func:`tilts.mobility.costs.store` whenever either breakdown changes.
    """

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="costs")
    category = models.CharField(_("category"), max_length=30)
    amount = models.DecimalField(_("grant, EUR"), max_digits=10, decimal_places=2, default=0)
    final_amount = models.DecimalField(_("final grant, EUR"), max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("mobility cost")
        verbose_name_plural = _("mobility costs")
        constraints = [models.UniqueConstraint(fields=["mobility", "category"], name="mobility_cost_once_per_category")]

    def __str__(self) -> str:
        return f"{self.mobility_id}: {self.category} {self.amount}"


class GroupActivity(models.Model):
    """A group mobility of adult learners: one trip of a group of learners from one member, accompanied throughout
    by its staff, of whom one leads (docs/grant-rules.md, "Group activities").

    The Beneficiary Module records it as one group activity (the group, its learners, its accompanying persons,
    only the lead one named), so Tilts holds it as one: counts of learners and accompanying persons, the lead
    accompanying person as a person, and the group's grant priced by the rules engine and frozen on approval,
    like a mobility's. It follows the mobilities' workflow; approved or later ones are exported.
    """

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="group_activities")
    sending_organisation = models.ForeignKey(
        "consortium.Organisation",
        verbose_name=_("sending member"),
        on_delete=models.PROTECT,
        related_name="group_activities",
    )
    title = models.CharField(_("group"), max_length=300, help_text=_("A name for the group, e.g. its course."))
    activity_type = models.CharField(_("activity type"), max_length=40)
    receiving_name = models.CharField(_("receiving organisation"), max_length=300)
    receiving_oid = models.CharField(_("receiving organisation's OID"), max_length=9, blank=True)
    receiving_country = CountryField(_("receiving country"))
    receiving_city = models.CharField(_("receiving city"), max_length=100)
    origin = models.CharField(_("travelling from"), max_length=40, help_text=_("A place chosen from the search."))
    venue = models.CharField(_("venue"), max_length=40, help_text=_("A place chosen from the search."))
    ec_distance_km = models.PositiveIntegerField(_("distance from the EC calculator, km"), null=True, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    travel_days = models.PositiveSmallIntegerField(_("travel days"), default=2)
    means_of_transport = models.CharField(_("main means of transport"), max_length=20, blank=True)
    green_travel = models.BooleanField(_("green travel"), default=False)
    learners = models.PositiveSmallIntegerField(_("adult learners"), validators=[MinValueValidator(2)])
    learners_fewer_opportunities = models.PositiveSmallIntegerField(_("of them with fewer opportunities"), default=0)
    accompanying_persons = models.PositiveSmallIntegerField(
        _("accompanying persons"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Staff of the sending member who accompany the group, the lead one included."),
    )
    lead_accompanying_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead accompanying person"),
        on_delete=models.PROTECT,
        related_name="led_group_activities",
    )
    learner_daily_rate = models.DecimalField(
        _("learners' daily rate, EUR"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("From the grant agreement, where the project's rate table has no rate for adult learners."),
    )
    topic = models.CharField(_("topic"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=MobilityStatus.choices, default=MobilityStatus.DRAFT)
    cancellation_reason = models.TextField(_("reason for cancellation"), max_length=LONG_TEXT_MAX, blank=True)
    force_majeure = models.BooleanField(_("force majeure"), default=False)
    grant_total = models.DecimalField(_("grant, EUR"), max_digits=10, decimal_places=2, null=True, blank=True)
    grant_breakdown = models.JSONField(_("grant breakdown"), null=True, blank=True)
    grant_frozen_at = models.DateTimeField(_("grant frozen at"), null=True, blank=True)
    # The Beneficiary Module's activity ID: given once, on the first export check after approval, never again
    # (groups are cancelled, never deleted, so a number cannot come back).
    module_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    activity_id = models.CharField(_("Mobility activity ID"), max_length=30, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="group_activity_ends_after_start"),
            models.CheckConstraint(
                condition=Q(learners_fewer_opportunities__lte=F("learners")),
                name="group_activity_fewer_opportunities_within_learners",
            ),
            models.UniqueConstraint(
                fields=["project", "module_number"],
                condition=Q(module_number__isnull=False),
                name="group_activity_module_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.receiving_name} ({self.start_date:%Y-%m-%d})"

    @property
    def activity_type_label(self) -> str:
        activity = self.project.rate_table.table.activity_types.get(self.activity_type)
        return activity.label(get_language() or "lv") if activity else self.activity_type

    @property
    def activity_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def participants(self) -> int:
        return self.learners + self.accompanying_persons


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    INVALID = "invalid", _("Has problems")
    READY = "ready", _("Ready to import")
    IMPORTING = "importing", _("Being imported")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


def _import_path(job: "MobilityImport", filename: str) -> str:
    import secrets

    # A random part so that a file's name cannot be guessed even if the storage were ever exposed.
    return f"imports/{job.project_id}/{secrets.token_hex(8)}-{filename}"


class MobilityImport(models.Model):
    """A spreadsheet of planned mobilities brought by a consortium: checked, shown, then imported all at once.

    The file is private (only its uploader and the coordinator reach it, through the app). ``problems`` holds the
    check's findings by row and column, in ``language``; ``preview`` the first rows as they would be created.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="mobility_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=_import_path)
    file_name = models.CharField(_("file name"), max_length=200)
    language = models.CharField(_("language"), max_length=5, default="lv")
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    grant_total = models.DecimalField(_("grant, EUR"), max_digits=12, decimal_places=2, null=True, blank=True)
    created = models.PositiveIntegerField(_("mobilities created"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the check or the import was handed to the worker: one silent for too long was interrupted.
    working_since = models.DateTimeField(_("working since"), null=True, blank=True)

    class Meta:
        verbose_name = _("mobility import")
        verbose_name_plural = _("mobility imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.file_name} ({self.get_status_display()})"

    @property
    def is_working(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tilts.projects.validators import validate_grant_agreement_number


class Action(models.TextChoices):
    KA121 = "KA121-ADU", _("KA121-ADU: accredited project")
    KA122 = "KA122-ADU", _("KA122-ADU: short-term project")


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    APPLIED = "applied", _("Applied")
    AWARDED = "awarded", _("Awarded")
    CLOSED = "closed", _("Closed")


class BudgetCategory(models.TextChoices):
    """The cost categories of a KA1 grant agreement (docs/grant-rules.md, "Other cost categories")."""

    TRAVEL = "travel", _("Travel")
    INDIVIDUAL_SUPPORT = "individual_support", _("Individual support")
    ORGANISATIONAL_SUPPORT = "organisational_support", _("Organisational support")
    COURSE_FEES = "course_fees", _("Course fees")
    INCLUSION_SUPPORT = "inclusion_support", _("Inclusion support")
    EXCEPTIONAL_COSTS = "exceptional_costs", _("Exceptional costs")
    PREPARATORY_VISITS = "preparatory_visits", _("Preparatory visits")


class Project(models.Model):
    """One year's grant under the accreditation: one application, one grant agreement, its own rate table."""

    consortium = models.ForeignKey("consortium.Consortium", on_delete=models.PROTECT, related_name="projects")
    call_year = models.PositiveSmallIntegerField(_("call year"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.KA121)
    title = models.CharField(_("title"), max_length=200)
    grant_agreement_number = models.CharField(
        _("grant agreement number"),
        max_length=40,
        blank=True,
        validators=[validate_grant_agreement_number],
        help_text=_("Once the grant is awarded, e.g. 2025-1-LV01-KA121-ADU-000123456."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING)
    rate_table = models.ForeignKey(
        "grants.RateTable", verbose_name=_("rate table"), on_delete=models.PROTECT, related_name="projects"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-call_year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="project_ends_after_start"),
            models.UniqueConstraint(
                fields=["grant_agreement_number"],
                condition=~Q(grant_agreement_number=""),
                name="project_grant_agreement_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.grant_agreement_number or self.title


class AwardedBudget(models.Model):
    """The amount the grant agreement awards in one cost category."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="awarded")
    category = models.CharField(_("cost category"), max_length=30, choices=BudgetCategory.choices)
    amount = models.DecimalField(
        _("awarded, EUR"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("awarded budget")
        verbose_name_plural = _("awarded budget")
        constraints = [
            models.UniqueConstraint(fields=["project", "category"], name="awarded_budget_once_per_category"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="awarded_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_category_display()} {self.amount}"


class MemberPlan(models.Model):
    """How many mobilities of one activity type a member plans in a project, and its share of the budget."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="member_plans")
    organisation = models.ForeignKey(
        "consortium.Organisation", verbose_name=_("member"), on_delete=models.PROTECT, related_name="plans"
    )
    activity_type = models.CharField(_("activity type"), max_length=40)
    planned_mobilities = models.PositiveSmallIntegerField(_("planned mobilities"))
    budget_share = models.DecimalField(
        _("budget share, EUR"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member plan")
        verbose_name_plural = _("member plans")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "activity_type"], name="member_plan_once_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.planned_mobilities} × {self.activity_type}"

    @property
    def activity_type_label(self) -> str:
        activity = self.project.rate_table.table.activity_types.get(self.activity_type)
        return activity.label(get_language() or "lv") if activity else self.activity_type

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from tilts.consortium.validators import validate_accreditation_number, validate_oid
from tilts.core.limits import LONG_TEXT_MAX


class Consortium(models.Model):
    """The accredited mobility consortium this installation runs (one per installation)."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    accreditation_number = models.CharField(
        _("accreditation number"), max_length=40, validators=[validate_accreditation_number]
    )
    accreditation_start = models.DateField(_("accreditation period starts"))
    accreditation_end = models.DateField(_("accreditation period ends"), null=True, blank=True)
    national_agency = models.CharField(_("national agency"), max_length=200)
    country = CountryField(_("country"), default="LV")
    coordinator = models.ForeignKey(
        "Organisation",
        verbose_name=_("coordinating organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_unit = models.CharField(_("contact unit"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phones = models.CharField(
        _("contact phones"), max_length=200, blank=True, help_text=_("Separate several numbers with commas.")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    about = models.TextField(_("about the consortium"), max_length=LONG_TEXT_MAX, blank=True)

    # History is registered in translation.py, after the per-language columns exist.

    class Meta:
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_list(self) -> list[str]:
        return [phone.strip() for phone in self.contact_phones.split(",") if phone.strip()]


class Goal(models.Model):
    """One of the consortium's development goals for the accreditation period."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=LONG_TEXT_MAX, blank=True)

    # History is registered in translation.py, after the per-language columns exist.

    class Meta:
        verbose_name = _("development goal")
        verbose_name_plural = _("development goals")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["consortium", "number"], name="goal_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {capfirst(self.title)}"


class OrganisationType(models.TextChoices):
    LIBRARY = "library", _("Library")
    MUSEUM = "museum", _("Museum")
    ARCHIVE = "archive", _("Archive")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A legal entity: the coordinator, a member institution, or an applicant once accepted."""

    legal_name = models.CharField(_("legal name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    registration_number = models.CharField(_("registration number"), max_length=30, unique=True)
    oid = models.CharField(
        _("organisation ID (OID)"), max_length=9, blank=True, validators=[validate_oid], db_index=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"), default="LV")
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(fields=["oid"], condition=~Q(oid=""), name="organisation_oid_unique"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.legal_name


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class Membership(models.Model):
    """An organisation's membership of the consortium. Leaving ends it; nothing is deleted."""

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.TextField(_("reason for leaving"), max_length=LONG_TEXT_MAX, blank=True)
    goals = models.ManyToManyField(Goal, verbose_name=_("shared goals"), blank=True, related_name="memberships")

    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"],
                condition=Q(status="active"),
                name="one_active_membership_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"


class JoinApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class JoinApplication(models.Model):
    """An institution's request to join the consortium, made on the public site."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="join_applications")
    legal_name = models.CharField(_("legal name"), max_length=300)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    registration_number = models.CharField(_("registration number"), max_length=30)
    oid = models.CharField(_("organisation ID (OID)"), max_length=9, blank=True, validators=[validate_oid])
    address = models.CharField(_("address"), max_length=300)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"), default="LV")
    website = models.URLField(_("website"), blank=True)
    goals = models.ManyToManyField(Goal, verbose_name=_("goals you share"), related_name="join_applications")
    motivation = models.TextField(_("motivation"), max_length=LONG_TEXT_MAX)
    planned_activities = models.TextField(_("planned educational activities"), max_length=LONG_TEXT_MAX)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_position = models.CharField(_("position"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, default="lv")

    status = models.CharField(
        _("status"), max_length=10, choices=JoinApplicationStatus.choices, default=JoinApplicationStatus.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), max_length=LONG_TEXT_MAX, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_applications",
    )

    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        verbose_name = _("application to join")
        verbose_name_plural = _("applications to join")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "registration_number"],
                condition=Q(status="pending"),
                name="one_pending_application_per_registration_number",
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

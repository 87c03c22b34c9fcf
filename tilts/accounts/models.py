from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """What a person may do in Tilts. Object-level rules live in :mod:`tilts.accounts.permissions`."""

    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER_CONTACT = "member_contact", _("Member contact")
    PARTICIPANT = "participant", _("Participant")
    EVALUATOR = "evaluator", _("Evaluator")
    AUDITOR = "auditor", _("Auditor")


class Gender(models.TextChoices):
    """The values the Beneficiary Module accepts."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNDISCLOSED = "undisclosed", _("Undisclosed")


# The languages a person receives e-mails in, each named in itself.
LANGUAGE_CHOICES = [("lv", "Latviešu"), ("en", "English")]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", Role.COORDINATOR)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person who logs in: identified by e-mail, with one role and (for most roles) an institution."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    organisation = models.ForeignKey(
        "consortium.Organisation",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("Where the person works. Member contacts and participants must have one."),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language for e-mails"), max_length=5, choices=LANGUAGE_CHOICES, default="lv")
    invited_by = models.ForeignKey(
        "self",
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    # What the Beneficiary Module asks about each participant; filled in by the participant or their contact.
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    nationality = CountryField(_("nationality"), blank=True)

    # When two-factor authentication becomes compulsory for this person (their role requires it): set at the
    # first login without it, ``MFA_GRACE_DAYS`` ahead. Until then a banner asks; afterwards only setup is open.
    mfa_required_from = models.DateTimeField(_("two-factor authentication required from"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "mfa_required_from"])

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["member_contact", "participant"]) | models.Q(organisation__isnull=False),
                name="user_with_institution_role_has_institution",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and (self.role == Role.COORDINATOR or self.is_superuser)

    @property
    def is_auditor(self) -> bool:
        return self.is_active and self.role == Role.AUDITOR

    @property
    def is_member_contact(self) -> bool:
        return self.is_active and self.role == Role.MEMBER_CONTACT

    @property
    def can_view_everything(self) -> bool:
        """Coordinators and auditors read the whole consortium; only coordinators change it."""
        return self.is_coordinator or self.is_auditor

    @property
    def has_accepted_invitation(self) -> bool:
        return self.has_usable_password()


class AccessRecord(models.Model):
    """One look at personal data: who opened or exported what, and when (the GDPR access log).

    Written by :class:`tilts.accounts.access_log.AccessLogMiddleware`; readable by the coordinator and the
    auditor; deleted after ``ACCESS_LOG_DAYS`` by the daily retention.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, verbose_name=_("who"), on_delete=models.SET_NULL, null=True, related_name="access_records"
    )
    action = models.CharField(_("what"), max_length=60)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("address"), max_length=300)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"

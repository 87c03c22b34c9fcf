import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tilts.core.limits import LONG_TEXT_MAX

if TYPE_CHECKING:
    from tilts.consortium.models import Organisation


class FollowUpType(models.TextChoices):
    """The educational activities through which a participant passes on what they learned ("train the trainers")."""

    WORKSHOP = "workshop", _("Thematic workshop")
    SEMINAR = "seminar", _("Seminar")
    COURSE_CONTENT = "course_content", _("Course content improvement")
    PROGRAMME = "programme", _("New education programme")
    PRESENTATION = "presentation", _("Presentation")
    PUBLICATION = "publication", _("Publication")


# What the public results page lists: the activities that train groups of colleagues.
TEACHING_TYPES = (FollowUpType.WORKSHOP, FollowUpType.SEMINAR, FollowUpType.COURSE_CONTENT, FollowUpType.PROGRAMME)


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DELIVERED = "delivered", _("Delivered")


def _private_path(folder: str, filename: str) -> str:
    """A random name under MEDIA_ROOT: the person's file name is kept in the database, never in the path."""
    return f"followup/{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


def attendance_list_path(instance: "FollowUp", filename: str) -> str:
    return _private_path("attendance", filename)


def materials_path(instance: "FollowUp", filename: str) -> str:
    return _private_path("materials", filename)


class FollowUp(models.Model):
    """An educational activity after one or more mobilities: who organised it, for how many colleagues, for which goals.

    It is how the consortium shows that what one person learned abroad reached many colleagues at home.
    """

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="followups")
    type = models.CharField(_("type"), max_length=20, choices=FollowUpType.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online = models.BooleanField(_("online"), default=False)
    online_link = models.URLField(_("link to the online event"), blank=True)
    mobilities = models.ManyToManyField(
        "mobility.Mobility",
        verbose_name=_("mobilities it draws on"),
        related_name="followups",
    )
    goals = models.ManyToManyField("consortium.Goal", verbose_name=_("goals served"), related_name="followups")
    organiser = models.ForeignKey(
        "consortium.Organisation",
        verbose_name=_("organising institution"),
        on_delete=models.PROTECT,
        related_name="organised_followups",
    )
    attendees = models.PositiveIntegerField(
        _("colleagues reached"), default=0, help_text=_("How many colleagues took part (or are expected to).")
    )
    attendee_organisations: "models.ManyToManyField[Organisation, Any]" = models.ManyToManyField(
        "consortium.Organisation",
        verbose_name=_("attendees' institutions"),
        blank=True,
        related_name="attended_followups",
    )
    other_attendee_institutions = models.TextField(
        _("other institutions"),
        max_length=LONG_TEXT_MAX,
        blank=True,
        help_text=_("Institutions outside the consortium, one per line."),
    )
    materials_file = models.FileField(_("materials (file)"), upload_to=materials_path, blank=True, max_length=200)
    materials_name = models.CharField(max_length=200, blank=True, editable=False)
    materials_link = models.URLField(_("materials (link)"), blank=True)
    attendance_list = models.FileField(_("attendance list"), upload_to=attendance_list_path, blank=True, max_length=200)
    attendance_list_name = models.CharField(max_length=200, blank=True, editable=False)
    no_attendance_list_reason = models.TextField(
        _("why there is no attendance list"),
        max_length=LONG_TEXT_MAX,
        blank=True,
        help_text=_("E.g. the list is kept on paper by the organiser, or the publication has readers, not attendees."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A delivered follow-up is public (the results page) only once the coordinator has approved it.
    approved_at = models.DateTimeField(_("approved for the results page at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[mobilities, goals, attendee_organisations], excluded_fields=["version"])

    class Meta:
        verbose_name = _("follow-up activity")
        verbose_name_plural = _("follow-up activities")
        ordering = ["-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="planned") | models.Q(attendees__gte=1),
                name="followup_delivered_reached_someone",
                violation_error_message=_("A delivered follow-up reached at least one colleague."),
            )
        ]

    def __str__(self) -> str:
        return self.title

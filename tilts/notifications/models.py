from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailKind(models.TextChoices):
    """The e-mails a person may turn off (account e-mails, decisions and reminders always go out)."""

    EVALUATOR_ASSIGNED = "evaluator_assigned", _("Applications assigned to me for evaluation")
    NEW_APPLICATION = "new_application", _("A new application to a call (coordinator)")
    MOBILITY_SUBMITTED = "mobility_submitted", _("A mobility submitted to the coordinator")
    MOBILITY_APPROVED = "mobility_approved", _("A mobility approved")
    AGREEMENT_READY = "agreement_ready", _("An agreement ready to sign")
    REPORT_SUBMITTED = "report_submitted", _("A participant report submitted (coordinator)")
    WEEKLY_DIGEST = "weekly_digest", _("A weekly summary of what waits for me (coordinator, member contact)")


class EmailPreference(models.Model):
    """The e-mails one person has turned off; without a row, they get all of them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    muted = models.JSONField(_("e-mails turned off"), default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.muted) or '-'}"


class DigestSent(models.Model):
    """One row per person and week, so the weekly digest goes out once however often the job runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the week.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digest_once_a_week")]

    def __str__(self) -> str:
        return f"{self.user}: {self.week:%Y-%m-%d}"

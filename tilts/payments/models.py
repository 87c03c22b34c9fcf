from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class PaymentKind(models.TextChoices):
    """The two instalments of the grant agreement's payment schedule."""

    PREFINANCING = "prefinancing", _("Pre-financing")
    BALANCE = "balance", _("Balance")


class PaidTo(models.TextChoices):
    """The consortium pays the participant, or the sending member, which then pays its staff."""

    PARTICIPANT = "participant", pgettext_lazy("paid to", "The participant")
    MEMBER = "member", pgettext_lazy("paid to", "The sending member")


class Payment(models.Model):
    """One instalment the coordinator has paid for a mobility. What is due is worked out from the grant agreement
    and the accepted report (see selectors.schedule); what was paid, when and to whom is recorded here."""

    mobility = models.ForeignKey("mobility.Mobility", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("instalment"), max_length=12, choices=PaymentKind.choices)
    amount = models.DecimalField(_("amount paid, EUR"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    paid_to = models.CharField(_("paid to"), max_length=12, choices=PaidTo.choices, default=PaidTo.PARTICIPANT)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["mobility", "kind"]
        constraints = [models.UniqueConstraint(fields=["mobility", "kind"], name="payment_one_per_instalment")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} EUR ({self.paid_on:%Y-%m-%d})"

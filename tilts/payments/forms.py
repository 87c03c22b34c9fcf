from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tilts.payments.models import PaidTo

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentForm(forms.Form):
    """The pre-financing or the balance as paid. Amounts in the page's language: ``2774,40`` in Latvian."""

    amount = forms.DecimalField(
        label=_("Amount paid, EUR"),
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    paid_to = forms.ChoiceField(label=_("Paid to"), choices=PaidTo.choices, initial=PaidTo.PARTICIPANT)
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        """``recovery``: the balance is paid back (selectors.Instalment.recovery): the amount is entered as received,
        more than zero, and recorded as a negative balance."""
        super().__init__(*args, **kwargs)
        self.recovery = recovery
        if recovery:
            self.fields["amount"].label = _("Amount paid back, EUR")
            self.fields["paid_on"].label = _("Paid back on")
            self.fields["paid_to"].label = _("Paid back by")

    def signed_amount(self) -> Decimal:
        """The amount as recorded: negative for a recovery."""
        amount: Decimal = self.cleaned_data["amount"]
        return -amount if self.recovery else amount

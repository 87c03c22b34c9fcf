"""Recording the payments of a mobility's grant. Only the coordinator pays; every change is in the history."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tilts.accounts.models import User
from tilts.core.history import records_by
from tilts.core.locking import claim_version
from tilts.mobility.models import Mobility
from tilts.payments import selectors
from tilts.payments.models import PaidTo, Payment, PaymentKind


@transaction.atomic
@records_by
def record_payment(
    mobility: Mobility,
    *,
    kind: str,
    amount: Decimal,
    paid_on: datetime.date,
    by: User,
    paid_to: str = PaidTo.PARTICIPANT,
    reference: str = "",
    version: int | None = None,
) -> Payment:
    """Record (or correct) the pre-financing or the balance paid for a mobility.

    The pre-financing needs a grant agreement in force, the balance the accepted participant report (it settles
    the final grant). The amount may differ from what is due (the page shows the difference); it cannot be zero,
    nor paid in the future. It is more than zero, except for a recovery: a balance below zero (the final grant is
    less than the pre-financing), recorded as the negative of what was paid back, and then only so. ``version`` is
    the payment's version the client read, when correcting one.
    """
    mobility = Mobility.objects.select_for_update().get(pk=mobility.pk)
    if not selectors.can_record(by, mobility):
        raise ValidationError(
            _("Only the coordinator records payments, for approved mobilities that are not cancelled.")
        )
    errors: dict[str, str] = {}
    if kind not in PaymentKind.values:
        errors["kind"] = _("Choose the pre-financing or the balance.")
    if paid_to not in PaidTo.values:
        errors["paid_to"] = _("Choose whom the payment went to.")
    instalment = {item.kind: item for item in selectors.schedule(mobility)}.get(kind)
    if amount is None:
        errors["amount"] = _("Enter the amount paid, more than zero.")
    elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors["amount"] = _("Amounts have at most two decimals (cents).")
    elif instalment is not None and instalment.recovery and amount >= 0:
        errors["amount"] = _(
            "The final grant is less than the pre-financing: record the amount paid back as a negative balance."
        )
    elif (instalment is None or not instalment.recovery) and amount <= 0:
        errors["amount"] = _("Enter the amount paid, more than zero.")
    if paid_on is None:
        errors["paid_on"] = _("Enter the date of the payment.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("A payment cannot be recorded before it is made.")
    if not errors and instalment is not None and instalment.due is None and instalment.payment is None:
        errors["kind"] = _("Nothing is due yet: it waits for %(what)s.") % {"what": instalment.waiting_for}
    if errors:
        raise ValidationError(errors)
    payment = Payment.objects.filter(mobility=mobility, kind=kind).first()
    if payment is None:
        payment = Payment(mobility=mobility, kind=kind)
    else:
        claim_version(payment, payment.version if version is None else version)
    payment.amount = amount
    payment.paid_on = paid_on
    payment.paid_to = paid_to
    payment.reference = reference.strip()
    payment.recorded_by = by
    payment.save()
    return payment

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
    the final grant). The amount may differ from what is due (the page shows the difference); it cannot be zero or
    negative, nor paid in the future. ``version`` is the payment's version the client read, when correcting one.
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
    if amount is None or amount <= 0:
        errors["amount"] = _("Enter the amount paid, more than zero.")
    elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors["amount"] = _("Amounts have at most two decimals (cents).")
    if paid_on is None:
        errors["paid_on"] = _("Enter the date of the payment.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("A payment cannot be recorded before it is made.")
    if not errors:
        instalment = {item.kind: item for item in selectors.schedule(mobility)}[kind]
        if instalment.due is None and instalment.payment is None:
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

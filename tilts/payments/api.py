"""Payments over JSON: a mobility's amounts and schedule, recording an instalment, a project's totals per member."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import django_auth

from tilts.accounts.permissions import current_user
from tilts.core.api import ObjectId
from tilts.mobility.models import Mobility
from tilts.payments import selectors, services
from tilts.payments.models import PaidTo, PaymentKind
from tilts.projects.selectors import access_project

router = Router(tags=["payments"], auth=django_auth)


class InstalmentOut(Schema):
    kind: str
    label: str
    due: Decimal | None
    due_on: datetime.date | None
    waiting_for: str
    recovery: bool = Field(
        description="A balance below zero: the final grant is less than the pre-financing, the difference is paid "
        "back and recorded as a negative balance."
    )
    paid: Decimal | None
    paid_on: datetime.date | None
    paid_to: str | None
    reference: str
    version: int | None


class MobilityPaymentsOut(Schema):
    mobility_id: int
    agreed: Decimal | None = Field(description="The grant agreement in force's total; before one, the grant.")
    agreed_is_planned: bool = Field(description="True while the grant is still planned (not yet approved).")
    final: Decimal | None = Field(description="The accepted participant report's final grant.")
    paid: Decimal
    instalments: list[InstalmentOut]


class PaymentIn(Schema):
    amount: Decimal = Field(
        max_digits=10,
        decimal_places=2,
        description="More than zero; for a recovery (the instalment's `recovery`), the negative of what was paid back.",
    )
    paid_on: datetime.date
    paid_to: PaidTo = PaidTo.PARTICIPANT
    reference: str = Field("", max_length=100)
    version: int | None = Field(None, description="The payment's version you read, when correcting one.")


class MemberPaymentsOut(Schema):
    organisation_id: int
    name: str
    mobilities: int
    agreed: Decimal
    final: Decimal
    paid: Decimal
    paid_to_member: Decimal


def _out(mobility: Mobility) -> MobilityPaymentsOut:
    figures = selectors.amounts(mobility)
    instalments = []
    for item in selectors.schedule(mobility):
        payment = item.payment
        instalments.append(
            InstalmentOut(
                kind=item.kind,
                label=item.label,
                due=item.due,
                due_on=item.due_on,
                waiting_for=item.waiting_for,
                recovery=item.recovery,
                paid=payment.amount if payment else None,
                paid_on=payment.paid_on if payment else None,
                paid_to=payment.paid_to if payment else None,
                reference=payment.reference if payment else "",
                version=payment.version if payment else None,
            )
        )
    return MobilityPaymentsOut(
        mobility_id=mobility.pk,
        agreed=figures.agreed,
        agreed_is_planned=figures.agreed_is_planned,
        final=figures.final,
        paid=figures.paid,
        instalments=instalments,
    )


def _mobility(request: HttpRequest, pk: int, *, for_write: bool = False) -> Mobility:
    return selectors.access_payments(current_user(request), pk, for_write=for_write)


@router.get("/mobilities/{pk}/payments", response=MobilityPaymentsOut)
def mobility_payments(request: HttpRequest, pk: ObjectId) -> MobilityPaymentsOut:
    """Agreed, final and paid, and the pre-financing and balance: due (amount, date) and paid."""
    return _out(_mobility(request, pk))


@router.put("/mobilities/{pk}/payments/{kind}", response=MobilityPaymentsOut)
def record_payment(request: HttpRequest, pk: ObjectId, kind: PaymentKind, payload: PaymentIn) -> MobilityPaymentsOut:
    """The coordinator records (or corrects, with ``version``) the pre-financing or the balance paid."""
    user = current_user(request)
    mobility = _mobility(request, pk, for_write=True)
    services.record_payment(
        mobility,
        kind=kind,
        amount=payload.amount,
        paid_on=payload.paid_on,
        paid_to=payload.paid_to,
        reference=payload.reference,
        version=payload.version,
        by=user,
    )
    return _out(_mobility(request, pk))


@router.get("/projects/{pk}/payments", response=list[MemberPaymentsOut])
def project_payments(request: HttpRequest, pk: ObjectId) -> list[selectors.MemberPayments]:
    """Totals per sending member (as the consortium pays per member), within the caller's reach."""
    user = current_user(request)
    project = access_project(user, pk)
    mobilities = selectors.with_amounts(selectors.project_mobilities(user, project)).prefetch_related("payments")
    return selectors.by_member(mobilities)

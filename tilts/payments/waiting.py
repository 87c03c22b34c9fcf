"""What waits on payments: pre-financing and balances to pay, amounts to be paid back, for the coordinator (see
tilts.core.waiting)."""

import datetime
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import ngettext

from tilts.accounts.models import User
from tilts.core.waiting import Audience, WaitingItem, per_project, source
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.payments.models import Payment, PaymentKind
from tilts.reporting.models import ReportStatus
from tilts.selection.models import AgreementKind, AgreementStatus


@source(Audience.COORDINATOR, 60)
def payments_due(user: User, today: datetime.date) -> list[WaitingItem]:
    """Pre-financing of signed grant agreements, and balances of accepted reports (amounts to be paid back when
    below zero), not yet recorded."""

    def unpaid(kind: str) -> Any:
        return Mobility.objects.exclude(status=MobilityStatus.CANCELLED).exclude(
            pk__in=Payment.objects.filter(kind=kind).values("mobility_id")
        )

    signed = unpaid(PaymentKind.PREFINANCING).filter(
        agreements__kind=AgreementKind.GRANT, agreements__status=AgreementStatus.SIGNED
    )
    # A balance below zero is a recovery (the final grant is less than the pre-financing paid): it is collected,
    # not paid. A pre-financing not recorded yet is waited for first, so its balance counts as one to pay.
    prefinanced = Payment.objects.filter(mobility=OuterRef("pk"), kind=PaymentKind.PREFINANCING).values("amount")[:1]
    accepted = (
        unpaid(PaymentKind.BALANCE)
        .filter(report__status=ReportStatus.ACCEPTED)
        .annotate(prefinanced=Subquery(prefinanced))
    )
    # Both counted in one grouped query (each a join of every accepted report's mobility).
    back = Q(report__final_grant_total__lt=F("prefinanced"))  # unknown (NULL) on either side: a balance to pay
    grouped = list(
        accepted.values("project_id", "project__title")
        .annotate(total=Count("pk"), back=Count("pk", filter=back))
        .order_by("project_id")
    )
    balances = [{**row, "n": row["total"] - row["back"]} for row in grouped if row["total"] > row["back"]]
    recoveries = [{**row, "n": row["back"]} for row in grouped if row["back"]]
    # A mobility has several grant agreements (its versions), so the pre-financings count each mobility once.
    signed_rows = signed.values("project_id", "project__title").annotate(n=Count("pk", distinct=True))
    items: list[WaitingItem] = []
    for rows, text in (
        (
            list(signed_rows.order_by("project_id")),
            lambda n, project: (
                ngettext("%(project)s: %(n)d pre-financing to pay", "%(project)s: %(n)d pre-financings to pay", n)
                % {"n": n, "project": project}
            ),
        ),
        (
            balances,
            lambda n, project: (
                ngettext("%(project)s: %(n)d balance to pay", "%(project)s: %(n)d balances to pay", n)
                % {"n": n, "project": project}
            ),
        ),
        (
            recoveries,
            lambda n, project: (
                ngettext("%(project)s: %(n)d amount to be paid back", "%(project)s: %(n)d amounts to be paid back", n)
                % {"n": n, "project": project}
            ),
        ),
    ):
        items += per_project(rows, text, "payments:project", "", "payments_due")
    return items

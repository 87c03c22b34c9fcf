"""Reads of payments and the one rule for a mobility's amounts: agreed, final and paid.

- **Agreed**: the total of the grant agreement in force (frozen when it was issued); before an agreement, the
  grant fixed at approval; before approval, the planned grant (``agreed_is_planned``).
- **Final**: the final grant of the accepted participant report; none before.
- **Paid**: what the coordinator has recorded as paid (pre-financing plus balance). A final grant below the
  pre-financing makes the balance negative: the participant (or member) pays the difference back, and the
  coordinator records what was received as a negative balance (a recovery), so paid is still the net amount.

Every page, export and API answer that shows an amount of a mobility uses :func:`amounts`, and labels it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import pgettext_lazy
from django_countries import countries

from tilts.accounts.models import User
from tilts.core.access import access
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.payments.models import Payment, PaymentKind
from tilts.projects.models import Project
from tilts.reporting.models import ParticipantReport, ReportStatus
from tilts.selection.models import Agreement, AgreementKind, AgreementStatus

ZERO = Decimal("0.00")
# The grant agreement's payment schedule (selection/templates/selection/pdf/grant_agreement.html says the same).
PREFINANCING_DAYS_AFTER_SIGNING = 30
BALANCE_DAYS_AFTER_REPORT = 45


@dataclass(frozen=True)
class Amounts:
    agreed: Decimal | None
    agreed_is_planned: bool
    final: Decimal | None
    paid: Decimal

    @property
    def outstanding(self) -> Decimal | None:
        """What is still to pay: the final grant (else the agreed) less what was paid; negative is an overpayment."""
        basis = self.final if self.final is not None else self.agreed
        return None if basis is None else basis - self.paid


def with_amounts(mobilities: QuerySet[Mobility]) -> QuerySet[Mobility]:
    """The mobilities with what :func:`amounts` reads, in three queries for the whole list."""
    in_force = Agreement.objects.filter(kind=AgreementKind.GRANT).exclude(status=AgreementStatus.SUPERSEDED)
    paid = (
        Payment.objects.filter(mobility=OuterRef("pk")).values("mobility").annotate(total=Sum("amount")).values("total")
    )
    return (
        mobilities.select_related("report")
        .prefetch_related(Prefetch("agreements", queryset=in_force, to_attr="grant_agreements_in_force"))
        .annotate(paid_total=Coalesce(Subquery(paid), Value(ZERO), output_field=DecimalField()))
    )


def _agreement_in_force(mobility: Mobility) -> Agreement | None:
    agreements = getattr(mobility, "grant_agreements_in_force", None)
    if agreements is None:
        agreements = list(
            mobility.agreements.filter(kind=AgreementKind.GRANT).exclude(status=AgreementStatus.SUPERSEDED)
        )
    return max(agreements, key=lambda agreement: agreement.number, default=None)


def _report(mobility: Mobility) -> ParticipantReport | None:
    try:
        report: ParticipantReport = mobility.report
    except ParticipantReport.DoesNotExist:
        return None
    return report


def _payments(mobility: Mobility) -> list[Payment]:
    """The mobility's payments (prefetched by the lists: ``prefetch_related("payments")``)."""
    return list(mobility.payments.all())


def amounts(mobility: Mobility) -> Amounts:
    """Agreed, final and paid for one mobility (see the module's docstring)."""
    agreement = _agreement_in_force(mobility)
    if agreement is not None:
        agreed: Decimal | None = Decimal(agreement.snapshot["grant"]["total"])
        planned = False
    else:
        agreed = mobility.grant_total
        planned = mobility.grant_frozen_at is None
    report = _report(mobility)
    final = report.final_grant_total if report is not None and report.status == ReportStatus.ACCEPTED else None
    paid = getattr(mobility, "paid_total", None)
    if paid is None:
        paid = Payment.objects.filter(mobility=mobility).aggregate(total=Sum("amount"))["total"] or ZERO
    return Amounts(agreed, planned, final, Decimal(paid).quantize(ZERO))


@dataclass(frozen=True)
class Instalment:
    """One line of a mobility's payment schedule: what is due and when (None until known), and the payment."""

    kind: str
    label: str
    due: Decimal | None
    due_on: datetime.date | None
    payment: Payment | None
    # Why nothing is due yet, when nothing is.
    waiting_for: str = ""

    @property
    def difference(self) -> Decimal | None:
        if self.payment is None or self.due is None:
            return None
        return self.payment.amount - self.due

    @property
    def recovery(self) -> bool:
        """A balance below zero: the final grant is less than the pre-financing, and the difference is paid back to
        the consortium (recorded as a negative balance, so that what was paid always sums to the final grant)."""
        amount = self.due if self.due is not None else (self.payment.amount if self.payment is not None else None)
        return self.kind == PaymentKind.BALANCE and amount is not None and amount < 0

    @property
    def paid_back(self) -> Decimal | None:
        """What was recorded as paid back (more than zero), for a recovery."""
        return -self.payment.amount if self.recovery and self.payment is not None else None

    @property
    def to_recover(self) -> Decimal | None:
        """What is to be paid back (more than zero), for a recovery whose amount is known."""
        return -self.due if self.recovery and self.due is not None else None


def prefinancing_due(agreement: Agreement) -> Decimal:
    """The agreement's percentage of its total, rounded half up, as its PDF prints it."""
    from tilts.selection.services import payment_schedule

    return dict(payment_schedule(agreement))["prefinancing"]


KIND_LABELS = dict(PaymentKind.choices)  # lazy: translated when a schedule is made
# The balance when it is below zero (Instalment.recovery).
RECOVERY_LABEL = pgettext_lazy("instalment", "Recovery (paid back)")


def schedule(mobility: Mobility) -> list[Instalment]:
    """The pre-financing (the agreement's percentage of its total, within 30 days of signing) and the balance
    (the final grant less the pre-financing paid, within 45 days of the report's acceptance)."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    payments = {payment.kind: payment for payment in _payments(mobility)}
    agreement = _agreement_in_force(mobility)
    report = _report(mobility)
    labels = KIND_LABELS
    if agreement is None:
        first = Instalment(
            PaymentKind.PREFINANCING,
            str(labels[PaymentKind.PREFINANCING]),
            None,
            None,
            payments.get(PaymentKind.PREFINANCING),
            _("a grant agreement"),
        )
    else:
        signed = agreement.signed_uploaded_at
        first = Instalment(
            PaymentKind.PREFINANCING,
            str(labels[PaymentKind.PREFINANCING]),
            prefinancing_due(agreement),
            timezone.localdate(signed) + datetime.timedelta(days=PREFINANCING_DAYS_AFTER_SIGNING) if signed else None,
            payments.get(PaymentKind.PREFINANCING),
            "" if signed else _("the signed agreement"),
        )
    if (
        report is not None
        and report.status == ReportStatus.ACCEPTED
        and report.final_grant_total is not None
        and report.accepted_at is not None
    ):
        already = first.payment.amount if first.payment is not None else first.due or ZERO
        balance = report.final_grant_total - already
        second = Instalment(
            PaymentKind.BALANCE,
            str(RECOVERY_LABEL if balance < 0 else labels[PaymentKind.BALANCE]),
            balance,
            timezone.localdate(report.accepted_at) + datetime.timedelta(days=BALANCE_DAYS_AFTER_REPORT),
            payments.get(PaymentKind.BALANCE),
        )
    else:
        second = Instalment(
            PaymentKind.BALANCE,
            str(labels[PaymentKind.BALANCE]),
            None,
            None,
            payments.get(PaymentKind.BALANCE),
            _("the accepted participant report"),
        )
    return [first, second]


def can_record(user: User, mobility: Mobility) -> bool:
    """Only the coordinator pays, and not for drafts or cancelled mobilities."""
    return user.is_coordinator and mobility.status not in (MobilityStatus.DRAFT, MobilityStatus.CANCELLED)


def access_payments(user: User, mobility_id: int, *, for_write: bool = False) -> Mobility:
    """A mobility's payments, with its amounts, for whoever sees the mobility (404 otherwise); ``for_write``:
    only the coordinator records payments (403)."""
    from tilts.mobility.selectors import mobilities_for

    return access(
        with_amounts(mobilities_for(user)), mobility_id, for_write=for_write, may_change=lambda _: user.is_coordinator
    )


def payments_for(user: User) -> QuerySet[Payment]:
    """Coordinators and auditors see every payment, a member contact their institution's, a participant their own."""
    from tilts.mobility.selectors import mobilities_for

    return Payment.objects.filter(mobility__in=mobilities_for(user)).select_related(
        "mobility__participant", "mobility__sending_organisation"
    )


@dataclass
class MemberPayments:
    """The consortium's payments grouped by the sending member, as it pays per member."""

    organisation_id: int
    name: str
    mobilities: int
    agreed: Decimal
    final: Decimal
    paid: Decimal
    paid_to_member: Decimal


def project_mobilities(user: User, project: Project) -> QuerySet[Mobility]:
    """The project's mobilities the user may see that have something to pay: approved and later, not cancelled."""
    from tilts.mobility.selectors import mobilities_for

    return (
        mobilities_for(user)
        .filter(project=project)
        .exclude(status__in=(MobilityStatus.DRAFT, MobilityStatus.SUBMITTED, MobilityStatus.CANCELLED))
    )


def by_member(mobilities: Iterable[Mobility]) -> list[MemberPayments]:
    """Totals per sending member (``mobilities`` from :func:`with_amounts`, with their payments prefetched)."""
    from tilts.core.collation import latvian_sort_key
    from tilts.payments.models import PaidTo

    members: dict[int, MemberPayments] = {}
    for mobility in mobilities:
        figures = amounts(mobility)
        entry = members.setdefault(
            mobility.sending_organisation_id,
            MemberPayments(
                mobility.sending_organisation_id, mobility.sending_organisation.legal_name, 0, ZERO, ZERO, ZERO, ZERO
            ),
        )
        entry.mobilities += 1
        entry.agreed += figures.agreed or ZERO
        entry.final += figures.final or ZERO
        entry.paid += figures.paid
        entry.paid_to_member += sum((p.amount for p in _payments(mobility) if p.paid_to == PaidTo.MEMBER), ZERO)
    return sorted(members.values(), key=lambda entry: latvian_sort_key(entry.name))


def total_of(members: list[MemberPayments]) -> MemberPayments:
    return MemberPayments(
        0,
        "",
        sum(m.mobilities for m in members),
        sum((m.agreed for m in members), ZERO),
        sum((m.final for m in members), ZERO),
        sum((m.paid for m in members), ZERO),
        sum((m.paid_to_member for m in members), ZERO),
    )


def history(mobility: Mobility) -> list[Any]:
    """Every recorded or corrected payment of the mobility, newest first (the last 20)."""
    return list(
        Payment.history.filter(mobility_id=mobility.pk).select_related("history_user").order_by("-history_date")[:20]
    )


# Number formats of :func:`export_rows`' columns (tilts.exports.workbook's names).
EXPORT_FORMATS = (
    *("text", "text", "text", "text", "money", "money", "money"),
    *("money", "date", "money", "date", "text") * 2,
)


def export_rows(mobilities: Iterable[Mobility]) -> tuple[list[str], list[list[Any]]]:
    """Headers (in the current language) and rows: one per mobility, in the order given (by member), then a
    subtotal row per member and the total, so a consortium that pays per member sees what it owes each."""
    from django.utils.translation import gettext as _

    from tilts.core.collation import latvian_sort_key
    from tilts.payments.models import PaidTo

    headers = [
        _("Sending member"),
        _("Participant"),
        _("Mobility"),
        _("Status"),
        _("Agreed grant, EUR"),
        _("Final grant, EUR"),
        _("Paid, EUR"),
        _("Pre-financing due, EUR"),
        _("Pre-financing due on"),
        _("Pre-financing paid, EUR"),
        _("Pre-financing paid on"),
        _("Pre-financing paid to"),
        _("Balance due, EUR"),
        _("Balance due on"),
        _("Balance paid, EUR"),
        _("Balance paid on"),
        _("Balance paid to"),
    ]
    # One pass: each mobility's amounts are worked out once and its row kept under its member (so ``mobilities``
    # may be an iterator reading the rows in chunks); then the members in by_member's order, each with its rows
    # in the order given and its subtotal.
    members: dict[int, MemberPayments] = {}
    rows_of: dict[int, list[list[Any]]] = {}
    # get_FOO_display's labels, translated once instead of for every row.
    statuses = {value: str(label) for value, label in MobilityStatus.choices}
    paid_to = {value: str(label) for value, label in PaidTo.choices}
    for mobility in mobilities:
        figures = amounts(mobility)
        member = members.get(mobility.sending_organisation_id)
        if member is None:
            name = mobility.sending_organisation.legal_name
            member = members[mobility.sending_organisation_id] = MemberPayments(
                mobility.sending_organisation_id, name, 0, ZERO, ZERO, ZERO, ZERO
            )
            rows_of[mobility.sending_organisation_id] = []
        member.mobilities += 1
        member.agreed += figures.agreed or ZERO
        member.final += figures.final or ZERO
        member.paid += figures.paid
        row: list[Any] = [
            member.name,
            str(mobility.participant),
            f"{mobility.receiving_name}, {mobility.receiving_city} ({mobility.start_date:%Y-%m-%d})",
            statuses.get(mobility.status, mobility.status),
            figures.agreed,
            figures.final,
            figures.paid,
        ]
        for instalment in schedule(mobility):
            payment = instalment.payment
            row += [
                instalment.due,
                instalment.due_on,
                payment.amount if payment else None,
                payment.paid_on if payment else None,
                paid_to.get(payment.paid_to, payment.paid_to) if payment else "",
            ]
        rows_of[mobility.sending_organisation_id].append(row)
    ordered = sorted(members.values(), key=lambda entry: latvian_sort_key(entry.name))
    rows: list[list[Any]] = []
    for member in ordered:
        rows += rows_of.pop(member.organisation_id)
        rows.append(
            [member.name, _("Total for the member"), "", "", member.agreed, member.final, member.paid] + [None] * 10
        )
    total = total_of(ordered)
    rows.append([_("Total"), "", "", "", total.agreed, total.final, total.paid] + [None] * 10)
    return headers, rows


@dataclass
class Destination:
    country: str
    mobilities: int
    participants: int
    agreed: Decimal
    final: Decimal
    paid: Decimal

    @property
    def country_name(self) -> str:
        """The receiving country's name in the page's language (the row keeps the code)."""
        return str(countries.name(self.country)) or self.country


def destinations(mobilities: QuerySet[Mobility]) -> list[Destination]:
    """Per receiving country: mobilities, participants, and the agreed, final and paid amounts (the rule of
    :func:`amounts`, summed in the database), most mobilities first.

    Three grouped queries, none asking anything per mobility: the mobilities (counts, final amounts, the grant of
    those without an agreement's total in force), the agreements in force and the payments. One query with a
    subquery per mobility for the agreement and the payments took PostgreSQL's estimate over its JIT threshold on
    a large project (0.8 s of compiling for 35,000 mobilities, 0.2 s of work)."""
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
    shown = mobilities.exclude(status=MobilityStatus.CANCELLED).select_related(None)
    # Agreed: the total of the grant agreement in force (its highest version not superseded), else the grant.
    grant_agreements = Agreement.objects.filter(kind=AgreementKind.GRANT).exclude(status=AgreementStatus.SUPERSEDED)
    newer = grant_agreements.filter(mobility=OuterRef("mobility"), number__gt=OuterRef("number"))
    in_force = (
        grant_agreements.filter(mobility__in=shown.values("pk"))
        .exclude(Exists(newer))
        .annotate(total=Cast(KT("snapshot__grant__total"), money))
        .filter(total__isnull=False)
    )
    rows = (
        shown.values("receiving_country")
        .annotate(
            n=Count("pk", distinct=True),
            people=Count("participant_id", distinct=True),
            grant=Sum("grant_total", filter=~Q(pk__in=in_force.values("mobility_id")), default=ZERO),
            final=Sum(Case(When(report__status=ReportStatus.ACCEPTED, then="report__final_grant_total")), default=ZERO),
        )
        .order_by()
    )
    agreed = dict(in_force.values_list("mobility__receiving_country").annotate(t=Sum("total", default=ZERO)).order_by())
    paid = dict(
        Payment.objects.filter(mobility__in=shown.values("pk"))
        .values_list("mobility__receiving_country")
        .annotate(t=Sum("amount", default=ZERO))
        .order_by()
    )
    cent = Decimal("0.01")
    found = [
        Destination(
            str(row["receiving_country"]),
            row["n"],
            row["people"],
            (Decimal(row["grant"]) + Decimal(agreed.get(row["receiving_country"], ZERO))).quantize(cent),
            Decimal(row["final"]).quantize(cent),
            Decimal(paid.get(row["receiving_country"], ZERO)).quantize(cent),
        )
        for row in rows
    ]
    return sorted(found, key=lambda row: (-row.mobilities, row.country))

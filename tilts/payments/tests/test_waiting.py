"""What waits for the coordinator on payments, counted per project in SQL: the balances to pay must be those of a
straightforward walk over the mobilities (an accepted report, no balance recorded, not cancelled)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.tests.factories import make_project, many_mobilities
from tilts.payments.models import Payment, PaymentKind
from tilts.payments.waiting import payments_due
from tilts.reporting.models import ParticipantReport, ReportStatus

pytestmark = pytest.mark.django_db


def test_the_balances_to_pay_are_the_straightforward_count(
    consortium, member, other_member, goals, coordinator
) -> None:
    projects = [make_project(consortium) for _ in range(2)]
    mobilities = many_mobilities(projects[0], member, goals, 9) + many_mobilities(projects[1], other_member, goals, 6)
    statuses = list(ReportStatus.values)
    ParticipantReport.objects.bulk_create(
        ParticipantReport(
            mobility=mobility,
            status=ReportStatus.ACCEPTED if i % 3 else statuses[i % len(statuses)],
            due_date=mobility.end_date + datetime.timedelta(days=30),
            actual_start=mobility.start_date,
            actual_end=mobility.end_date,
            actual_travel_days=mobility.travel_days,
            actual_green_travel=mobility.green_travel,
            final_grant_total=Decimal("100.00") if i % 2 else None,
        )
        for i, mobility in enumerate(mobilities)
    )
    today = datetime.date.today()
    for mobility in mobilities[1::4]:
        Payment.objects.create(mobility=mobility, kind=PaymentKind.BALANCE, amount=Decimal("10.00"), paid_on=today)
    Payment.objects.create(mobility=mobilities[2], kind=PaymentKind.PREFINANCING, amount=Decimal("5"), paid_on=today)
    for mobility in (mobilities[7], mobilities[11]):  # more paid in advance than the final grant: to be paid back
        Payment.objects.create(mobility=mobility, kind=PaymentKind.PREFINANCING, amount=Decimal("500"), paid_on=today)
    Mobility.objects.filter(pk=mobilities[5].pk).update(status=MobilityStatus.CANCELLED)

    expected: dict[int, int] = {}
    expected_back: dict[int, int] = {}
    for mobility in Mobility.objects.exclude(status=MobilityStatus.CANCELLED):
        report = ParticipantReport.objects.filter(mobility=mobility).first()
        paid = Payment.objects.filter(mobility=mobility, kind=PaymentKind.BALANCE).exists()
        if report is not None and report.status == ReportStatus.ACCEPTED and not paid:
            advance = Payment.objects.filter(mobility=mobility, kind=PaymentKind.PREFINANCING).first()
            back = (
                advance is not None
                and report.final_grant_total is not None
                and report.final_grant_total < advance.amount
            )
            counted = expected_back if back else expected
            counted[mobility.project_id] = counted.get(mobility.project_id, 0) + 1

    with translation.override("en"):
        items = payments_due(coordinator, today)

    def counts(word: str) -> dict[int, int]:
        return {int(item.url.rstrip("/").split("/")[-1]): item.count for item in items if word in item.text}

    assert counts("balance") == expected and len(expected) == 2
    assert counts("paid back") == expected_back and sum(expected_back.values()) == 2

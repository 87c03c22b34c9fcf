"""What is due: the pre-financing from the signed grant agreement, the balance from the accepted report."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tilts.payments import selectors, services
from tilts.payments.tests.helpers import signed_agreement
from tilts.reporting import services as report_services
from tilts.reporting.tests.helpers import submitted_report
from tilts.selection import services as selection_services

pytestmark = pytest.mark.django_db
D = Decimal


def test_nothing_is_due_before_a_grant_agreement(mobility, coordinator) -> None:
    prefinancing, balance = selectors.schedule(mobility)
    assert prefinancing.due is None and balance.due is None
    with pytest.raises(ValidationError) as error:
        services.record_payment(
            mobility, kind="prefinancing", amount=D("100"), paid_on=timezone.localdate(), by=coordinator
        )
    assert error.value.message_dict["kind"] == ["Vēl nekas nav jāmaksā: gaida dotācijas līgumu."]
    assert not mobility.payments.exists()


def test_prefinancing_is_due_30_days_after_signing(mobility, coordinator) -> None:
    selection_services.issue_agreement(mobility, kind="grant", language="lv", by=coordinator)
    prefinancing, _ = selectors.schedule(mobility)
    assert (prefinancing.due, prefinancing.due_on) == (D("2774.40"), None)  # the date waits for the signatures
    signed_agreement(mobility, coordinator, prefinancing_percent=70)
    prefinancing, _ = selectors.schedule(mobility)
    assert prefinancing.due == D("2427.60")  # the version in force: 70 % of 3468.00
    assert prefinancing.due_on == timezone.localdate() + datetime.timedelta(days=30)


def test_balance_is_the_final_grant_less_the_prefinancing_paid(report, coordinator) -> None:
    signed_agreement(report.mobility, coordinator)
    services.record_payment(
        report.mobility, kind="prefinancing", amount=D("2500.00"), paid_on=timezone.localdate(), by=coordinator
    )
    # 12 activity days instead of 15: the final grant is 3069.00.
    report = report_services.accept(submitted_report(report, actual_end=datetime.date(2025, 10, 17)), by=coordinator)
    _, balance = selectors.schedule(report.mobility)
    assert balance.due == D("569.00")
    assert balance.due_on == timezone.localdate(report.accepted_at) + datetime.timedelta(days=45)
    figures = selectors.amounts(report.mobility)
    assert (figures.agreed, figures.final, figures.paid, figures.outstanding) == (
        D("3468.00"),
        D("3069.00"),
        D("2500.00"),
        D("569.00"),
    )


def test_the_balance_waits_for_the_accepted_report(mobility, coordinator) -> None:
    signed_agreement(mobility, coordinator)
    with pytest.raises(ValidationError) as error:
        services.record_payment(mobility, kind="balance", amount=D("600"), paid_on=timezone.localdate(), by=coordinator)
    assert error.value.message_dict["kind"] == ["Vēl nekas nav jāmaksā: gaida pieņemto dalībnieka atskaiti."]


@pytest.mark.parametrize(
    ("amount", "paid_on", "field"),
    [
        (D("0"), None, "amount"),
        (D("-5"), None, "amount"),
        (D("10.005"), None, "amount"),
        (D("100"), "tomorrow", "paid_on"),
    ],
)
def test_bad_payments_are_refused(mobility, coordinator, amount, paid_on, field) -> None:
    signed_agreement(mobility, coordinator)
    day = timezone.localdate() + datetime.timedelta(days=1) if paid_on == "tomorrow" else timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.record_payment(mobility, kind="prefinancing", amount=amount, paid_on=day, by=coordinator)
    assert field in error.value.message_dict
    assert not mobility.payments.exists()


def test_only_the_coordinator_records(mobility, coordinator, member_contact) -> None:
    signed_agreement(mobility, coordinator)
    with pytest.raises(ValidationError):
        services.record_payment(
            mobility, kind="prefinancing", amount=D("2774.40"), paid_on=timezone.localdate(), by=member_contact
        )


def test_a_correction_with_a_stale_version_is_refused(mobility, coordinator) -> None:
    from tilts.core.locking import EditConflict

    signed_agreement(mobility, coordinator)
    today = timezone.localdate()
    payment = services.record_payment(mobility, kind="prefinancing", amount=D("2774.40"), paid_on=today, by=coordinator)
    services.record_payment(
        mobility, kind="prefinancing", amount=D("2774.00"), paid_on=today, by=coordinator, version=payment.version
    )
    with pytest.raises(EditConflict):
        services.record_payment(
            mobility, kind="prefinancing", amount=D("1.00"), paid_on=today, by=coordinator, version=payment.version
        )
    payment.refresh_from_db()
    assert payment.amount == D("2774.00") and payment.history.count() == 2

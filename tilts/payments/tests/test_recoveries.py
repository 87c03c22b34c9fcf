"""A final grant below the pre-financing paid: the balance is negative, the participant (or member) pays the
difference back, and the coordinator records what was received as a negative balance (a recovery), so what was
paid always adds up to the final grant."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tilts.payments import selectors, services
from tilts.payments.models import Payment, PaymentKind
from tilts.payments.tests.helpers import signed_agreement
from tilts.payments.waiting import payments_due
from tilts.reporting import services as report_services
from tilts.reporting.tests.helpers import submitted_report

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def overpaid(report, coordinator):
    """3,400.00 paid as pre-financing (more than the 2,774.40 due), then a report of 12 days instead of 15: the final
    grant is 3,069.00, so 331.00 is to be paid back."""
    signed_agreement(report.mobility, coordinator)
    services.record_payment(
        report.mobility, kind="prefinancing", amount=D("3400.00"), paid_on=timezone.localdate(), by=coordinator
    )
    report = report_services.accept(submitted_report(report, actual_end=datetime.date(2025, 10, 17)), by=coordinator)
    return report.mobility


def test_the_balance_below_zero_is_a_recovery(overpaid) -> None:
    _, balance = selectors.schedule(overpaid)
    assert balance.recovery and (balance.due, balance.to_recover) == (D("-331.00"), D("331.00"))
    assert balance.label == "Atgūšana (atmaksa)"
    prefinancing, _ = selectors.schedule(overpaid)
    assert not prefinancing.recovery


def test_a_recovery_is_recorded_negative_and_paid_adds_up_to_the_final_grant(overpaid, coordinator) -> None:
    with pytest.raises(ValidationError) as error:
        services.record_payment(
            overpaid, kind="balance", amount=D("331.00"), paid_on=timezone.localdate(), by=coordinator
        )
    assert "negatīv" in error.value.message_dict["amount"][0]
    services.record_payment(overpaid, kind="balance", amount=D("-331.00"), paid_on=timezone.localdate(), by=coordinator)
    figures = selectors.amounts(overpaid)
    assert (figures.final, figures.paid, figures.outstanding) == (D("3069.00"), D("3069.00"), D("0.00"))


def test_an_ordinary_balance_is_never_negative(report, coordinator) -> None:
    signed_agreement(report.mobility, coordinator)
    report_services.accept(submitted_report(report), by=coordinator)
    with pytest.raises(ValidationError) as error:
        services.record_payment(
            report.mobility, kind="balance", amount=D("-10.00"), paid_on=timezone.localdate(), by=coordinator
        )
    assert "amount" in error.value.message_dict
    assert not Payment.objects.filter(kind=PaymentKind.BALANCE).exists()


def test_the_coordinator_records_the_amount_paid_back_in_latvian(coordinator_client: Client, overpaid) -> None:
    url = reverse("payments:mobility", args=[overpaid.pk])
    page = coordinator_client.get(url).text
    assert "jāatmaksā konsorcijam 331,00 EUR" in page  # the notice, the amount as Latvian writes it
    assert "Atmaksātā summa, EUR" in page and 'value="331,00"' in page  # entered as received, more than zero
    form = {
        "balance-amount": "331,00",
        "balance-paid_on": timezone.localdate().isoformat(),
        "balance-paid_to": "participant",
        "balance-reference": "Atmaksa 2025/3",
    }
    assert coordinator_client.post(reverse("payments:record", args=[overpaid.pk, "balance"]), form).status_code == 302
    assert Payment.objects.get(kind=PaymentKind.BALANCE).amount == D("-331.00")
    page = coordinator_client.get(url).text
    assert "jāatmaksā konsorcijam" not in page and "Atmaksāja:" in page
    assert 'value="331,00"' in page  # the correction form shows it as entered


def test_the_api_takes_a_recovery_as_a_negative_balance(coordinator_client: Client, overpaid) -> None:
    url = f"/api/v1/mobilities/{overpaid.pk}/payments/balance"
    body = {"amount": "331.00", "paid_on": timezone.localdate().isoformat(), "paid_to": "participant"}
    refused = coordinator_client.put(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422 and "negative balance" in refused.json()["errors"]["amount"][0]
    data = coordinator_client.put(url, {**body, "amount": "-331.00"}, content_type="application/json").json()
    balance = data["instalments"][1]
    assert balance["recovery"] is True and balance["paid"] == "-331.00" and data["paid"] == "3069.00"


def test_the_coordinator_is_told_what_is_to_be_paid_back_not_to_pay(overpaid, coordinator) -> None:
    with translation.override("en"):
        texts = [item.text for item in payments_due(coordinator, timezone.localdate())]
    assert any("1 amount to be paid back" in text for text in texts)
    assert not any("balance" in text for text in texts)


def test_the_project_payments_say_paid_back_not_paid_minus(coordinator_client: Client, overpaid, coordinator) -> None:
    url = reverse("payments:project", args=[overpaid.project_id])
    assert "jāatmaksā 331,00, termiņš" in coordinator_client.get(url).text
    services.record_payment(overpaid, kind="balance", amount=D("-331.00"), paid_on=timezone.localdate(), by=coordinator)
    page = coordinator_client.get(url).text
    assert "atmaksāti 331,00" in page and "-331" not in page

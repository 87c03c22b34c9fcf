"""The payments pages: the coordinator records in Latvian (decimal comma), others read within their reach, the
project's payments per member with a CSV, and every amount labelled agreed, final or paid."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.core.tests.listexports import exported
from tilts.payments import services
from tilts.payments.models import Payment
from tilts.payments.tests.helpers import signed_agreement

pytestmark = pytest.mark.django_db
D = Decimal


def form(amount: str, **extra: str) -> dict[str, str]:
    return {
        "prefinancing-amount": amount,
        "prefinancing-paid_on": timezone.localdate().isoformat(),
        "prefinancing-paid_to": "member",
        "prefinancing-reference": "MK-2025/17",
        **extra,
    }


def test_coordinator_records_the_prefinancing_in_latvian(coordinator_client: Client, mobility, coordinator) -> None:
    signed_agreement(mobility, coordinator)
    page = coordinator_client.get(reverse("payments:mobility", args=[mobility.pk])).text
    assert 'value="2774,40"' in page  # what is due, as Latvian writes it
    response = coordinator_client.post(reverse("payments:record", args=[mobility.pk, "prefinancing"]), form("2774,40"))
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.paid_to, payment.reference) == (D("2774.40"), "member", "MK-2025/17")
    detail = coordinator_client.get(reverse("mobility:detail", args=[mobility.pk])).text
    amounts = detail[detail.index('class="amounts"') : detail.index("</dl>", detail.index('class="amounts"'))]
    assert "Saskaņotā dotācija" in amounts and "3\xa0468,00 EUR" in amounts
    assert "<dt>Samaksāts</dt><dd>2\xa0774,40 EUR</dd>" in amounts


def test_bad_input_shows_the_reason_and_changes_nothing(coordinator_client: Client, mobility, coordinator) -> None:
    signed_agreement(mobility, coordinator)
    url = reverse("payments:record", args=[mobility.pk, "prefinancing"])
    response = coordinator_client.post(url, form("0"))
    assert response.status_code == 400
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = coordinator_client.post(url, form("100", **{"prefinancing-paid_on": tomorrow}))
    assert response.status_code == 400
    assert "Maksājumu nevar reģistrēt, pirms tas ir veikts." in response.text
    assert not Payment.objects.exists()


def test_who_sees_and_who_records(mobility, coordinator, member_contact, auditor, other_member) -> None:
    signed_agreement(mobility, coordinator)
    page = reverse("payments:mobility", args=[mobility.pk])
    record = reverse("payments:record", args=[mobility.pk, "prefinancing"])
    for user in (member_contact, auditor, mobility.participant):
        client = client_for(user)
        assert client.get(page).status_code == 200
        assert "Saglabāt maksājumu" not in client.get(page).text
        assert client.post(record, form("2774,40")).status_code == 403
    outsider = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    assert outsider.get(page).status_code == 404
    assert outsider.get(reverse("payments:project", args=[mobility.project_id])).text.count("2774") == 0
    assert not Payment.objects.exists()


def test_project_payments_grouped_by_member_with_csv(coordinator_client: Client, mobility, coordinator) -> None:
    signed_agreement(mobility, coordinator)
    services.record_payment(
        mobility,
        kind="prefinancing",
        amount=D("2774.40"),
        paid_on=timezone.localdate(),
        by=coordinator,
        paid_to="member",
    )
    url = reverse("payments:project", args=[mobility.project_id])
    page = coordinator_client.get(url).text
    assert mobility.sending_organisation.legal_name in page and "2\xa0774,40" in page
    content = exported(coordinator_client, "payments", mobility.project_id, language="en")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:7] == [
        "Sending member",
        "Participant",
        "Mobility",
        "Status",
        "Agreed grant, EUR",
        "Final grant, EUR",
        "Paid, EUR",
    ]
    assert rows[1][4:10] == ["3468.00", "", "2774.40", "2774.40", rows[1][8], "2774.40"]
    assert rows[2][1] == "Total for the member" and rows[2][6] == "2774.40"
    assert rows[-1][0] == "Total" and rows[-1][4] == "3468.00"


def test_project_payments_queries_stay_within_budget(
    coordinator_client: Client, mobility, coordinator, django_assert_max_num_queries
) -> None:
    from tilts.exports.tests.helpers import make_mobility

    for _ in range(5):
        make_mobility(mobility.project, mobility.sending_organisation, list(mobility.goals.all()), by=coordinator)
    with django_assert_max_num_queries(25):
        assert coordinator_client.get(reverse("payments:project", args=[mobility.project_id])).status_code == 200


def test_budget_has_a_paid_column(coordinator_client: Client, mobility, coordinator) -> None:
    signed_agreement(mobility, coordinator)
    services.record_payment(
        mobility, kind="prefinancing", amount=D("2774.40"), paid_on=timezone.localdate(), by=coordinator
    )
    response = coordinator_client.get(reverse("mobility:budget", args=[mobility.project_id]))
    assert response.context["budget"].paid == D("2774.40")
    assert response.context["budget"].members[0].paid == D("2774.40")
    assert "Samaksāts kopā" in response.text


def test_list_and_destinations_label_the_amounts_in_english(coordinator_client: Client, mobility, coordinator) -> None:
    signed_agreement(mobility, coordinator)
    services.record_payment(
        mobility, kind="prefinancing", amount=D("2774.40"), paid_on=timezone.localdate(), by=coordinator
    )
    listing = coordinator_client.get(f"/en/mobilities/project/{mobility.project_id}/").text
    assert "Agreed grant, EUR" in listing and "Final grant, EUR" in listing and "Paid, EUR" in listing
    assert "2,774.40" in listing
    calendar = coordinator_client.get(f"/en/mobilities/project/{mobility.project_id}/calendar/").text
    assert "Agreed grant, EUR" in calendar and "2,774.40" in calendar


def test_api_records_and_reads(coordinator_client: Client, participant_client: Client, mobility, coordinator) -> None:
    signed_agreement(mobility, coordinator)
    url = f"/api/v1/mobilities/{mobility.pk}/payments/prefinancing"
    body = {"amount": "2774.40", "paid_on": timezone.localdate().isoformat(), "paid_to": "participant"}
    assert participant_client.put(url, body, content_type="application/json").status_code == 403
    response = coordinator_client.put(url, body, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert (data["agreed"], data["paid"], data["instalments"][0]["version"]) == ("3468.00", "2774.40", 1)
    read = participant_client.get(f"/api/v1/mobilities/{mobility.pk}/payments").json()
    assert read["instalments"][0]["paid"] == "2774.40"
    bad = coordinator_client.put(
        url, {**body, "amount": "-1", "version": 1}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert bad.status_code == 422 and "amount" in bad.json()["errors"]
    members = coordinator_client.get(f"/api/v1/projects/{mobility.project_id}/payments").json()
    assert members[0]["paid"] == "2774.40"


def test_the_coordinators_waiting_list_names_unpaid_prefinancing(coordinator_client: Client, mobility, coordinator):
    signed_agreement(mobility, coordinator)
    page = coordinator_client.get(reverse("backoffice:dashboard")).text
    assert "Projekts 2025: 1 priekšfinansējums jāizmaksā" in page
    services.record_payment(
        mobility, kind="prefinancing", amount=D("2774.40"), paid_on=timezone.localdate(), by=coordinator
    )
    assert "priekšfinansējums jāizmaksā" not in coordinator_client.get(reverse("backoffice:dashboard")).text

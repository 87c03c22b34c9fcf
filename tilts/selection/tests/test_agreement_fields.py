"""Agreements carry the participant's bank account (IBAN, checked), their identifier and the signatories, name the
national agency in the EU disclaimer, and a Latvian and an English version can both be in force."""

import pytest
from django.urls import reverse

from tilts.core.tests.fixtures import client_for
from tilts.core.tests.pdf import pdf_text
from tilts.selection import services
from tilts.selection.models import Agreement, AgreementStatus
from tilts.selection.tests.factories import approved_mobility, make_call, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def mobility(consortium, participant, goals, coordinator):
    return approved_mobility(submitted_application(make_call(consortium), participant, goals), coordinator)


def grant_form(**changes: str) -> dict[str, str]:
    return {
        "kind": "grant",
        "language": "lv",
        "report_days": "30",
        "prefinancing_percent": "80",
        "participant_iban": "lv80 bank 0000 4351 9500 1",
        "participant_id_number": "VB-0042",
        "sending_signatory_name": "Inese Kalniņa",
        "sending_signatory_role": "Direktore",
        **changes,
    }


def test_the_grant_agreement_prints_the_account_the_identifier_and_the_signatory(mobility, member_contact) -> None:
    client = client_for(member_contact)
    assert client.post(reverse("selection:agreements", args=[mobility.pk]), grant_form()).status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.participant_iban == "LV80BANK0000435195001"
    text = pdf_text(client.get(reverse("selection:agreement_pdf", args=[agreement.pk])).content)
    assert "LV80BANK0000435195001" in text and "VB-0042" in text
    assert "Inese Kalniņa, Direktore" in text
    assert "VIAA" in text and "EACEA" not in text  # the national agency manages KA1, not EACEA


def test_a_mistyped_iban_is_refused_in_latvian(mobility, member_contact) -> None:
    client = client_for(member_contact)
    response = client.post(
        reverse("selection:agreements", args=[mobility.pk]), grant_form(participant_iban="LV81BANK0000435195001")
    )
    assert response.status_code == 422
    assert "Šī IBAN kontrolcipari nesakrīt: pārbaudiet, vai nav drukas kļūdas." in response.text
    assert not Agreement.objects.exists()


def test_the_grant_agreement_needs_the_account_and_the_identifier(mobility, member_contact) -> None:
    client = client_for(member_contact)
    response = client.post(
        reverse("selection:agreements", args=[mobility.pk]), grant_form(participant_iban="", participant_id_number="")
    )
    assert response.status_code == 422
    assert not Agreement.objects.exists()


def test_latvian_and_english_versions_are_both_in_force(mobility, coordinator, member_contact) -> None:
    latvian = services.issue_agreement(
        mobility, kind="learning", language="lv", by=coordinator, programme="P", learning_outcomes="O"
    )
    english = services.issue_agreement(
        mobility, kind="learning", language="en", by=coordinator, programme="P", learning_outcomes="O"
    )
    latvian.refresh_from_db()
    assert (latvian.status, english.status) == (AgreementStatus.ISSUED, AgreementStatus.ISSUED)
    newer = services.issue_agreement(
        mobility, kind="learning", language="en", by=coordinator, programme="P2", learning_outcomes="O"
    )
    english.refresh_from_db()
    latvian.refresh_from_db()
    assert (latvian.status, english.status, newer.status) == (
        AgreementStatus.ISSUED,
        AgreementStatus.SUPERSEDED,
        AgreementStatus.ISSUED,
    )


def test_a_new_version_starts_from_the_previous_ones_details(mobility, member_contact) -> None:
    client = client_for(member_contact)
    client.post(reverse("selection:agreements", args=[mobility.pk]), grant_form())
    page = client.get(f"/en/calls/agreements/mobility/{mobility.pk}/").text
    assert 'value="LV80BANK0000435195001"' in page and 'value="Inese Kalniņa"' in page


def test_the_api_takes_and_checks_the_fields(mobility, member_contact) -> None:
    client = client_for(member_contact)
    url = f"/api/v1/mobilities/{mobility.pk}/agreements"
    bad = client.post(
        url,
        {**grant_form(participant_iban="LV80BANK000043519500")},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 422 and "21" in bad.json()["errors"]["participant_iban"][0]
    good = client.post(url, grant_form(), content_type="application/json")
    assert good.status_code == 201
    assert good.json()["participant_iban"] == "LV80BANK0000435195001"
    assert good.json()["sending_signatory_role"] == "Direktore"


def test_the_report_deadline_and_pre_financing_default_to_the_settings(
    mobility, coordinator, member_contact, settings
) -> None:
    """One setting each (REPORT_DUE_DAYS, AGREEMENT_PREFINANCING_PERCENT): the service, the page and the API."""
    settings.REPORT_DUE_DAYS = 45
    settings.AGREEMENT_PREFINANCING_PERCENT = 70
    agreement = services.issue_agreement(
        mobility, kind="learning", language="lv", by=coordinator, programme="P", learning_outcomes="L"
    )
    assert (agreement.report_days, agreement.prefinancing_percent) == (45, 70)
    page = client_for(member_contact).get(reverse("selection:agreements", args=[mobility.pk]))
    assert 'name="report_days" value="45"' in page.text and 'name="prefinancing_percent" value="70"' in page.text
    made = client_for(coordinator).post(
        f"/api/v1/mobilities/{mobility.pk}/agreements",
        {"kind": "learning", "language": "en", "programme": "P", "learning_outcomes": "L"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert (made.json()["report_days"], made.json()["prefinancing_percent"]) == (45, 70)

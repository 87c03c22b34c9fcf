"""Who did it: the change history names the person a service acted for, the logged-in person, or the system."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import User
from tilts.consortium.models import Organisation
from tilts.consortium.services import update_organisation
from tilts.core.history import acting, made_by_system, records_by

pytestmark = pytest.mark.django_db


def test_a_change_outside_any_request_is_the_systems(member: Organisation) -> None:
    update_organisation(member, short_name="Automātiski")
    record = member.history.first()
    assert record.history_user is None and record.history_change_reason == "system"
    assert made_by_system(record)


def test_a_management_command_is_named(member: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["manage.py", "apply_retention"])
    update_organisation(member, short_name="Komanda")
    assert member.history.first().history_change_reason == "system: apply_retention"


def test_acting_names_the_person(member: Organisation, coordinator: User) -> None:
    with acting(coordinator):
        update_organisation(member, short_name="Koordinatore")
    record = member.history.first()
    assert record.history_user == coordinator and not made_by_system(record)
    assert not record.history_change_reason


def test_a_service_names_its_by_argument(member: Organisation, coordinator: User) -> None:
    @records_by
    def rename(organisation: Organisation, *, by: User) -> Organisation:
        return update_organisation(organisation, short_name="Ar by")

    rename(member, by=coordinator)
    assert member.history.first().history_user == coordinator
    update_organisation(member, short_name="Pēc tam")  # the person is named only inside the call
    assert member.history.first().history_user is None


def test_a_page_names_the_logged_in_person(coordinator_client: Client, coordinator: User, member: Organisation) -> None:
    update_organisation(member, short_name="Sistēma")
    page = coordinator_client.get(reverse("backoffice:member", args=[member.pk]))
    assert "Tilts (automātiski)" in page.text  # the system's change, as the history table shows it
    data = {
        "legal_name": member.legal_name,
        "short_name": "Ar roku",
        "type": member.type,
        "registration_number": member.registration_number,
        "oid": member.oid,
        "country": str(member.country),
        "city": member.city,
        "address": member.address,
        "email": "kontakti@example.org",
        "phone": member.phone,
        "website": member.website,
    }
    response = coordinator_client.post(reverse("backoffice:member_edit", args=[member.pk]), data)
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    assert member.history.first().history_user == coordinator

"""The coordinator accepts or rejects an application; the applicant hears in their own language."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role, User
from tilts.consortium import services
from tilts.consortium.models import (
    Consortium,
    Goal,
    JoinApplication,
    JoinApplicationStatus,
    MembershipStatus,
    Organisation,
)
from tilts.consortium.tests.factories import JoinApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(consortium: Consortium, goals: list[Goal]) -> JoinApplication:
    application = JoinApplicationFactory(
        consortium=consortium,
        registration_number="90000054321",
        contact_position="Direktors",
        contact_email="edgars@aluksne.example.lv",
        language="en",
    )
    application.goals.set(goals[3:5])
    return application


def test_accepting_creates_member_with_goals_and_invites_contact(
    coordinator_client: Client, application: JoinApplication, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("backoffice:application_accept", args=[application.pk]))
    organisation = Organisation.objects.get(registration_number="90000054321")
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:member", args=[organisation.pk])
    membership = organisation.memberships.get()
    assert membership.status == MembershipStatus.ACTIVE
    assert sorted(g.number for g in membership.goals.all()) == [4, 5]
    contact = User.objects.get(email="edgars@aluksne.example.lv")
    assert (contact.role, contact.organisation, contact.language) == (Role.MEMBER_CONTACT, organisation, "en")
    assert not contact.has_usable_password()
    application.refresh_from_db()
    assert application.status == JoinApplicationStatus.ACCEPTED
    assert application.organisation == organisation
    subjects = sorted(m.subject for m in mail.outbox if m.to == ["edgars@aluksne.example.lv"])
    assert any(s.startswith("Welcome to") for s in subjects)  # English, as the applicant used
    assert any("invited" in s for s in subjects)


def test_accepted_member_is_listed_publicly(client: Client, coordinator, application: JoinApplication) -> None:
    services.accept_join_application(application, by=coordinator)
    assert "Alūksnes novada bibliotēka" in client.get(reverse("public:members")).text


def test_rejecting_needs_a_reason_and_tells_the_applicant(
    coordinator_client: Client, application: JoinApplication, django_capture_on_commit_callbacks
) -> None:
    response = coordinator_client.post(reverse("backoffice:application_reject", args=[application.pk]), {"reason": ""})
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.status == JoinApplicationStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("backoffice:application_reject", args=[application.pk]),
            {"reason": "Not a memory institution."},
        )
    application.refresh_from_db()
    assert application.status == JoinApplicationStatus.REJECTED
    assert application.rejection_reason == "Not a memory institution."
    (message,) = mail.outbox
    assert message.to == ["edgars@aluksne.example.lv"]
    assert "Not a memory institution." in message.body
    assert "We are sorry" in message.body


def test_a_decided_application_cannot_be_decided_again(coordinator, application: JoinApplication) -> None:
    services.reject_join_application(application, by=coordinator, reason="No.")
    with pytest.raises(services.ValidationError):
        services.accept_join_application(application, by=coordinator)
    assert not Organisation.objects.filter(registration_number="90000054321").exists()


def test_an_institution_that_left_keeps_its_record_when_accepted_again(
    consortium: Consortium, coordinator, application: JoinApplication
) -> None:
    membership = services.accept_join_application(application, by=coordinator)
    import datetime

    services.end_membership(membership, by=None, left_on=datetime.date.today(), reason="Reorganised")
    again = JoinApplicationFactory(
        consortium=consortium, registration_number="90000054321", contact_email="edgars@aluksne.example.lv"
    )
    second = services.accept_join_application(again, by=coordinator)
    assert second.organisation_id == membership.organisation_id
    assert second.organisation.memberships.count() == 2


def test_a_contact_who_already_has_an_account_there_becomes_the_member_contact(
    coordinator, application: JoinApplication
) -> None:
    from tilts.accounts.tests.factories import UserFactory
    from tilts.consortium.tests.factories import OrganisationFactory

    # The institution was a member before; its former participant is now the contact person.
    returning = OrganisationFactory(registration_number="90000054321")
    existing = UserFactory(email="edgars@aluksne.example.lv", role=Role.PARTICIPANT, organisation=returning)
    services.accept_join_application(application, by=coordinator)
    existing.refresh_from_db()
    assert (existing.role, existing.organisation) == (Role.MEMBER_CONTACT, returning)


def test_a_contact_working_elsewhere_is_refused_and_nothing_changes(
    coordinator, application: JoinApplication, other_member
) -> None:
    from django.core.exceptions import ValidationError

    from tilts.accounts.tests.factories import UserFactory

    UserFactory(email="edgars@aluksne.example.lv", role=Role.MEMBER_CONTACT, organisation=other_member)
    with pytest.raises(ValidationError):
        services.accept_join_application(application, by=coordinator)
    application.refresh_from_db()
    assert application.status == JoinApplicationStatus.PENDING
    assert not Organisation.objects.filter(registration_number="90000054321").exists()

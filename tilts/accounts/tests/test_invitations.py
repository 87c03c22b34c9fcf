"""Invitations: nobody signs up alone; invited people set a password from the e-mailed link and log in by e-mail."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role, User
from tilts.consortium.models import Organisation

pytestmark = pytest.mark.django_db


def invite(client: Client, organisation: Organisation | None, **overrides: object):
    data = {
        "email": "Jauna.Kolege@Example.org",
        "first_name": "Inese",
        "last_name": "Ābola",
        "role": "participant",
        "organisation": organisation.pk if organisation else "",
        "position": "Bibliotekāre",
        "language": "lv",
    }
    data.update(overrides)
    return client.post(reverse("people:invite"), data)


def test_coordinator_invites_and_the_person_sets_a_password(
    coordinator_client: Client, member: Organisation, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(coordinator_client, member)
    assert response.status_code == 302
    person = User.objects.get(email="jauna.kolege@example.org")
    assert (person.role, person.organisation, person.has_usable_password()) == (Role.PARTICIPANT, member, False)
    (message,) = mail.outbox
    assert message.to == ["jauna.kolege@example.org"]
    link = re.search(r"http://testserver(\S+)", message.body).group(1)

    client = Client()
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "Ziemeļblāzma-2026", "password2": "Ziemeļblāzma-2026"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.has_usable_password()

    fresh = Client()
    response = fresh.post(
        reverse("account_login"), {"login": "jauna.kolege@example.org", "password": "Ziemeļblāzma-2026"}
    )
    assert response.status_code == 302
    assert fresh.get(reverse("backoffice:dashboard")).status_code == 200


def test_invitation_link_works_once(
    coordinator_client: Client, member: Organisation, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(coordinator_client, member)
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    client = Client()
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    client.post(form_url, {"password1": "Ziemeļblāzma-2026", "password2": "Ziemeļblāzma-2026"})
    again = Client().get(link, follow=True)
    assert again.context["token_fail"]


def test_nobody_can_sign_up_alone(client: Client) -> None:
    response = client.post(
        reverse("account_signup"), {"email": "x@example.org", "password1": "Abcdefgh123!", "password2": "Abcdefgh123!"}
    )
    assert not User.objects.filter(email="x@example.org").exists()
    assert response.status_code in (200, 302)
    assert "signup_closed" in response.templates[0].name if response.templates else True


def test_inviting_an_existing_email_is_refused(
    coordinator_client: Client, member: Organisation, participant: User
) -> None:
    response = invite(coordinator_client, member, email=participant.email.upper())
    assert response.status_code == 422
    assert User.objects.filter(email__iexact=participant.email).count() == 1


def test_participants_need_an_institution(coordinator_client: Client) -> None:
    response = invite(coordinator_client, None)
    assert response.status_code == 422
    assert not User.objects.filter(email="jauna.kolege@example.org").exists()


def test_member_contact_invites_colleagues_of_own_institution_only(
    member_client: Client, member: Organisation, other_member: Organisation
) -> None:
    assert invite(member_client, other_member).status_code == 422
    assert invite(member_client, member, role="coordinator").status_code == 422
    assert not User.objects.filter(email="jauna.kolege@example.org").exists()
    assert invite(member_client, member).status_code == 302


def test_participant_cannot_invite(participant_client: Client, member: Organisation) -> None:
    assert invite(participant_client, member).status_code == 403


def test_deactivated_people_cannot_log_in(coordinator_client: Client, participant: User) -> None:
    coordinator_client.post(reverse("people:set_active", args=[participant.pk]), {"active": "0"})
    participant.refresh_from_db()
    assert not participant.is_active
    from tilts.accounts.tests.factories import PASSWORD

    response = Client().post(reverse("account_login"), {"login": participant.email, "password": PASSWORD})
    assert response.status_code != 302 or "inactive" in response["Location"]


def test_resend_invitation(
    coordinator_client: Client, member: Organisation, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(coordinator_client, member)
    person = User.objects.get(email="jauna.kolege@example.org")
    coordinator_client.post(reverse("people:resend", args=[person.pk]))
    assert len(mail.outbox) == 2


def test_invitation_email_is_in_the_persons_language(
    coordinator_client: Client, member: Organisation, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(coordinator_client, member, language="en")
    assert "invited" in mail.outbox[0].subject
    assert "/en/accounts/password/reset/key/" in mail.outbox[0].body


def test_profile_changes_language(participant_client: Client, participant: User) -> None:
    response = participant_client.post(
        reverse("people:profile"),
        {"first_name": "Līga", "last_name": "Kalniņa", "position": "", "phone": "", "language": "en"},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.language == "en"

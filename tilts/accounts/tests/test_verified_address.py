"""Opening an invitation or a call-registration link proves the address, so two-factor setup is open."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role, User
from tilts.accounts.services import invite_user
from tilts.consortium.models import Consortium, Organisation
from tilts.selection.tests.factories import make_call

pytestmark = pytest.mark.django_db


def set_password_through(client: Client, url: str) -> None:
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302, response.content
    form_url = response["Location"]
    response = client.post(form_url, {"password1": "kalnu-ezers-42", "password2": "kalnu-ezers-42"})
    assert response.status_code == 302, response.content


def test_an_invited_person_can_set_up_two_factor(
    client: Client, member: Organisation, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = invite_user(
            email="anna@muzejs.lv",
            first_name="Anna",
            last_name="Liepa",
            role=Role.MEMBER_CONTACT,
            organisation=member,
            invited_by=None,
        )
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()
    set_password_through(client, re.search(r"https?://\S+", mail.outbox[-1].body).group(0))
    assert EmailAddress.objects.get(user=user).verified
    response = client.get(reverse("mfa_activate_totp"))
    # Unverified, allauth sends the person to the e-mail page (which here leads back to the profile); now it only
    # asks for the password again, as it does before any security change.
    assert "/accounts/reauthenticate/" in response["Location"]


def test_a_registered_applicant_confirms_by_the_link(
    client: Client, consortium: Consortium, member: Organisation, django_capture_on_commit_callbacks
) -> None:
    call = make_call(consortium)
    mail.outbox.clear()
    form = {
        "email": "jauns@muzejs.lv",
        "first_name": "Jānis",
        "last_name": "Ozols",
        "organisation": member.pk,
        "position": "Krājuma glabātājs",
        "language": "lv",
        "consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("selection:register", args=[call.pk]), form)
    assert response.status_code == 200
    assert not User.objects.filter(email="jauns@muzejs.lv").exists()
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 302
    user = User.objects.get(email="jauns@muzejs.lv")
    assert EmailAddress.objects.get(user=user).verified
    assert "/accounts/password/reset/key/" in response["Location"]

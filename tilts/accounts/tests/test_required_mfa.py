"""Coordinators, auditors and evaluators must use two-factor authentication, after a grace period."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tilts.accounts.models import User
from tilts.core.tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_during_the_grace_period_a_banner_asks(coordinator: User) -> None:
    page = client_for(coordinator).get(reverse("backoffice:dashboard"))
    assert page.status_code == 200
    coordinator.refresh_from_db()
    # Both in Riga's time: between midnight in Riga and midnight UTC the two dates differ.
    assert timezone.localdate(coordinator.mfa_required_from) == timezone.localdate() + datetime.timedelta(days=14)
    assert "Jūsu lomai ir nepieciešama divpakāpju autentifikācija" in page.content.decode()


@pytest.mark.parametrize("role_fixture", ["coordinator", "auditor", "evaluator"])
def test_after_the_grace_period_only_setup_is_open(request: pytest.FixtureRequest, role_fixture: str) -> None:
    user: User = request.getfixturevalue(role_fixture)
    User.objects.filter(pk=user.pk).update(mfa_required_from=timezone.now() - datetime.timedelta(days=1))
    client: Client = client_for(user)
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get("/api/v1/projects").status_code == 403


def test_people_with_two_factor_or_roles_without_it_pass(coordinator: User, participant_client: Client) -> None:
    User.objects.filter(pk=coordinator.pk).update(mfa_required_from=timezone.now() - datetime.timedelta(days=1))
    Authenticator.objects.create(user=coordinator, type=Authenticator.Type.TOTP, data={"secret": "x"})
    page = client_for(coordinator).get(reverse("backoffice:dashboard"))
    assert page.status_code == 200 and "divpakāpju autentifikācija" not in page.content.decode().lower()
    assert participant_client.get(reverse("backoffice:dashboard")).status_code == 200

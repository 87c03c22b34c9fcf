"""Sessions end when a person is deactivated or leaves the browser idle, and do not come back."""

import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import User

pytestmark = pytest.mark.django_db


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(
    coordinator_client: Client, participant_client: Client, participant: User
) -> None:
    profile = reverse("people:profile")
    assert participant_client.get(profile).status_code == 200
    coordinator_client.post(reverse("people:set_active", args=[participant.pk]), {"active": "0"})
    coordinator_client.post(reverse("people:set_active", args=[participant.pk]), {"active": "1"})
    participant.refresh_from_db()
    assert participant.is_active
    response = participant_client.get(profile)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert coordinator_client.get(profile).status_code == 200  # only that person's sessions ended


def test_an_idle_session_ends(settings, participant_client: Client) -> None:
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    profile = reverse("people:profile")
    assert participant_client.get(profile).status_code == 200
    later = time.time() + 29 * 60
    with mock.patch("time.time", return_value=later):
        assert participant_client.get(profile).status_code == 200  # still within the half hour
    with mock.patch("time.time", return_value=later + 31 * 60):
        response = participant_client.get(profile)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]

"""The Django admin has no login form of its own: it sends people to allauth's, where two-factor applies."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_admin_login_redirects_to_the_allauth_login() -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_admin_login_form_posts_are_not_accepted(coordinator) -> None:  # type: ignore[no-untyped-def]
    coordinator.set_password("a-long-test-password-1")
    coordinator.is_staff = True
    coordinator.save()
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": coordinator.email, "password": "a-long-test-password-1"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_people_cannot_add_or_change_their_login_address(participant) -> None:  # type: ignore[no-untyped-def]
    from tilts.core.tests.fixtures import client_for

    client = client_for(participant)
    response = client.post("/accounts/email/", {"action_add": "", "email": "other@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:profile")
    participant.refresh_from_db()
    assert participant.email != "other@example.org"
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(email="other@example.org").exists()

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

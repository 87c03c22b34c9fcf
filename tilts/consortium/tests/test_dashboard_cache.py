"""The back-office dashboard (where everyone lands) is rendered once per person, language and day between two
changes (tilts.core.figures.cached_html): a second visit computes none of its parts, a change made through a
service shows on the next visit, and no one is shown what was rendered for someone else or in the other
language."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium import services, views
from tilts.consortium.models import Organisation
from tilts.consortium.tests.factories import JoinApplicationFactory
from tilts.core.tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def visit(client: Client, language: str = "en") -> tuple[str, int]:
    with translation.override(language):
        url = reverse("backoffice:dashboard")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each time the dashboard's parts are computed (what waits for the person is the first of them)."""
    calls: list[Any] = []
    original = views.waiting_for

    def counted(user: Any, today: Any) -> Any:
        calls.append(user)
        return original(user, today)

    monkeypatch.setattr(views, "waiting_for", counted)
    return calls


def test_a_second_visit_computes_nothing(coordinator_client: Client, member: Organisation, computed) -> None:
    first, _count = visit(coordinator_client)
    second, queries = visit(coordinator_client)
    assert len(computed) == 1
    assert queries <= 3  # the session, the person, the consortium for the menu
    assert first.count("active members") == second.count("active members") == 1


def test_a_change_through_a_service_shows_on_the_next_visit(
    coordinator_client: Client, coordinator: Any, consortium: Any, computed
) -> None:
    application = JoinApplicationFactory(consortium=consortium, legal_name="Cēsu bibliotēka")
    assert "Cēsu bibliotēka" in visit(coordinator_client)[0]
    services.accept_join_application(application, by=coordinator)
    after = visit(coordinator_client)[0]
    assert "Cēsu bibliotēka" not in after.split("Waiting for a decision")[-1] and len(computed) == 2


def test_another_members_contact_never_gets_the_first_persons_rendering(
    member_client: Client, member: Organisation, other_member: Organisation, computed
) -> None:
    ours = visit(member_client)[0]
    assert member.legal_name in ours
    other_contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member, first_name="Otrā")
    theirs = visit(client_for(other_contact))[0]
    assert len(computed) == 2
    assert other_member.legal_name in theirs and member.legal_name not in theirs
    assert "Welcome, Otrā" in theirs


def test_the_other_language_has_its_own_rendering(coordinator_client: Client, member: Organisation) -> None:
    english = visit(coordinator_client, "en")[0]
    latvian = visit(coordinator_client, "lv")[0]
    assert "active members" in english and "active members" not in latvian

"""Fixtures: a consortium with its goals, one logged-in client per role, a browser log-in and a real PDF."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tilts.accounts.models import Role, User
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
from tilts.core.tests.pdf import make_pdf


@pytest.fixture
def consortium(db: None) -> Consortium:
    consortium = ConsortiumFactory()
    for number in range(1, 6):
        GoalFactory(consortium=consortium, number=number)
    return consortium


@pytest.fixture
def goals(consortium: Consortium) -> list[Goal]:
    return list(consortium.goals.order_by("number"))


@pytest.fixture
def member(consortium: Consortium) -> Organisation:
    return MemberFactory(consortium=consortium).organisation


@pytest.fixture
def other_member(consortium: Consortium) -> Organisation:
    return MemberFactory(consortium=consortium).organisation


@pytest.fixture
def coordinator(consortium: Consortium) -> User:
    return UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator)


@pytest.fixture
def auditor(db: None) -> User:
    return UserFactory(role=Role.AUDITOR)


@pytest.fixture
def evaluator(db: None) -> User:
    return UserFactory(role=Role.EVALUATOR)


@pytest.fixture
def member_contact(member: Organisation) -> User:
    return UserFactory(role=Role.MEMBER_CONTACT, organisation=member)


@pytest.fixture
def participant(member: Organisation) -> User:
    return UserFactory(role=Role.PARTICIPANT, organisation=member)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator_client(coordinator: User) -> Client:
    return client_for(coordinator)


@pytest.fixture
def auditor_client(auditor: User) -> Client:
    return client_for(auditor)


@pytest.fixture
def member_client(member_contact: User) -> Client:
    return client_for(member_contact)


@pytest.fixture
def participant_client(participant: User) -> Client:
    return client_for(participant)


@pytest.fixture
def evaluator_client(evaluator: User) -> Client:
    return client_for(evaluator)


@pytest.fixture
def pdf_bytes() -> bytes:
    """A real, minimal one-page PDF: uploads are parsed whole (tilts.core.uploads.pdf_problem)."""
    return make_pdf()


@pytest.fixture
def log_in(page: Any, live_server: Any) -> Callable[[User], None]:
    """``log_in(user)`` logs the person into the browser test's page (the login form has its own tests)."""
    from tilts.core.tests.browser import log_in_as

    def log_in(user: User) -> None:
        log_in_as(page, live_server.url, user)

    return log_in


class Counter:
    """A figure's compute function that counts its calls (and returns the count): how often it really ran."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls

"""Who may open a back-office page about a real object (an institution, a person, an application to join).

Every page and API operation, with the status each role gets, is in the permission matrix
(test_permission_matrix.py); here the objects exist, so reach (404) and role (403) are told apart.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, JoinApplication, Organisation
from tilts.consortium.tests.factories import JoinApplicationFactory
from tilts.core.tests.fixtures import client_for

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "auditor", "member_contact", "participant", "evaluator"]


@pytest.fixture
def people(
    coordinator: User, auditor: User, member_contact: User, participant: User, evaluator: User
) -> dict[str, User]:
    return {
        "coordinator": coordinator,
        "auditor": auditor,
        "member_contact": member_contact,
        "participant": participant,
        "evaluator": evaluator,
    }


@pytest.fixture
def application(consortium: Consortium, goals) -> JoinApplication:
    application = JoinApplicationFactory(consortium=consortium)
    application.goals.set(goals[:1])
    return application


# (url name, object, who may GET it); everybody else logged in gets 403 or 404, anonymous is sent to log in.
PAGES = [
    ("backoffice:application", "application", {"coordinator", "auditor"}),
    ("backoffice:member", "member", {"coordinator", "auditor", "member_contact", "participant"}),
    ("backoffice:member", "other_member", {"coordinator", "auditor"}),
    ("backoffice:member_edit", "member", {"coordinator", "member_contact"}),
    ("backoffice:member_edit", "other_member", {"coordinator"}),
    ("people:detail", "participant", {"coordinator", "auditor", "member_contact"}),
    ("people:detail", "coordinator", {"coordinator", "auditor"}),
    ("people:edit", "participant", {"coordinator", "member_contact"}),
]


def resolve(name: str, key: str, objects: dict[str, object]) -> str:
    return reverse(name, args=[objects[key].pk])  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "key", "allowed"), PAGES, ids=[f"{p[0]}[{p[1]}]" for p in PAGES])
def test_page_access_by_role(
    name: str,
    key: str,
    allowed: set[str],
    people: dict[str, User],
    member: Organisation,
    other_member: Organisation,
    application: JoinApplication,
) -> None:
    objects = {"member": member, "other_member": other_member, "application": application, **people}
    url = resolve(name, key, objects)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for role, user in people.items():
        status = client_for(user).get(url).status_code
        if role in allowed:
            assert status == 200, f"{role} should open {url}, got {status}"
        else:
            assert status in (403, 404), f"{role} must not open {url}, got {status}"


@pytest.mark.parametrize("role", ["auditor", "member_contact", "participant", "evaluator"])
def test_only_the_coordinator_decides_applications(
    role: str, people: dict[str, User], application: JoinApplication
) -> None:
    client = client_for(people[role])
    assert client.post(reverse("backoffice:application_accept", args=[application.pk])).status_code == 403
    assert (
        client.post(reverse("backoffice:application_reject", args=[application.pk]), {"reason": "x"}).status_code == 403
    )
    application.refresh_from_db()
    assert application.status == "pending"


def test_auditor_sees_no_edit_buttons(auditor_client: Client, member: Organisation) -> None:
    html = auditor_client.get(reverse("backoffice:member", args=[member.pk])).text
    assert reverse("backoffice:member_edit", args=[member.pk]) not in html
    assert auditor_client.post(reverse("backoffice:member_edit", args=[member.pk]), {}).status_code == 403


def test_member_contact_cannot_edit_another_member_by_changing_the_id(
    member_client: Client, other_member: Organisation
) -> None:
    response = member_client.post(reverse("backoffice:member_edit", args=[other_member.pk]), {"legal_name": "Hacked"})
    assert response.status_code == 404
    other_member.refresh_from_db()
    assert other_member.legal_name != "Hacked"


def test_deactivated_user_is_refused(participant: User, member: Organisation) -> None:
    client = client_for(participant)
    participant.is_active = False
    participant.save()
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code in (302, 403)

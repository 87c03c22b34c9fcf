"""The parts of every page kept in process memory (tilts.core.fragments) and the consortium kept per figures version
(figures.in_process): each person still sees their own menu, address and token, in their language, and a change
of role or of the consortium shows on the next page."""

import re
import time
from unittest import mock

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.selectors import get_consortium
from tilts.consortium.tests.factories import ConsortiumFactory, MemberFactory
from tilts.core import figures
from tilts.core.tests.fixtures import client_for

pytestmark = pytest.mark.django_db

MEMBERS = 'href="/en/manage/members/"'


def menu(html: str) -> str:
    start = html.index('class="backoffice-nav"')
    return html[start : html.index("</nav>", start)]


def member_count(html: str) -> int:
    found = re.search(r"(\d+) members?</a>", html)
    assert found is not None
    return int(found.group(1))


def token_of(html: str) -> str:
    found = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_menu_follows_role_and_language(coordinator_client: Client, participant_client: Client) -> None:
    for _ in range(2):  # the second time from memory
        coordinator = menu(coordinator_client.get("/en/manage/").text)
        participant = menu(participant_client.get("/en/manage/").text)
        latvian = menu(coordinator_client.get("/manage/").text)
        assert MEMBERS in coordinator and MEMBERS not in participant
        assert ">Consortium<" in coordinator and ">Konsorcijs<" in latvian and 'href="/manage/members/"' in latvian


def test_a_role_change_shows_on_the_next_page(participant, participant_client: Client) -> None:
    assert MEMBERS not in menu(participant_client.get("/en/manage/").text)
    participant.role = Role.AUDITOR
    participant.save()
    assert MEMBERS in menu(participant_client.get("/en/manage/").text)
    participant.role = Role.PARTICIPANT
    participant.save()
    assert MEMBERS not in menu(participant_client.get("/en/manage/").text)


def test_each_request_gets_its_own_address_token_and_return_path(participant, member) -> None:
    other = UserFactory(role=Role.PARTICIPANT, organisation=member, email="o'brien&co@example.org")
    first, second = client_for(participant), client_for(other)
    pages = [first.get("/en/manage/").text, second.get("/en/manage/?a=1&b=<2>").text]
    for page in pages:
        field = f'name="csrfmiddlewaretoken" value="{token_of(page)}"'
        # The logout form and the language switch carry this page's token.
        assert field in menu(page) and field in page[page.index('class="lang-switch"') :]
        assert "\ue000" not in page and "\ue001" not in page
    assert f"({participant.email})" in pages[0]
    assert "(o&#x27;brien&amp;co@example.org)" in pages[1] and participant.email not in pages[1]
    assert token_of(pages[0]) != token_of(pages[1])
    assert 'name="next" value="/en/manage/"' in pages[0]
    assert 'name="next" value="/en/manage/?a=1&amp;b=%3C2%3E"' in pages[1]


def test_the_public_menu_marks_the_current_page_and_the_sign_in_state(client: Client, consortium, evaluator) -> None:
    goals = client.get("/en/goals/").text
    assert 'href="/en/goals/" aria-current="page"' in goals and ">Log in<" in goals
    members = client.get("/en/members/").text
    assert 'href="/en/goals/" aria-current' not in members and 'href="/en/members/" aria-current="page"' in members
    client.force_login(evaluator)
    assert ">My work<" in client.get("/en/goals/").text


def test_a_page_without_a_token_has_no_empty_form_field(consortium) -> None:
    html = render_to_string("404.html", {"consortium": consortium})
    assert "csrfmiddlewaretoken" not in html and "\ue000" not in html
    assert consortium.contact_email in html and f'class="brand" href="/">{consortium.name}' in html


def test_the_footer_follows_the_consortium(client: Client, consortium) -> None:
    assert "+371 67806129" in client.get("/en/").text
    consortium.contact_phones = "+371 20000000"
    consortium.save()
    page = client.get("/en/").text
    assert "+371 20000000" in page and "+371 67806129" not in page


@pytest.mark.django_db(transaction=True)
def test_the_consortium_is_read_once_per_process_until_something_changes(django_assert_num_queries) -> None:
    consortium = ConsortiumFactory()  # committed: nothing in this test's transaction can roll back
    client = Client()
    client.get("/en/")
    with django_assert_num_queries(0):  # the version is in the (process-local) test cache
        assert consortium.name_en in client.get("/en/").text
    consortium.name_en = "Renamed consortium"
    consortium.save()
    with django_assert_num_queries(3):  # the consortium, the goals and the member count, once
        assert "Renamed consortium" in client.get("/en/").text
    with django_assert_num_queries(0):
        before = member_count(client.get("/en/").text)
    MemberFactory(consortium=consortium)
    assert member_count(client.get("/en/").text) == before + 1  # the home's own figures are dropped too
    with django_assert_num_queries(0):
        client.get("/en/")
    later = time.monotonic() + figures.FIGURES_SECONDS
    with mock.patch("time.monotonic", return_value=later), django_assert_num_queries(3):
        client.get("/en/")  # all three read again after five minutes at the latest, like a cached figure
    first, second = get_consortium(), get_consortium()
    assert first == second and first is not second  # a copy each: a change to one reaches no other request


@pytest.mark.django_db(transaction=True)
def test_nothing_is_kept_from_a_transaction_that_may_roll_back() -> None:
    consortium = ConsortiumFactory()
    with transaction.atomic():
        consortium.name_en = "Never committed"
        consortium.save()
        assert get_consortium().name_en == "Never committed"  # type: ignore[union-attr]  # its own change
        transaction.set_rollback(True)
    # The rollback bumps no version: had the uncommitted name been kept, it would be read here.
    assert get_consortium().name_en == "Test consortium"  # type: ignore[union-attr]
    assert figures._uncommitted_changes() is False


def test_menu_urls_are_those_of_the_active_language(coordinator_client: Client) -> None:
    assert f'href="{reverse("backoffice:members")}"' in menu(coordinator_client.get("/manage/").text)


def test_a_template_that_shows_no_consortium_reads_none(rf, consortium, django_assert_num_queries) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines

    request = rf.get("/")
    request.user = AnonymousUser()
    engine = engines["django"]
    with django_assert_num_queries(0):  # an htmx fragment, say
        assert engine.from_string("{{ 1 }}").render({}, request) == "1"
    with django_assert_num_queries(1):
        assert engine.from_string("{{ consortium.name }}").render({}, request) == consortium.name

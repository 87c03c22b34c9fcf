"""What each process keeps until the next change (tilts.core.figures.in_process and the copy of every cached value):
a page visited again reads nothing but the session and the version, and yet a change of data, rights or person shows
on the very next request, in every process, and one person's copy never serves another.

The tests commit (``transaction=True``): a test inside a transaction that has written rows keeps nothing in the
process (it could still roll back), which is how every other test runs.
"""

import re
import time
from unittest import mock

import pytest
from cachetools import TLRUCache
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tilts.accounts.models import Role, User
from tilts.accounts.tests.factories import UserFactory
from tilts.core import figures
from tilts.core.tests.fixtures import Counter, client_for
from tilts.exports.tests.helpers import make_mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db(transaction=True)


def tables_read(queries: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


def test_a_cached_value_is_read_again_from_the_process_until_a_change(consortium) -> None:
    compute = Counter()
    assert figures.cached("test:kept", compute) == 1
    cache.delete(figures.full_key("test:kept"))  # gone from the shared cache: only the process still has it
    assert figures.cached("test:kept", compute) == 1
    make_project(consortium)  # a change, committed: the version moves for every process
    assert figures.cached("test:kept", compute) == 2
    figures.forget_in_process()
    assert figures.cached("test:kept", compute) == 2  # from the shared cache again


def test_each_read_gets_its_own_copy() -> None:
    first = figures.cached("test:list", lambda: [1, 2])
    first.append(3)
    assert figures.cached("test:list", lambda: [0]) == [1, 2]


def test_a_value_larger_than_the_process_keeps_is_still_given_and_shared(settings) -> None:
    small = TLRUCache(maxsize=1000, ttu=lambda _key, kept, now: now + kept.seconds, getsizeof=lambda k: len(k.pickled))
    with mock.patch.object(figures, "_local", small):
        assert figures.cached("test:big", lambda: "x" * 5000) == "x" * 5000
        assert len(small) == 0
        assert figures.cached("test:big", lambda: "not read") == "x" * 5000  # from the shared cache
        assert figures.cached("test:small", lambda: "y") == "y"
        assert len(small) == 1


def test_a_page_visited_again_reads_only_the_session_and_the_version(consortium, member, goals, coordinator) -> None:
    project = make_project(consortium)
    make_mobility(project, member, goals, by=coordinator)
    client = client_for(coordinator)
    url = reverse("mobility:list", args=[project.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    read = tables_read(queries)
    assert "accounts_user" not in read and "projects_project" not in read and "mobility_mobility" not in read
    assert "django_session" in read


def test_a_kept_access_is_the_person_s_own_and_ends_with_the_change(consortium, member, goals, coordinator) -> None:
    project = make_project(consortium)
    traveller = UserFactory(role=Role.PARTICIPANT, organisation=member)
    mobility = make_mobility(project, member, goals, by=coordinator, participant=traveller, status="draft")
    url = reverse("mobility:list", args=[project.pk])
    traveller_client = client_for(traveller)
    assert traveller_client.get(url).status_code == 200  # the project is now kept for the traveller
    stranger = UserFactory(role=Role.PARTICIPANT, organisation=member)
    assert client_for(stranger).get(url).status_code == 404  # not for anybody else
    mobility.delete()  # no longer travels in the project
    assert traveller_client.get(url).status_code == 404


def test_the_person_is_read_again_after_any_change_to_them(consortium, member) -> None:
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    client = client_for(contact)
    dashboard = reverse("backoffice:dashboard")
    assert client.get(dashboard).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(dashboard).status_code == 200
    assert "accounts_user" not in tables_read(queries)  # kept in the process
    User.objects.filter(pk=contact.pk).update(is_active=False)  # by another process, say
    assert client.get(dashboard).status_code == 302  # signed out on the very next request


def test_a_new_password_signs_out_the_other_sessions_at_once(consortium, member) -> None:
    person = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    client = client_for(person)
    dashboard = reverse("backoffice:dashboard")
    assert client.get(dashboard).status_code == 200
    User.objects.filter(pk=person.pk).update(password=make_password("a new passphrase 2026"))
    assert client.get(dashboard).status_code == 302  # the session's hash no longer matches the person read again


def test_what_was_kept_under_an_earlier_version_goes_once_a_later_one_is_read(consortium) -> None:
    figures.cached("test:one", lambda: "x" * 1000)
    figures.in_process("test:two", lambda: 2)
    assert len(figures._local) == 2
    make_project(consortium)  # committed: the version moves
    assert figures.cached("test:one", lambda: "y") == "y"
    assert len(figures._local) == 1  # the new value only


def test_a_kept_person_never_writes_an_earlier_sign_in_time_back(consortium, member) -> None:
    """The sign-in time is written without moving the version, so a kept person may be from before the last sign-in;
    saving it (their profile) must not put the earlier time back: password reset links are checked against it."""
    from tilts.accounts.forms import ProfileForm

    person = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    first = client_for(person)
    assert first.get(reverse("people:profile")).status_code == 200  # kept in this process
    client_for(person)  # a second sign-in elsewhere
    signed_in_last = User.objects.get(pk=person.pk).last_login
    form = ProfileForm(instance=person)
    data = {name: "" if value is None else value for name, value in form.initial.items() if name in form.fields}
    data["first_name"] = "Renamed"
    assert first.post(reverse("people:profile"), data).status_code == 302
    saved = User.objects.get(pk=person.pk)
    assert saved.first_name == "Renamed" and saved.last_login == signed_in_last


def test_a_person_object_read_before_a_change_never_leaves_its_answer_for_a_fresh_one(consortium, member) -> None:
    """Outside a request (a background export, say) the person may be read before a change and the version after
    it: what that object was shown is kept under its own state, not for the person as they are now."""
    from tilts.core.access import NotFound
    from tilts.projects.selectors import access_project

    project = make_project(consortium)
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    stale = User.objects.get(pk=contact.pk)
    User.objects.filter(pk=contact.pk).update(role=Role.PARTICIPANT)  # no longer sees every project
    assert access_project(stale, project.pk) == project  # what the query gives for the object as it was read
    with pytest.raises(NotFound):
        access_project(User.objects.get(pk=contact.pk), project.pk)


# --- Pages kept whole (figures.kept_page) ---------------------------------------------------------------------------


def test_a_page_kept_whole_runs_no_view_and_gets_this_requests_token(consortium, member, goals, coordinator) -> None:
    project = make_project(consortium)
    make_mobility(project, member, goals, by=coordinator)
    client = client_for(coordinator)
    url = reverse("mobility:list", args=[project.pk])
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert len(queries) == 1  # the session (the version is in the tests' process-memory cache), nothing of the view
    token = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
    tokens = figures._TOKENS_IN_PAGE
    assert tokens.sub("", first.text) == tokens.sub("", second.text)  # the same page but for the tokens
    assert figures.CSRF_HOLE not in second.text
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    client.get(url)
    kept = client.get(url).text
    request_export = {"csrfmiddlewaretoken": token.search(kept)[1], "kind": "mobilities", "target": project.pk}
    assert client.post(reverse("listexports:request"), {**request_export, "format": "csv"}).status_code != 403


def test_a_kept_page_is_the_persons_own_in_their_language_and_for_this_address(consortium, member) -> None:
    coordinator = UserFactory(role=Role.COORDINATOR)
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    coordinators, contacts = client_for(coordinator), client_for(contact)
    dashboard = reverse("backoffice:dashboard")
    for client in (coordinators, contacts):
        client.get(dashboard)
    assert (
        coordinator.email in coordinators.get(dashboard).text and contact.email not in coordinators.get(dashboard).text
    )
    assert contact.email in contacts.get(dashboard).text
    with translation.override("en"):
        english = reverse("backoffice:dashboard")
    assert english != dashboard and 'lang="en"' in coordinators.get(english).text
    people = reverse("people:list")
    coordinators.get(people)
    assert coordinators.get(people + "?q=zzz").text != coordinators.get(people).text


def test_messages_are_shown_once_and_never_kept(coordinator) -> None:
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory

    calls = []

    @figures.kept_page
    def page(request: HttpRequest) -> HttpResponse:
        calls.append(request)
        return HttpResponse(", ".join(str(message) for message in messages.get_messages(request)) or "none")

    def request_with(*texts: str) -> HttpRequest:
        request = RequestFactory().get("/a-page/")
        request.user = coordinator
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        for text in texts:
            messages.success(request, text)
        return request

    assert page(request_with()).content == b"none"  # kept
    assert (
        page(request_with("Saglabāts!")).content.decode() == "Saglabāts!"
    )  # the view runs: its messages are shown once
    assert page(request_with()).content == b"none"
    assert len(calls) == 2  # the page without messages came from what was kept, not the one with them


def test_a_refusal_is_not_kept_and_a_change_of_role_shows_at_once(consortium, member, goals, coordinator) -> None:
    project = make_project(consortium)
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    client = client_for(contact)
    reports = reverse("reporting:list", args=[project.pk])
    assert client.get(reports).status_code == 200
    assert client.get(reports).status_code == 200  # kept
    User.objects.filter(pk=contact.pk).update(role=Role.PARTICIPANT)
    assert client.get(reports).status_code == 403  # role_required runs on every visit, with the person read again
    assert client_for(UserFactory(role=Role.PARTICIPANT, organisation=member)).get(reports).status_code == 403


def test_the_two_factor_banner_from_the_session_goes_with_it(consortium) -> None:
    from tilts.accounts import mfa

    person = UserFactory(role=Role.COORDINATOR)  # must set up 2FA: signing in starts the grace period
    client = client_for(person)
    dashboard = reverse("backoffice:dashboard")
    banner = "Jūsu lomai ir nepieciešama divpakāpju autentifikācija"
    assert banner in client.get(dashboard).text
    assert banner in client.get(dashboard).text  # kept
    session = client.session
    session.pop(mfa.SESSION_KEY)  # what adding an authenticator does (mfa.on_authenticator_added)
    session.save()
    assert banner not in client.get(dashboard).text


def test_a_page_kept_whole_lives_a_minute_here_for_what_is_left_of_its_shared_life(consortium, coordinator) -> None:
    client = client_for(coordinator)
    dashboard = reverse("backoffice:dashboard")
    client.get(dashboard)
    (stored,) = [key for key in cache._cache if ":page:" in key]  # type: ignore[attr-defined]
    key = stored.split(":", 2)[2]  # without the cache's own prefix: what figures keeps it under
    assert cache._expire_info[stored] - time.time() <= figures.RECHECK_SECONDS  # type: ignore[attr-defined]
    assert figures._local_get(key)[0]
    with mock.patch("time.monotonic", return_value=time.monotonic() + figures.RECHECK_SECONDS + 1):
        assert not figures._local_get(key)[0]  # a minute at most: the page skips the view's access check
    # A copy read from the shared cache late in its life is kept here only for what is left of it.
    figures.forget_in_process()
    _until, headers, body = cache.get(key)
    cache.set(key, (time.time() + 5, headers, body))
    client.get(dashboard)
    assert figures._local_get(key)[0]
    with mock.patch("time.monotonic", return_value=time.monotonic() + 6):
        assert not figures._local_get(key)[0]


def test_a_page_holding_the_holes_characters_or_an_unreplaced_token_is_not_kept(coordinator) -> None:
    from django.http import HttpRequest, HttpResponse
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    calls = []

    def page_with(text: str):  # type: ignore[no-untyped-def]
        @figures.kept_page
        def page(request: HttpRequest) -> HttpResponse:
            calls.append(request)
            return HttpResponse(text(request))

        return page

    def request() -> HttpRequest:
        made = RequestFactory().get("/a-page/")
        made.user = coordinator
        made.session = {}  # type: ignore[assignment]
        made._messages = []  # type: ignore[attr-defined]
        return made

    for text in (lambda r: f"<p>{figures.CSRF_HOLE}</p>", lambda r: f'<p data-token="{get_token(r)}"></p>'):
        view = page_with(text)
        view(request())
        view(request())
        assert len(calls) == 2
        calls.clear()
        figures.forget_in_process()
        cache.clear()


def test_submitted_text_with_private_use_characters_is_refused(consortium, member) -> None:
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    response = client_for(contact).post(reverse("people:profile"), {"first_name": "X\ue000csrf_token\ue001Y"})
    assert response.status_code == 400 or response.status_code == 422
    assert User.objects.get(pk=contact.pk).first_name != "X\ue000csrf_token\ue001Y"

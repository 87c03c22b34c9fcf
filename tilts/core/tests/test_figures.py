"""Cached figures (tilts.core.figures): kept between requests, dropped by any change to the project's data, at once
and again when the change commits; the dashboard shows a change on the next visit."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from tilts.accounts.models import AccessRecord
from tilts.consortium.models import JoinApplication, JoinApplicationStatus
from tilts.core import figures
from tilts.core.tests.fixtures import Counter
from tilts.exports.tests.helpers import make_mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


def test_a_figure_is_computed_once_until_something_changes(consortium, member, goals, coordinator) -> None:
    compute = Counter()
    assert figures.cached("test:counter", compute) == 1
    assert figures.cached("test:counter", compute) == 1
    project = make_project(consortium)  # any saved row of the project's models
    assert figures.cached("test:counter", compute) == 2
    mobility = make_mobility(project, member, goals, by=coordinator, status="draft")
    assert figures.cached("test:counter", compute) == 3
    assert figures.cached("test:counter", compute) == 3
    mobility.goals.remove(goals[0])  # a link changed, no row saved
    assert figures.cached("test:counter", compute) == 4
    mobility.delete()
    assert figures.cached("test:counter", compute) == 5


def test_the_access_log_and_other_apps_rows_change_nothing(coordinator) -> None:
    compute = Counter()
    figures.cached("test:counter", compute)
    AccessRecord.objects.create(user=coordinator, action="people:detail", method="GET", path="/people/1/")
    from django.contrib.sessions.backends.db import SessionStore

    SessionStore().create()
    assert figures.cached("test:counter", compute) == 1


def test_a_change_drops_the_figures_again_once_when_it_commits(consortium) -> None:
    compute = Counter()
    figures.cached("test:counter", compute)
    with transaction.atomic():
        make_project(consortium)
        assert figures.cached("test:counter", compute) == 2  # at once: this transaction sees its own change
        make_project(consortium)
        # Again on commit, once for the whole transaction: what another worker computed meanwhile is dropped too.
        connection = transaction.get_connection()
        on_commit = [hook for _ids, hook, _robust in connection.run_on_commit if isinstance(hook, figures._CommitHook)]
        assert len(on_commit) == 1
    assert figures.cached("test:counter", compute) == 3
    on_commit[0]()
    assert figures.cached("test:counter", compute) == 4


def test_a_request_reads_the_consortium_once_until_something_changes(consortium, django_assert_num_queries) -> None:
    from tilts.consortium.selectors import get_consortium

    figures._request_starts()  # what request_started does (sending it would also close the test's connection)
    try:
        with django_assert_num_queries(1):
            assert get_consortium() == consortium
            assert get_consortium() == consortium
        consortium.save()
        with django_assert_num_queries(1):
            assert get_consortium() == consortium
    finally:
        figures._request_ends()
    with django_assert_num_queries(2):  # outside a request, each time
        get_consortium()
        get_consortium()


def test_the_dashboard_shows_a_new_application_to_join_on_the_next_visit(
    coordinator_client: Client, consortium
) -> None:
    url = "/en" + reverse("backoffice:dashboard")
    assert "application to join waits" not in coordinator_client.get(url).text
    JoinApplication.objects.create(
        consortium=consortium,
        legal_name="Cēsu bibliotēka",
        type="library",
        city="Cēsis",
        contact_name="Anna",
        contact_email="anna@example.lv",
        status=JoinApplicationStatus.PENDING,
    )
    page = coordinator_client.get(url).text
    assert "1 application to join waits for a decision" in page
    assert "Cēsu bibliotēka" in page


def test_a_version_lost_from_the_cache_never_comes_back_as_an_earlier_number() -> None:
    """The database cache's incr stores the number again with the default timeout; a version that then expired and
    restarted at 1 would find values kept under the old 1. A missing version starts from the clock instead."""
    from django.core.cache import cache

    version = figures.Version("test:figures:version")
    first = version.read()
    version.bump()
    bumped = version.read()
    assert bumped == first + 1
    cache.delete(version.key)  # expired or evicted
    assert version.read() > bumped


def test_a_bumped_version_does_not_expire_in_the_database_cache(settings) -> None:
    """Django's database cache (the default backend) gives incr's result the default timeout (five minutes)."""
    from django.core.management import call_command
    from django.db import connection

    settings.CACHES = {"default": {"BACKEND": "tilts.core.cache.DatabaseCache", "LOCATION": "tilts_test_versions"}}
    call_command("createcachetable", "tilts_test_versions", verbosity=0)
    version = figures.Version("test:figures:db-version")
    version.read()
    version.bump()
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM tilts_test_versions WHERE cache_key LIKE %s", ["%db-version"])
        (expires,) = cursor.fetchone()
    assert expires.year == 9999  # the database cache's "never"


def test_a_rendered_part_is_kept_per_person_language_and_parts_until_a_change(consortium, coordinator, member_contact):
    request = RequestFactory().get("/")
    request.user = coordinator
    render = Counter()
    html = lambda: f"<p>{render()}</p>"  # noqa: E731
    assert figures.cached_html(request, "test", (1, "q=a"), html) == "<p>1</p>"
    assert figures.cached_html(request, "test", (1, "q=a"), html) == "<p>1</p>"
    assert figures.cached_html(request, "test", (1, "q=b"), html) == "<p>2</p>"  # other filters
    request.user = member_contact
    assert figures.cached_html(request, "test", (1, "q=a"), html) == "<p>3</p>"  # another person
    with translation.override("en"):
        assert figures.cached_html(request, "test", (1, "q=a"), html) == "<p>4</p>"  # another language
    make_project(consortium)
    assert figures.cached_html(request, "test", (1, "q=a"), html) == "<p>5</p>"  # the data changed


def test_a_rendered_part_with_a_form_token_is_refused(coordinator) -> None:
    request = RequestFactory().get("/")
    request.user = coordinator
    with pytest.raises(ValueError, match="CSRF"):
        figures.cached_html(request, "test", (), lambda: '<input name="csrfmiddlewaretoken" value="x">')


def test_a_rendered_part_with_forms_keeps_a_hole_and_each_request_gets_its_own_token(coordinator) -> None:
    from django.middleware.csrf import _unmask_cipher_token
    from django.template import engines

    def request_with_token() -> Any:
        request = RequestFactory().get("/")
        request.user = coordinator
        request.META["CSRF_COOKIE"] = "a" * 32  # the session's secret, as CsrfViewMiddleware sets it
        return request

    form = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')
    render = Counter()

    def html() -> str:
        render()
        return form.render({"csrf_token": figures.CSRF_HOLE})

    first = figures.cached_html(request_with_token(), "test:forms", (), html, forms=True)
    second = figures.cached_html(request_with_token(), "test:forms", (), html, forms=True)
    assert render.calls == 1  # the second request read what the first kept
    kept = cache.get(figures.full_key(f"html:{figures.for_person(request_with_token(), 'test:forms', ())}"))
    assert figures.CSRF_HOLE in kept and "a" * 32 not in kept
    tokens = [page.split('value="')[1].split('"')[0] for page in (first, second)]
    assert tokens[0] != tokens[1]  # each request's own masked token ...
    assert {_unmask_cipher_token(token) for token in tokens} == {"a" * 32}  # ... of the session's secret
    assert figures.CSRF_HOLE not in first + second


def test_a_part_with_forms_must_hold_the_hole_not_a_token(coordinator) -> None:
    request = RequestFactory().get("/")
    request.user = coordinator
    with pytest.raises(ValueError, match="CSRF_HOLE"):
        figures.cached_html(request, "test", (), lambda: '<input name="csrfmiddlewaretoken" value="x">', forms=True)


def test_another_version_is_read_with_the_figures_own_in_one_query(settings, django_assert_num_queries) -> None:
    from django.core.management import call_command

    settings.CACHES = {"default": {"BACKEND": "tilts.core.cache.DatabaseCache", "LOCATION": "tilts_test_versions"}}
    call_command("createcachetable", "tilts_test_versions", verbosity=0)
    other = figures.Version("test:figures:other-version")
    started = other.read(), figures.version()
    figures.versions(*figures._known.values())  # every version this process knows is started (any later read: 1)
    other.bump()
    in_request = figures._request_memo.set({})  # what a request reads once (figures connects it to its signals)
    try:
        with django_assert_num_queries(1):
            (read,) = figures.versions(other)
            assert figures.version() == started[1]  # kept for the request: no second query
        assert read == started[0] + 1
    finally:
        figures._request_memo.reset(in_request)

"""A project's follow-ups, the public results and the goals dashboard keep their rendered lists and tables between
two changes (tilts.core.figures): a second visit reads no follow-up, a change made through a service shows on the
next visit, and no one is shown what was rendered for someone else or in the other language."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup import views
from tilts.followup.services import approve_followup
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.django_db


def visit(client: Client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def url_of(name: str, *args: Any, language: str = "en", query: str = "") -> str:
    with translation.override(language):
        return reverse(name, args=args) + query


def reads_followups(sql: list[str]) -> bool:
    return any("followup_followup" in query for query in sql)


@pytest.fixture
def project(consortium: Consortium, member: Organisation, other_member: Organisation, goals: list[Goal]) -> Any:
    project = make_project(consortium)
    ours = mobility(project, member, goals=goals[:1])
    theirs = mobility(project, other_member, make_participant(other_member), goals=goals[:1])
    followup([ours], goals[:1], title="Mūsu darbnīca")
    followup([theirs], goals[:1], title="Viņu seminārs")
    return project


def test_a_projects_second_visit_reads_no_follow_up(coordinator_client: Client, project: Any) -> None:
    url = url_of("followup:project", project.pk)
    first, first_sql = visit(coordinator_client, url)
    second, sql = visit(coordinator_client, url)
    assert reads_followups(first_sql)
    assert not reads_followups(sql) and not any("mobility_mobility" in query for query in sql)
    assert len(sql) <= 4  # the session, the person, the project, the consortium for the menu
    for page in (first, second):
        assert "Mūsu darbnīca" in page and "Viņu seminārs" in page


def test_a_projects_follow_up_recorded_through_the_service_shows_on_the_next_visit(
    coordinator_client: Client, project: Any, member: Organisation, goals: list[Goal]
) -> None:
    url = url_of("followup:project", project.pk)
    visit(coordinator_client, url)
    followup([project.mobilities.filter(sending_organisation=member).get()], goals[:1], title="Jaunā lekcija")
    after, sql = visit(coordinator_client, url)
    assert "Jaunā lekcija" in after and reads_followups(sql)


def test_a_projects_pages_are_rendered_apart(coordinator_client: Client, project: Any, monkeypatch) -> None:
    from tilts.core import pagination

    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    first = visit(coordinator_client, url_of("followup:project", project.pk))[0]
    second = visit(coordinator_client, url_of("followup:project", project.pk, query="?page=2"))[0]
    assert ("Mūsu darbnīca" in first) != ("Mūsu darbnīca" in second)


def test_another_members_contact_never_gets_anothers_rendering(
    coordinator_client: Client, member_client: Client, project: Any, other_member: Organisation
) -> None:
    url = url_of("followup:project", project.pk)
    visit(coordinator_client, url)
    visit(member_client, url)
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    theirs, sql = visit(other_contact, url)
    assert "Viņu seminārs" in theirs and "Mūsu darbnīca" not in theirs and reads_followups(sql)


def test_a_projects_other_language_has_its_own_rendering(coordinator_client: Client, project: Any) -> None:
    english = visit(coordinator_client, url_of("followup:project", project.pk))[0]
    latvian = visit(coordinator_client, url_of("followup:project", project.pk, language="lv"))[0]
    assert "Colleagues reached per mobility" in english and "Colleagues reached per mobility" not in latvian


def test_the_public_results_second_visit_reads_no_follow_up(
    client: Client, coordinator: Any, project: Any, member: Organisation, goals: list[Goal]
) -> None:
    for delivered in project.followups.all():
        approve_followup(delivered, by=coordinator)
    url = url_of("followup:results")
    first, first_sql = visit(client, url)
    second, sql = visit(client, url)
    assert reads_followups(first_sql) and not reads_followups(sql)
    assert len(sql) <= 1  # the consortium, for the menu and the page
    assert "Mūsu darbnīca" in first and "Mūsu darbnīca" in second
    lecture = followup([project.mobilities.filter(sending_organisation=member).get()], goals[:1], title="Lekcija")
    assert "Lekcija" not in visit(client, url)[0]  # not public until approved
    approve_followup(lecture, by=coordinator)
    assert "Lekcija" in visit(client, url)[0]


def test_the_public_results_in_each_language_and_only_for_their_own_links(
    client: Client, project: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = visit(client, url_of("followup:results"))[0]
    latvian = visit(client, url_of("followup:results", language="lv"))[0]
    assert "Results: what our mobilities passed on" in english
    assert "Results: what our mobilities passed on" not in latvian
    rendered: list[Any] = []
    original = views.figures.public_results
    monkeypatch.setattr(views.figures, "public_results", lambda *args: rendered.append(args) or original(*args))
    visit(client, url_of("followup:results"))
    assert rendered == []
    odd = url_of("followup:results", query="?page=1&utm=x")
    visit(client, odd)
    visit(client, odd)
    assert len(rendered) == 2  # not kept: any query string would otherwise fill the cache


def test_the_public_results_past_the_last_page_are_kept_as_the_last_page(
    client: Client, project: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any page number shows a page (the last one past the end) but only real pages are kept: numbers made up by
    a visitor cannot fill the cache."""
    kept: list[tuple[object, ...]] = []
    original = views.core_figures.cached_html
    monkeypatch.setattr(
        views.core_figures,
        "cached_html",
        lambda request, name, parts, render: kept.append(parts) or original(request, name, parts, render),
    )
    visit(client, url_of("followup:results"))
    for number in ("7", "9999", "123456789"):
        assert (
            "Results: what our mobilities passed on"
            in visit(client, url_of("followup:results", query=f"?page={number}"))[0]
        )
    assert set(kept) == {(project.consortium_id, 1)}


def test_the_goals_dashboard_second_visit_reads_no_follow_up_nor_project_list(
    coordinator_client: Client, project: Any
) -> None:
    url, export = url_of("followup:dashboard"), url_of("listexports:request")
    first, first_sql = visit(coordinator_client, url)
    second, sql = visit(coordinator_client, url)
    assert reads_followups(first_sql) and any("projects_project" in query for query in first_sql)
    assert not reads_followups(sql) and not any("projects_project" in query for query in sql)
    assert len(sql) <= 3  # the session, the person, the consortium
    for page in (first, second):
        assert f'<option value="{project.pk}">' in page
        # The list export's form, with its token, rendered on each visit.
        assert f'action="{export}"><input type="hidden" name="csrfmiddlewaretoken"' in page


def test_the_goals_dashboard_of_a_member_contact_is_their_institutions(
    coordinator_client: Client, project: Any, other_member: Organisation
) -> None:
    url = url_of("followup:dashboard")
    visit(coordinator_client, url)
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    page, sql = visit(other_contact, url)
    assert f"The numbers of {other_member}" in page and reads_followups(sql)

"""The export page keeps what it shows of the module's check (tilts.core.figures.cached_html and a figure for its
head): a second visit reads no mobility, a change is shown on the next visit (also one that only bumps the check
summaries' version), the buttons' forms keep their CSRF token, and no one is shown another person's rendering
or the other language's."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.exports import services, summaries
from tilts.exports.tests.helpers import awarded, make_mobility
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.django_db

HELD_BACK = "1 mobility is held back by a problem."


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


def visit(client: Client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def url_of(project: Any, language: str = "en") -> str:
    with translation.override(language):
        return reverse("exports:project", args=[project.pk])


def reads_mobilities(sql: list[str]) -> bool:
    return any("mobility_mobility" in query for query in sql)


def test_a_second_visit_reads_no_mobility_and_keeps_the_forms_token(
    coordinator_client, project, member, goals, coordinator
) -> None:
    held = make_mobility(project, member, goals, by=coordinator, transport=None)
    # The first visit would give the new mobility its Mobility activity ID, which makes what it rendered stale at
    # once (the summaries' version moves): the IDs are given here, as an earlier visit would have.
    services.assign_activity_ids(project)
    start = url_of(project) + "start/"  # exports:start
    first, first_sql = visit(coordinator_client, url_of(project))
    second, sql = visit(coordinator_client, url_of(project))
    assert reads_mobilities(first_sql) and not reads_mobilities(sql)
    assert not any("exports_agreementmember" in query for query in sql)
    assert len(sql) <= 4  # the session, the person, the project, the consortium for the menu
    for page in (first, second):
        assert HELD_BACK in page and reverse("mobility:detail", args=[held.pk]) in page
        # The buttons' forms, each with this request's token (the kept part holds a hole for it).
        assert page.count(f'action="{start}"><input type="hidden" name="csrfmiddlewaretoken"') == 2


def test_a_change_through_a_service_shows_on_the_next_visit(
    coordinator_client, project, member, goals, coordinator
) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator, transport=None)
    assert HELD_BACK in visit(coordinator_client, url_of(project))[0]
    services.save_module_details(mobility, means_of_transport="plane")
    after, sql = visit(coordinator_client, url_of(project))
    assert HELD_BACK not in after and reads_mobilities(sql)


def test_a_new_version_of_the_check_summaries_drops_the_page_too(
    coordinator_client, project, member, goals, coordinator
) -> None:
    """Writes that send no signal (the activity IDs' bulk insert) bump only the summaries' version."""
    make_mobility(project, member, goals, by=coordinator, transport=None)
    services.assign_activity_ids(project)
    visit(coordinator_client, url_of(project))
    assert not reads_mobilities(visit(coordinator_client, url_of(project))[1])
    summaries.bump()
    assert reads_mobilities(visit(coordinator_client, url_of(project))[1])


def test_a_member_contact_never_gets_the_coordinators_rendering(
    coordinator_client, project, member, other_member, goals, coordinator
) -> None:
    ours = make_mobility(project, member, goals, by=coordinator, transport=None)
    theirs = make_mobility(
        project, other_member, goals, by=coordinator, transport=None, participant=make_participant(other_member)
    )
    coordinators = visit(coordinator_client, url_of(project))[0]
    assert "2 mobilities are held back by a problem." in coordinators
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    page, sql = visit(other_contact, url_of(project))
    assert HELD_BACK in page and reads_mobilities(sql)
    assert reverse("mobility:detail", args=[theirs.pk]) in page
    assert reverse("mobility:detail", args=[ours.pk]) not in page


def test_the_other_language_has_its_own_rendering(coordinator_client, project, member, goals, coordinator) -> None:
    make_mobility(project, member, goals, by=coordinator, transport=None)
    english = visit(coordinator_client, url_of(project, "en"))[0]
    latvian = visit(coordinator_client, url_of(project, "lv"))[0]
    assert HELD_BACK in english and "Left out of the module's import" in english
    assert HELD_BACK not in latvian and "Left out of the module's import" not in latvian


def test_ones_recent_exports_are_kept_and_a_jobs_progress_shows_on_the_next_visit(
    coordinator_client, project, member, goals, coordinator
) -> None:
    """The recent exports are part of the kept content: a job's progress (an update() of one column by the worker)
    is a change, so the next visit shows it."""
    from tilts.exports.models import ExportJob, ExportKind, ExportStatus

    make_mobility(project, member, goals, by=coordinator, transport=None)
    services.assign_activity_ids(project)
    assert "No exports prepared in the background yet." in visit(coordinator_client, url_of(project))[0]
    job = ExportJob.objects.create(
        created_by=coordinator, project=project, kind=ExportKind.XLSX, status=ExportStatus.RUNNING, progress=40
    )
    page = visit(coordinator_client, url_of(project))[0]
    assert "(40 %)" in page and reverse("exports:job", args=[job.pk]) in page
    assert "(40 %)" in visit(coordinator_client, url_of(project))[0]
    ExportJob.objects.filter(pk=job.pk).update(progress=70)
    assert "(70 %)" in visit(coordinator_client, url_of(project))[0]

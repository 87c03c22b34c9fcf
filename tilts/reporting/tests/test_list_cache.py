"""A project's reports list is rendered once between two changes (tilts.core.figures.cached_html): a second visit
reads no report, a change made through a service shows on the next one, and no one is shown what was rendered for
someone else or in the other language."""

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
from tilts.mobility.tests.factories import make_participant
from tilts.reporting import services
from tilts.reporting.tests.helpers import confirmed_mobility, submitted_report

pytestmark = pytest.mark.django_db


def visit(client: Client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def url_of(project: Any, language: str = "en", query: str = "") -> str:
    with translation.override(language):
        return reverse("reporting:list", args=[project.pk]) + query


@pytest.fixture
def others_report(project, other_member, goals, coordinator):
    return services.open_report(
        confirmed_mobility(project, other_member, make_participant(other_member), goals, coordinator)
    )


def test_a_second_visit_reads_no_report_nor_mobility(report, others_report, project, coordinator_client) -> None:
    first, first_sql = visit(coordinator_client, url_of(project))
    second, sql = visit(coordinator_client, url_of(project))
    assert any("reporting_participantreport" in query for query in first_sql)
    assert not any("reporting_participantreport" in query or "mobility_mobility" in query for query in sql)
    assert len(sql) <= 4  # the session, the person, the project and its access; the consortium for the menu
    for page in (first, second):
        assert reverse("reporting:detail", args=[report.pk]) in page
        assert reverse("reporting:detail", args=[others_report.pk]) in page
        assert "2 reports" in page


def test_each_filter_and_page_has_its_own_rendering(report, others_report, project, coordinator_client) -> None:
    visit(coordinator_client, url_of(project))
    submitted_report(report)
    visit(coordinator_client, url_of(project))
    submitted, _sql = visit(coordinator_client, url_of(project, query="?status=submitted"))
    assert reverse("reporting:detail", args=[report.pk]) in submitted
    assert reverse("reporting:detail", args=[others_report.pk]) not in submitted
    assert '<option value="submitted" selected>' in submitted


def test_a_change_through_a_service_shows_on_the_next_visit(report, project, coordinator_client) -> None:
    before, _sql = visit(coordinator_client, url_of(project))
    assert '<span class="badge pending">' in before
    submitted_report(report)
    after, sql = visit(coordinator_client, url_of(project))
    assert '<span class="badge submitted">Submitted</span>' in after
    assert any("reporting_participantreport" in query for query in sql)


def test_a_member_contact_never_gets_the_coordinators_rendering(
    report, others_report, project, coordinator_client, other_member
) -> None:
    visit(coordinator_client, url_of(project))
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    theirs, sql = visit(other_contact, url_of(project))
    assert reverse("reporting:detail", args=[others_report.pk]) in theirs
    assert reverse("reporting:detail", args=[report.pk]) not in theirs
    assert str(report.mobility.participant) not in theirs
    assert any("reporting_participantreport" in query for query in sql)  # rendered for them, not reused


def test_the_other_language_has_its_own_rendering(report, project, coordinator_client) -> None:
    english, _sql = visit(coordinator_client, url_of(project, "en"))
    latvian, _sql = visit(coordinator_client, url_of(project, "lv"))
    assert "1 report" in english and "No reports match." not in english
    assert "1 report" not in latvian and "atskaite" in latvian

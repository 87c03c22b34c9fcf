"""The calls, a project's calls, a call's evaluators and the projects in the API: keyset pages (tilts.core.keyset)."""

import pytest
from django.test import Client

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.mobility.tests.factories import make_project
from tilts.selection import services
from tilts.selection.tests.factories import make_call

pytestmark = pytest.mark.django_db


def walk(client: Client, url: str, django_assert_max_num_queries, budget: int) -> list[int]:
    """Every id, one row a page, following X-Next-Cursor; each page within the query budget."""
    ids: list[int] = []
    params = {"limit": 1}
    while True:
        with django_assert_max_num_queries(budget):
            response = client.get(url, params)
        assert response.status_code == 200, response.content
        ids += [row["id"] for row in response.json()]
        if "X-Next-Cursor" not in response:
            return ids
        assert 'rel="next"' in response["Link"]
        params = {"limit": 1, "cursor": response["X-Next-Cursor"]}


def test_calls_public_and_per_project(
    client: Client, coordinator_client: Client, consortium, django_assert_max_num_queries
):
    project = make_project(consortium, 2026)
    calls = [make_call(consortium, project) for _ in range(3)]
    assert sorted(walk(client, "/api/v1/calls", django_assert_max_num_queries, 3)) == sorted(c.pk for c in calls)
    managed = walk(coordinator_client, f"/api/v1/projects/{project.pk}/calls", django_assert_max_num_queries, 12)
    assert managed == [c.pk for c in sorted(calls, key=lambda c: (c.opens_on, c.pk))]


def test_evaluators_and_projects(coordinator_client: Client, consortium, django_assert_max_num_queries) -> None:
    call = make_call(consortium)
    evaluators = [UserFactory(role=Role.EVALUATOR) for _ in range(3)]
    services.set_evaluators(call, evaluators, by=None)
    url = f"/api/v1/calls/{call.pk}/evaluators"
    assert walk(coordinator_client, url, django_assert_max_num_queries, 8) == [e.pk for e in evaluators]
    older = make_project(consortium, 2025)
    projects = walk(coordinator_client, "/api/v1/projects", django_assert_max_num_queries, 8)
    assert projects == [call.project_id, older.pk]  # newest call year first

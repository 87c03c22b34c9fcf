"""Query budgets of the list pages and dashboards, on the demo consortium (loaded once for the module), for each
role that sees them: a page whose queries grow with its rows (a missing select_related, a template tag asking per
row) goes over its budget. The dashboard's budget includes its template-tag widgets (the back-office menu, what
waits); the mobility list, budget, goals dashboard and payments have their own tests with growing data too."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import User
from tilts.demo.tests.conftest import Counts
from tilts.projects.models import Project
from tilts.selection.models import Call

pytestmark = pytest.mark.django_db

COORDINATOR = "koordinators@tilts.example"
CONTACT = "kontaktpersona@tilts.example"
PARTICIPANT = "dalibnieks@tilts.example"
ANONYMOUS = ""


def project() -> tuple[int]:
    return (Project.objects.get(call_year=2025).pk,)


def call() -> tuple[int]:
    return (Call.objects.order_by("pk").first().pk,)  # type: ignore[union-attr]


def none() -> tuple[()]:
    return ()


# (who, URL name, its arguments, most queries: what the page takes on the demo, plus two for headroom). The tests'
# cache is in memory, so the dashboard's, budget's and calendar's cached figures (tilts.core.figures) cost no
# query here; with the database's cache each cached figure is one more.
# The pages kept rendered (figures.cached_html: the dashboard, the reports list, a project's follow-ups, the goals
# dashboard, the results, the calendar) have no headroom: a second visit reads only the session, the person, the
# consortium and the project shown.
PAGES: list[tuple[str, str, Callable[[], tuple[Any, ...]], int]] = [
    (COORDINATOR, "backoffice:dashboard", none, 3),
    (COORDINATOR, "backoffice:applications", none, 8),
    (COORDINATOR, "backoffice:members", none, 9),
    (COORDINATOR, "backoffice:goals", none, 7),
    (COORDINATOR, "people:list", none, 6),
    (COORDINATOR, "projects:list", none, 6),
    (COORDINATOR, "mobility:list", project, 13),
    (COORDINATOR, "mobility:budget", project, 6),
    (COORDINATOR, "mobility:calendar", project, 4),
    (COORDINATOR, "reporting:list", project, 4),
    (COORDINATOR, "payments:project", project, 9),
    (COORDINATOR, "exports:agreement_members", project, 10),
    (COORDINATOR, "selection:manage_list", none, 7),
    (COORDINATOR, "selection:manage", call, 16),
    (COORDINATOR, "followup:index", none, 8),
    (COORDINATOR, "followup:project", project, 4),
    (COORDINATOR, "followup:dashboard", none, 3),
    (COORDINATOR, "followup:results", none, 3),
    (COORDINATOR, "grants:rate_tables", none, 6),
    (COORDINATOR, "grants:places", none, 6),
    (COORDINATOR, "quality:index", none, 24),
    (COORDINATOR, "quality:reviews", none, 8),
    (COORDINATOR, "quality:plan", none, 19),
    (CONTACT, "backoffice:dashboard", none, 3),
    (CONTACT, "people:list", none, 6),
    (CONTACT, "projects:list", none, 6),
    (CONTACT, "mobility:list", project, 13),
    (CONTACT, "mobility:calendar", project, 4),
    (CONTACT, "reporting:list", project, 4),
    (CONTACT, "followup:index", none, 8),
    (PARTICIPANT, "backoffice:dashboard", none, 3),
    (PARTICIPANT, "mobility:mine", none, 7),
    (PARTICIPANT, "reporting:mine", none, 7),
    (PARTICIPANT, "selection:mine", none, 7),
    (PARTICIPANT, "quality:support", none, 7),
    (ANONYMOUS, "public:members", none, 5),
    (ANONYMOUS, "public:goals", none, 5),
]


@pytest.mark.parametrize(("who", "name", "args", "budget"), PAGES, ids=[f"{p[0] or 'public'}-{p[1]}" for p in PAGES])
def test_list_pages_and_dashboards_stay_within_their_query_budget(
    seeded_demo: Counts,
    django_assert_max_num_queries: Any,
    who: str,
    name: str,
    args: Callable[[], tuple[Any, ...]],
    budget: int,
) -> None:
    client = Client()
    if who:
        client.force_login(User.objects.get(email=who))
    url = reverse(name, args=args())
    client.get(url)  # the first request fills the caches a deployment keeps warm (rate tables, figures)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200

"""Every list page paginates: at most PER_PAGE rows (2 here), the count, filters kept, and a query budget that
does not grow with the rows. The mobility, report, member and public results lists have their own tests."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import JoinApplicationFactory
from tilts.core import pagination
from tilts.core.tests.fixtures import client_for
from tilts.followup.tests import helpers as followups
from tilts.mobility.tests.factories import make_project
from tilts.selection.tests.factories import make_call, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_per_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "PER_PAGE", 2)


def test_people_keep_the_role_filter_across_pages(coordinator_client: Client, django_assert_max_num_queries) -> None:
    for _ in range(3):
        UserFactory(role=Role.EVALUATOR)
    url = reverse("people:list")
    with django_assert_max_num_queries(12):
        first = coordinator_client.get(url, {"role": "evaluator"})
    assert "Lapa 1 no 2 (rindas 1–2 no 3)" in first.text
    assert "?role=evaluator&amp;page=2" in first.text
    second = coordinator_client.get(url, {"role": "evaluator", "page": 2})
    assert "Lapa 2 no 2 (rindas 3–3 no 3)" in second.text
    assert len(second.context["page"].object_list) == 1


def test_join_applications(coordinator_client: Client, consortium, django_assert_max_num_queries) -> None:
    for n in range(3):
        JoinApplicationFactory(consortium=consortium, legal_name=f"Bibliotēka {n}")
    with django_assert_max_num_queries(14):
        page = coordinator_client.get(reverse("backoffice:applications"), {"status": "all"})
    assert "Lapa 1 no 2 (rindas 1–2 no 3)" in page.text and "?status=all&amp;page=2" in page.text


def test_calls_public_and_managed(
    coordinator_client: Client, client: Client, consortium, django_assert_max_num_queries
):
    project = make_project(consortium, 2026)
    for _ in range(3):
        make_call(consortium, project)
    with django_assert_max_num_queries(6):
        public = client.get(reverse("selection:calls"))
    assert "Lapa 1 no 2 (rindas 1–2 no 3)" in public.text
    with django_assert_max_num_queries(14):
        managed = coordinator_client.get(reverse("selection:manage_list"), {"page": 2})
    assert "Lapa 2 no 2 (rindas 3–3 no 3)" in managed.text


def test_a_calls_applications_and_my_applications(
    coordinator_client: Client, consortium, member, goals, django_assert_max_num_queries
) -> None:
    call = make_call(consortium)
    people = [UserFactory(role=Role.PARTICIPANT, organisation=member) for _ in range(3)]
    for person in people:
        submitted_application(call, person, goals)
    with django_assert_max_num_queries(30):
        page = coordinator_client.get(reverse("selection:manage", args=[call.pk]))
    assert "Lapa 1 no 2 (rindas 1–2 no 3)" in page.text
    other = make_call(consortium, call.project)
    third = make_call(consortium, call.project)
    submitted_application(other, people[0], goals)
    submitted_application(third, people[0], goals)
    mine = client_for(people[0]).get(reverse("selection:mine"))
    assert "Lapa 1 no 2 (rindas 1–2 no 3)" in mine.text


def test_a_projects_follow_ups_and_reach_per_mobility_page_apart(
    coordinator_client: Client, consortium, member, goals, django_assert_max_num_queries
) -> None:
    project = make_project(consortium)
    mobilities = [followups.mobility(project, member, goals=goals[:1]) for _ in range(3)]
    for _ in range(3):
        followups.followup(mobilities, goals[:1])
    url = reverse("followup:project", args=[project.pk])
    with django_assert_max_num_queries(15):
        page = coordinator_client.get(url, {"mobilities_page": 2})
    assert page.text.count("Lapa 1 no 2 (rindas 1–2 no 3)") == 1  # the follow-ups
    assert page.text.count("Lapa 2 no 2 (rindas 3–3 no 3)") == 1  # the mobilities, their page kept apart
    assert "?mobilities_page=2&amp;page=2" in page.text
    assert [row.mobility for row in page.context["mobility_rows"]] == [mobilities[2]]
    assert page.context["mobility_rows"][0].colleagues == 30


def test_a_projects_flags_page_apart_with_their_counts(
    coordinator_client: Client, consortium, member, goals, django_assert_max_num_queries
) -> None:
    """Mobilities left without a follow-up and follow-ups past their date pile up over a project's years: the
    page shows a page of each, with how many there are, whatever else is paged on it."""
    project = make_project(consortium)
    late = [followups.mobility(project, member, goals=goals[:1], end=followups.D(2024, 1, 10 + n)) for n in range(3)]
    for n in range(3):
        followups.followup(late[:1], goals[:1], status="planned", date=followups.D(2024, 3, 1 + n), attendees=0)
    url = reverse("followup:project", args=[project.pk])
    coordinator_client.get(url)
    with django_assert_max_num_queries(15):  # the same as without flags: each list is a page and a count
        page = coordinator_client.get(url, {"flagged_page": 2, "late_page": 2})
    assert [m for m, _due in page.context["flags"].mobilities] == late[2:]
    assert len(page.context["flags"].followups) == 1
    assert page.text.count("Lapa 2 no 2 (rindas 3–3 no 3)") == 2
    assert "?flagged_page=2&amp;late_page=1" in page.text and "?flagged_page=1&amp;late_page=2" in page.text
    assert "(3)" in page.text

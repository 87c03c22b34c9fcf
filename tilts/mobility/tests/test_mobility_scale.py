"""A long mobility list: pages of 50 that keep the filters, constant queries, one rate-table parse per version."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from tilts.core.tests.listexports import exported
from tilts.grants import rules
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import many_mobilities

pytestmark = pytest.mark.django_db


def test_the_list_shows_pages_of_50_keeping_filters(coordinator_client: Client, project, member, goals) -> None:
    many_mobilities(project, member, goals, 55)
    url = "/en" + reverse("mobility:list", args=[project.pk])
    first = coordinator_client.get(url, {"country": "BE", "sort": "-start"})
    assert first.text.count('<span class="badge') == 50
    assert "55 mobilities" in first.text and "Page 1 of 2 (rows 1–50 of 55)" in first.text
    assert "?country=BE&amp;sort=-start&amp;page=2" in first.text
    second = coordinator_client.get(url, {"country": "BE", "sort": "-start", "page": 2})
    assert second.text.count('<span class="badge') == 5 and "rows 51–55 of 55" in second.text
    assert coordinator_client.get(url, {"page": "x"}).status_code == 200  # the first page
    assert "rows 51–55" in coordinator_client.get(url, {"page": 99}).text  # the last page


def test_filtering_by_goal_counts_a_mobility_with_several_goals_once(
    coordinator_client: Client, project, member, goals
) -> None:
    mobilities = many_mobilities(project, member, goals, 3)
    mobilities[0].goals.add(goals[1])
    url = "/en" + reverse("mobility:list", args=[project.pk])
    by_first = coordinator_client.get(url, {"goal": goals[0].number}).text
    assert "3 mobilities" in by_first and by_first.count('<span class="badge') == 3
    by_second = coordinator_client.get(url, {"goal": goals[1].number}).text
    assert "1 mobility" in by_second and by_second.count('<span class="badge') == 1


def test_latvian_list_counts_and_pages(coordinator_client: Client, project, member, goals) -> None:
    many_mobilities(project, member, goals, 51)
    response = coordinator_client.get(reverse("mobility:list", args=[project.pk]))
    assert "51 mobilitāte" in response.text or "51 mobilitātes" in response.text
    assert "Lapa 1 no 2" in response.text


def test_the_list_costs_the_same_queries_for_5_or_60(
    coordinator_client: Client, project, member, goals, django_assert_max_num_queries
) -> None:
    url = reverse("mobility:list", args=[project.pk])
    many_mobilities(project, member, goals, 60)
    coordinator_client.get(url)
    with django_assert_max_num_queries(14):
        response = coordinator_client.get(url)
    assert response.status_code == 200


def test_a_rate_table_is_parsed_once_for_a_whole_page(coordinator_client: Client, project, member, goals) -> None:
    many_mobilities(project, member, goals, 50)
    url = reverse("mobility:list", args=[project.pk])
    parse = rules.RateTable.from_mapping
    with mock.patch.object(rules.RateTable, "from_mapping", side_effect=parse) as parsed:
        coordinator_client.get(url)
        exported(coordinator_client, "mobilities", project.pk)
    assert parsed.call_count <= 1


def test_a_saved_change_to_the_rate_table_is_read_again(project) -> None:
    table = project.rate_table
    label = table.table.activity_types["job_shadowing"].label_en
    mapping = table.table.to_mapping()
    mapping["activity_types"]["job_shadowing"]["label_en"] = "Shadowing"
    table.data = mapping
    table.save()
    from tilts.grants.models import RateTable

    assert RateTable.objects.get(pk=table.pk).table.activity_types["job_shadowing"].label_en == "Shadowing" != label


def test_list_exports_take_constant_queries_and_carry_every_row(
    coordinator_client: Client, project, member, goals, django_assert_max_num_queries
) -> None:
    many_mobilities(project, member, goals, 120)
    for kind in ("csv", "xlsx"):
        with django_assert_max_num_queries(16):  # asking (access, the export), the worker's reading, the download
            content = exported(coordinator_client, "mobilities", project.pk, kind)
        if kind == "csv":
            assert content.decode("utf-8-sig").count("\n") == 121  # the headers and every mobility, not a page
        else:
            from openpyxl import load_workbook

            assert load_workbook(io.BytesIO(content)).active.max_row == 121


def test_the_budget_sums_in_sql_with_constant_queries(
    coordinator_client: Client, project, member, other_member, goals, django_assert_max_num_queries
) -> None:
    from tilts.mobility.selectors import project_budget

    many_mobilities(project, member, goals, 30)
    many_mobilities(project, other_member, goals, 10)
    Mobility.objects.filter(pk=Mobility.objects.order_by("pk").last().pk).update(status="cancelled")
    with django_assert_max_num_queries(7):  # the sums, the members, the group activities, what has been paid
        budget = project_budget(project)
    lines = {line.category: line for line in budget.lines}
    assert lines["travel"].planned == 39 * Decimal("309.00")
    assert lines["individual_support"].planned == 39 * Decimal("3059.00")
    assert {(m.organisation, m.mobilities) for m in budget.members} == {(member, 30), (other_member, 9)}
    url = reverse("mobility:budget", args=[project.pk])
    coordinator_client.get(url)
    with django_assert_max_num_queries(16):
        assert coordinator_client.get(url).status_code == 200


def test_costs_follow_a_new_price(project, member, goals) -> None:
    mobility = many_mobilities(project, member, goals, 1)[0]
    assert mobility.costs.get(category="travel").amount == Decimal("309.00")
    mobility.grant_breakdown = {"by_category": {"travel": "100.00", "inclusion_support_participant": "50.00"}}
    mobility.save()
    assert {(c.category, c.amount, c.final_amount) for c in mobility.costs.all()} == {
        ("travel", Decimal("100.00"), None),
        ("inclusion_support", Decimal("50.00"), None),
    }

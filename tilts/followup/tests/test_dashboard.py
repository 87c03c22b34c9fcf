"""The goals dashboard: who sees which numbers, the accessible charts, the CSV and its formula protection."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.followup.tests.helpers import D, followup, mobility
from tilts.followup.views import csv_cell
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers(consortium: Consortium, member: Organisation, other_member: Organisation, goals: list[Goal]):
    project = make_project(consortium)
    own = mobility(project, member, goals=goals[:1], grant="2000.00")
    theirs = mobility(project, other_member, goals=goals[1:2], grant="1000.00")
    followup([own], goals[:1], attendees=30, date=D(2025, 11, 5))
    followup([theirs], goals[1:2], attendees=12, type="seminar", date=D(2026, 2, 10))
    older = make_project(consortium, 2024)
    followup(
        [mobility(older, member, goals=goals[:1], end=D(2024, 10, 10))], goals[:1], attendees=7, date=D(2024, 11, 1)
    )
    return project


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_who_may_open_the_dashboard(
    numbers, coordinator_client, auditor_client, member_client, participant_client, evaluator_client, client
) -> None:
    url = reverse("followup:dashboard")
    for allowed in (coordinator_client, auditor_client, member_client):
        assert allowed.get(url).status_code == 200
    for refused in (participant_client, evaluator_client):
        assert refused.get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_coordinator_sees_the_consortium_and_filters_by_project(coordinator_client: Client, numbers) -> None:
    url = reverse("followup:dashboard")
    response = coordinator_client.get(url)
    assert response.context["total"].colleagues == 49
    by_goal = {row.goal.number: row.reach.colleagues for row in response.context["goals"]}
    assert (by_goal[1], by_goal[2]) == (37, 12)
    response = coordinator_client.get(url, {"project": numbers.pk, "by": "quarter"})
    assert response.context["total"].colleagues == 42
    assert [(p.label, p.total) for p in response.context["periods"]] == [("2025 Q4", 30), ("2026 Q1", 12)]
    assert len(response.context["members"]) == 2


def test_member_contact_sees_only_their_institution(member_client: Client, numbers) -> None:
    response = member_client.get(reverse("followup:dashboard"), {"project": numbers.pk})
    assert response.context["total"].colleagues == 30
    assert response.context["members"] == []


def test_charts_are_accessible_svg_with_tables(coordinator_client: Client, numbers) -> None:
    response = coordinator_client.get("/en" + reverse("followup:dashboard"))
    text = response.text
    assert text.count('<svg role="img"') == 3
    assert '<title id="chart-colleagues-title">Colleagues reached per goal</title>' in text
    assert '<desc id="chart-colleagues-desc">Goal 1: 37; Goal 2: 12; Goal 3: 0; Goal 4: 0; Goal 5: 0</desc>' in text
    assert 'fill="url(#chart-colleagues-hatch)"' in text  # a pattern, not a colour alone
    assert text.count("<table") >= 3 and '<th scope="row">2025</th>' in text
    assert "<script" not in text.split("</head>")[1]  # no chart library


def test_csv_numbers(coordinator_client: Client, numbers) -> None:
    response = coordinator_client.get("/en" + reverse("followup:dashboard"), {"project": numbers.pk, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="goals-2025-{numbers.pk}.csv"' in response["Content-Disposition"]
    table = rows(response)
    assert table[0][:4] == ["Goal", "Title", "Mobilities", "Participants"]
    assert table[0][4:10] == [
        "Thematic workshop",
        "Seminar",
        "Course content improvement",
        "New education programme",
        "Presentation",
        "Publication",
    ]
    goal_one = table[1]
    assert goal_one[:4] == ["1", "Goal 1", "1", "1"] and goal_one[4:6] == ["1", "0"]
    assert goal_one[10:] == ["30", "30.00", "2000.00", "15.00"]
    period_header = table.index(["Period", "Goal 1", "Goal 2", "Goal 3", "Goal 4", "Goal 5", "Total"])
    assert table[period_header + 1 :] == [
        ["2025", "30", "0", "0", "0", "0", "30"],
        ["2026", "0", "12", "0", "0", "0", "12"],
    ]


def test_csv_protects_against_formulas(coordinator_client: Client, numbers, goals) -> None:
    goal = goals[0]
    goal.title_en = goal.title_lv = '=HYPERLINK("http://evil.example","click")'
    goal.save()
    table = rows(coordinator_client.get(reverse("followup:dashboard"), {"export": "csv"}))
    assert table[1][1] == '\'=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+371 2000", "'+371 2000"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Darbnīca", "Darbnīca"),
        (-5, -5),
        (None, ""),
    ],
)
def test_csv_cell(value, expected) -> None:
    assert csv_cell(value) == expected

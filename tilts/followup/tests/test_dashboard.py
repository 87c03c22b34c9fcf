"""The goals dashboard: who sees which numbers, the accessible charts, the CSV and its formula protection."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.consortium.tests.factories import MemberFactory
from tilts.core.listexports import write_csv
from tilts.core.models import ListExport
from tilts.core.tests.listexports import exported
from tilts.followup import selectors
from tilts.followup.selectors import Scope
from tilts.followup.tests.helpers import D, followup, mobility
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


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def goals_csv(client: Client, query: str = "", language: str = "") -> bytes:
    return exported(client, "goals", None, query=query, language=language)


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
    page = coordinator_client.get(reverse("followup:dashboard"), {"project": numbers.pk})
    assert f'name="query" value="project={numbers.pk}&amp;by=year"' in page.text  # the export keeps the choice
    assert ListExport.objects.count() == 0
    table = rows(goals_csv(coordinator_client, f"project={numbers.pk}&by=year", "en"))
    assert ListExport.objects.get().file_name == f"goals-2025-{numbers.pk}.csv"
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
    assert table[period_header + 1 : period_header + 4] == [
        ["2025", "30", "0", "0", "0", "0", "30"],
        ["2026", "0", "12", "0", "0", "0", "12"],
        [],  # then the per-member table
    ]


def test_csv_protects_against_formulas(coordinator_client: Client, numbers, goals) -> None:
    goal = goals[0]
    goal.title_en = goal.title_lv = '=HYPERLINK("http://evil.example","click")'
    goal.save()
    table = rows(goals_csv(coordinator_client))
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
        (-5, "-5"),  # a number stays a number
        (None, ""),
    ],
)
def test_csv_cell(value, expected) -> None:
    written = io.BytesIO()
    write_csv(written, ["x"], [[value]])
    assert rows(written.getvalue())[1] == [expected]


def test_followups_by_type_counts_a_followup_serving_two_goals_once(
    coordinator_client: Client, consortium, member, goals
) -> None:
    both = mobility(make_project(consortium), member, goals=goals[:2])
    followup([both], goals[:2], attendees=9)  # one workshop for goals 1 and 2
    response = coordinator_client.get("/en" + reverse("followup:dashboard"))
    assert selectors.followups_by_type(Scope(consortium)) == {"workshop": 1}
    assert '<desc id="chart-types-desc">Thematic workshop: 1; Seminar: 0;' in response.text
    body = coordinator_client.get("/api/v1/dashboard/goals").json()
    assert body["followups_by_type"]["workshop"] == 1
    assert [g["followups_by_type"]["workshop"] for g in body["goals"][:2]] == [1, 1]  # per goal it serves each


def test_api_per_member(coordinator_client: Client, member_client: Client, numbers, member, other_member) -> None:
    body = coordinator_client.get("/api/v1/dashboard/goals", {"project": numbers.pk}).json()
    members = {row["organisation_id"]: row for row in body["members"]}
    assert set(members) == {member.pk, other_member.pk}
    own = members[member.pk]
    assert own["name"] == member.legal_name
    assert (own["reach"]["mobilities"], own["reach"]["colleagues"], own["reach"]["grant"]) == (1, 30, "2000.00")
    assert own["reach"]["multiplier"] == "30.00" and members[other_member.pk]["reach"]["colleagues"] == 12
    mine = member_client.get("/api/v1/dashboard/goals", {"project": numbers.pk}).json()["members"]
    assert [row["organisation_id"] for row in mine] == [member.pk]  # only their own institution


def test_csv_has_the_per_member_table(coordinator_client: Client, numbers, member, other_member) -> None:
    table = rows(goals_csv(coordinator_client, f"project={numbers.pk}", "en"))
    header = table.index(
        [
            "Sending member",
            "Mobilities",
            "Participants",
            "Colleagues reached",
            "Multiplier",
            "Spent, EUR",
            "Colleagues per 1,000 EUR",
        ]
    )
    body = {row[0]: row[1:] for row in table[header + 1 : header + 3]}
    assert body[member.legal_name] == ["1", "1", "30", "30.00", "2000.00", "15.00"]
    assert body[other_member.legal_name] == ["1", "1", "12", "12.00", "1000.00", "12.00"]


def test_member_contact_csv_has_no_per_member_table(member_client: Client, numbers) -> None:
    table = rows(goals_csv(member_client, language="en"))
    assert not any(row[:1] == ["Sending member"] for row in table)


def test_dashboard_queries_stay_flat_as_members_grow(
    coordinator_client: Client, consortium, goals, django_assert_max_num_queries
) -> None:
    project = make_project(consortium)
    url = reverse("followup:dashboard")

    def add_members(count: int) -> None:
        for _ in range(count):
            organisation = MemberFactory(consortium=consortium).organisation
            followup([mobility(project, organisation, goals=goals[:2])], goals[:2], attendees=5)

    add_members(2)
    coordinator_client.get(url)  # the session's first request may do more
    cache.clear()  # the figures are cached between changes: measure computing them
    with CaptureQueriesContext(connection) as two:
        coordinator_client.get(url)
    add_members(4)
    cache.clear()
    with django_assert_max_num_queries(len(two)):
        response = coordinator_client.get(url)
    assert len(response.context["members"]) == 6 and response.context["total"].colleagues == 30


def test_cached_dashboard_numbers_change_with_a_new_follow_up(coordinator_client: Client, consortium, goals) -> None:
    project = make_project(consortium)
    organisation = MemberFactory(consortium=consortium).organisation
    done = mobility(project, organisation, goals=goals[:1])
    followup([done], goals[:1], attendees=5)
    url = reverse("followup:dashboard")
    assert coordinator_client.get(url).context["total"].colleagues == 5
    assert coordinator_client.get(url).context["total"].colleagues == 5  # from the cache
    followup([done], goals[:1], attendees=7)
    assert coordinator_client.get(url).context["total"].colleagues == 12


def test_the_cached_tables_follow_changes_and_the_language(
    coordinator_client: Client, member_client: Client, numbers, goals
) -> None:
    """The tables and charts are rendered once and cached per scope and language, like the figures."""
    url = reverse("followup:dashboard")
    english = coordinator_client.get("/en" + url).text
    assert "Colleagues reached per goal" in english and "Sasniegtie kolēģi pa mērķiem" not in english
    latvian = coordinator_client.get(url, headers={"accept-language": "lv"}).text
    assert "Sasniegtie kolēģi pa mērķiem" in latvian and "Colleagues reached per goal" not in latvian
    assert "Per member" in english and "Per member" not in member_client.get("/en" + url).text  # another scope
    assert '<span class="stat">49</span> colleagues reached' in english
    followup([numbers.mobilities.first()], goals[:1], attendees=7)  # drops the cached figures and tables
    assert '<span class="stat">56</span> colleagues reached' in coordinator_client.get("/en" + url).text

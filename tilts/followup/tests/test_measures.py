"""The cascade's numbers from data: a follow-up on two mobilities counts once in totals, cancelled ones never."""

from decimal import Decimal

import pytest

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.followup import selectors
from tilts.followup.selectors import Scope
from tilts.followup.tests.helpers import D, followup, mobility
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(consortium: Consortium, member: Organisation, other_member: Organisation, goals: list[Goal]) -> dict:
    g1, g2, g3, _g4, g5 = goals
    project = make_project(consortium)
    p1, p2, p3 = make_participant(member), make_participant(member), make_participant(other_member)
    m1 = mobility(project, member, p1, grant="1000.00", goals=[g1, g2])
    m2 = mobility(project, member, p2, grant="1500.00", goals=[g2])
    m3 = mobility(project, other_member, p3, grant="500.00", goals=[g3])
    m4 = mobility(project, member, p1, status="confirmed", grant="700.00", goals=[g1])  # p1's second mobility
    cancelled = mobility(project, other_member, status="confirmed", grant="2000.00", goals=[g1])
    f1 = followup([m1, m3], [g2], attendees=30, date=D(2025, 11, 10))  # two mobilities, two members
    f2 = followup([m2], [g2, g5], attendees=12, type="seminar", date=D(2026, 2, 3))
    followup([m1], [g1], attendees=50, status="planned", date=D(2026, 3, 1))  # planned: not counted
    f4 = followup([m4], [g1], attendees=8, type="presentation", date=D(2026, 1, 15))
    followup([cancelled], [g1], attendees=100)
    Mobility.objects.filter(pk=cancelled.pk).update(status="cancelled")
    # Another project's numbers stay out of this project's.
    other = make_project(consortium, 2024)
    followup([mobility(other, member, grant="900.00", goals=[g1])], [g1], attendees=5, date=D(2025, 11, 1))
    return {"project": project, "m": (m1, m2, m3, m4), "f": (f1, f2, f4), "goals": goals}


def test_totals_count_each_followup_once_and_skip_cancelled(consortium, data) -> None:
    reach = selectors.total_reach(Scope(consortium, data["project"]))
    assert (reach.mobilities, reach.participants, reach.grant) == (4, 3, Decimal("3700.00"))
    assert (reach.followups, reach.colleagues) == (3, 50)  # 30 + 12 + 8
    assert reach.multiplier == Decimal("16.67")  # 50 / 3
    assert reach.per_euro == Decimal("0.0135")  # 50 / 3700
    assert reach.per_thousand_euro == Decimal("13.51")


def test_whole_consortium_adds_the_other_project(consortium, data) -> None:
    reach = selectors.total_reach(Scope(consortium))
    assert (reach.mobilities, reach.participants, reach.colleagues, reach.grant) == (5, 4, 55, Decimal("4600.00"))


def test_per_mobility_attributes_a_shared_followup_to_each(consortium, data) -> None:
    m1, m2, m3, m4 = data["m"]
    reach = selectors.reach_by_mobility(Scope(consortium, data["project"]))
    assert reach == {m1.pk: 30, m2.pk: 12, m3.pk: 30, m4.pk: 8}
    assert sum(reach.values()) == 80  # more than the total of 50, as the page says


def test_per_member(consortium, data, member, other_member) -> None:
    rows = {row.organisation: row.reach for row in selectors.reach_by_member(Scope(consortium, data["project"]))}
    assert set(rows) == {member, other_member}
    own = rows[member]
    assert (own.mobilities, own.participants, own.colleagues, own.grant) == (3, 2, 50, Decimal("3200.00"))
    assert own.multiplier == Decimal("25.00")
    other = rows[other_member]  # its cancelled mobility and that follow-up's 100 are left out
    assert (other.mobilities, other.participants, other.colleagues, other.grant) == (1, 1, 30, Decimal("500.00"))
    assert other.per_euro == Decimal("0.0600")


def test_per_goal(consortium, data) -> None:
    rows = {row.goal.number: row for row in selectors.reach_by_goal(Scope(consortium, data["project"]))}
    one, two, three, five = rows[1], rows[2], rows[3], rows[5]
    # A follow-up serves a goal when it is tagged with it or draws on a mobility that serves it: f1 (tagged 2)
    # draws on m1 (goals 1, 2) and m3 (goal 3), so it counts for 1, 2 and 3, once each.
    assert (one.reach.mobilities, one.reach.participants, one.reach.colleagues) == (2, 1, 38)
    assert one.by_type == {"workshop": 1, "presentation": 1}
    assert (two.reach.mobilities, two.reach.participants, two.reach.colleagues) == (2, 2, 42)
    assert two.by_type == {"workshop": 1, "seminar": 1} and two.reach.multiplier == Decimal("21.00")
    assert (three.reach.mobilities, three.reach.colleagues, three.reach.multiplier) == (1, 30, Decimal("30.00"))
    assert (five.reach.mobilities, five.reach.colleagues, five.reach.multiplier) == (0, 12, None)
    assert next(label for _value, label, _count in two.types) == "Tematiskā darbnīca"


def test_member_scope_sees_only_its_institution(consortium, data, other_member) -> None:
    rows = {row.goal.number: row.reach for row in selectors.reach_by_goal(Scope(consortium, None, other_member))}
    assert (rows[2].colleagues, rows[3].mobilities, rows[1].mobilities) == (30, 1, 0)


def test_over_time_per_year_and_quarter(consortium, data) -> None:
    scope = Scope(consortium, data["project"])
    years = selectors.reach_over_time(scope)
    assert [(r.label, r.total, r.by_goal) for r in years] == [
        ("2025", 30, {1: 30, 2: 30, 3: 30}),
        ("2026", 20, {2: 12, 5: 12, 1: 8}),
    ]
    quarters = selectors.reach_over_time(scope, "quarter")
    assert [(r.label, r.total) for r in quarters] == [("2025 Q4", 30), ("2026 Q1", 20)]


def test_over_time_keeps_empty_periods(consortium, member, goals) -> None:
    project = make_project(consortium)
    m = mobility(project, member, goals=goals[:1])
    followup([m], goals[:1], attendees=4, date=D(2025, 11, 1))
    followup([m], goals[:1], attendees=6, date=D(2026, 5, 1))
    rows = selectors.reach_over_time(Scope(consortium), "quarter")
    assert [(r.label, r.total) for r in rows] == [("2025 Q4", 4), ("2026 Q1", 0), ("2026 Q2", 6)]


def test_nothing_to_divide_by(consortium) -> None:
    reach = selectors.total_reach(Scope(consortium))
    assert (reach.colleagues, reach.multiplier, reach.per_euro) == (0, None, None)


def test_reach_over_time_takes_four_queries_however_many_follow_ups(
    consortium, member, goals, django_assert_num_queries
) -> None:
    project = make_project(consortium)
    done = mobility(project, member, goals=goals[:2])
    for month in (1, 4, 11):
        followup([done], goals[:2], attendees=10, date=D(2026, month, 5))
    # counted_followups is a subquery of each: one query for the consortium's projects (Scope.project_ids), one
    # for the totals per period, one for the consortium's goal numbers, one for the goals each follow-up serves
    # (its own and its mobilities', selectors.serving_goals, as one union summed in the database)
    with django_assert_num_queries(4):
        quarters = selectors.reach_over_time(selectors.Scope(consortium), "quarter")
    assert [(q.label, q.total, q.by_goal) for q in quarters] == [
        ("2026 Q1", 10, {1: 10, 2: 10}),
        ("2026 Q2", 10, {1: 10, 2: 10}),
        ("2026 Q3", 0, {}),
        ("2026 Q4", 10, {1: 10, 2: 10}),
    ]

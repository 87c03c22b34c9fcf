"""The reach figures against a plain computation of the rules on a varied dataset.

The selectors count in the database (grouped queries, a union of the goal links, the counted follow-ups joined to
their links); here the same rules (selectors' module docstring) are applied one object at a time in Python, on a
dataset drawn at random with a fixed seed: mobilities of every status in two projects and three members, reports
accepted or not, follow-ups on one to three mobilities, tagged with goals that differ from their mobilities',
delivered or planned, approved or not. Every scope the pages use must give the same numbers both ways.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.consortium.tests.factories import MemberFactory
from tilts.core.collation import latvian_sort_key
from tilts.followup import selectors
from tilts.followup.models import FollowUp, FollowUpType
from tilts.followup.selectors import Reach, Scope
from tilts.followup.tests.helpers import D, followup, mobility
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.reporting.models import ParticipantReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(consortium: Consortium, member: Organisation, other_member: Organisation, goals: list[Goal]) -> None:
    rng = random.Random(15)
    today = timezone.localdate()
    organisations = [member, other_member, MemberFactory(consortium=consortium).organisation]
    people = {org.pk: [make_participant(org) for _ in range(3)] for org in organisations}
    projects = [make_project(consortium, 2024), make_project(consortium, 2025)]
    made: list[Mobility] = []
    to_cancel = []
    for number in range(36):
        organisation = rng.choice(organisations)
        kind = rng.choice(["completed"] * 4 + ["confirmed"] * 2 + ["draft", "approved", "future", "cancelled"])
        end = D(2024, 1, 1) + datetime.timedelta(days=rng.randrange(600))
        made_one = mobility(
            projects[number % 2],
            organisation,
            rng.choice(people[organisation.pk]),
            status="confirmed" if kind in ("future", "cancelled") else kind,
            end=today + datetime.timedelta(days=30) if kind == "future" else end,
            grant=f"{rng.randrange(300, 3000)}.00",
            goals=rng.sample(goals, rng.choice([0, 1, 1, 2])),
        )
        if kind == "completed" and rng.random() < 0.6:
            ParticipantReport.objects.create(
                mobility=made_one,
                status=rng.choice(["accepted", "accepted", "submitted"]),
                due_date=made_one.end_date,
                final_grant_total=Decimal(f"{rng.randrange(200, 2500)}.50"),
            )
        if kind == "cancelled":
            to_cancel.append(made_one.pk)
        made.append(made_one)
    types = [value for value, _label in FollowUpType.choices]
    for _ in range(34):
        project = rng.choice(projects)
        ended = [m for m in made if m.project_id == project.pk and m.end_date < today]
        chosen = rng.sample(ended, rng.choice([1, 1, 2, 3]))
        delivered = rng.random() < 0.8
        date = max(m.end_date for m in chosen) + datetime.timedelta(days=rng.randrange(1, 400))
        created = followup(
            chosen,
            rng.sample(goals, rng.choice([1, 1, 2])),
            attendees=rng.randrange(1, 60),
            status="delivered" if delivered else "planned",
            date=min(date, today) if delivered else date,
            type=rng.choice(types),
        )
        if delivered and rng.random() < 0.5:
            FollowUp.objects.filter(pk=created.pk).update(approved_at=timezone.now())
    Mobility.objects.filter(pk__in=to_cancel).update(status="cancelled")


@dataclass
class Plain:
    """The dataset as plain Python objects, and the rules applied to them one at a time."""

    scope: Scope

    def __post_init__(self) -> None:
        today = timezone.localdate()
        scope = self.scope
        everything = Mobility.objects.prefetch_related("goals").select_related("project")
        self.goals_of = {m.pk: {g.pk for g in m.goals.all()} for m in everything}
        reports = {r.mobility_id: r for r in ParticipantReport.objects.all()}
        self.counted = [
            m
            for m in everything
            if (m.status == "completed" or (m.status == "confirmed" and m.end_date < today))
            and m.project.consortium_id == scope.consortium.pk
            and (scope.project is None or m.project_id == scope.project.pk)
            and (scope.organisation is None or m.sending_organisation_id == scope.organisation.pk)
        ]
        self.money = {}
        for m in self.counted:
            report = reports.get(m.pk)
            accepted = report is not None and report.status == "accepted" and report.final_grant_total is not None
            self.money[m.pk] = report.final_grant_total if accepted else (m.grant_total or Decimal(0))
        counted_ids = {m.pk for m in self.counted}
        self.followups = [
            f
            for f in FollowUp.objects.prefetch_related("mobilities", "goals")
            if f.status == "delivered"
            and (f.approved_at is not None or not scope.approved_only)
            and any(m.pk in counted_ids for m in f.mobilities.all())
        ]

    def reach(self, mobilities: list[Mobility], followups: list[FollowUp]) -> Reach:
        return Reach(
            mobilities=len(mobilities),
            participants=len({m.participant_id for m in mobilities}),
            grant=sum((self.money[m.pk] for m in mobilities), Decimal(0)).quantize(Decimal("0.00")),
            followups=len(followups),
            colleagues=sum(f.attendees for f in followups),
        )

    def serves(self, followup: FollowUp, goal: Goal) -> bool:
        own = goal.pk in {g.pk for g in followup.goals.all()}
        return own or any(goal.pk in self.goals_of[m.pk] for m in followup.mobilities.all())

    def by_goal(self) -> list[tuple[int, Reach, dict[str, int]]]:
        rows = []
        for goal in self.scope.consortium.goals.order_by("number"):
            serving = [f for f in self.followups if self.serves(f, goal)]
            kinds: dict[str, int] = defaultdict(int)
            for f in serving:
                kinds[f.type] += 1
            mobilities = [m for m in self.counted if goal.pk in self.goals_of[m.pk]]
            rows.append((goal.pk, self.reach(mobilities, serving), dict(kinds)))
        return rows

    def by_member(self) -> list[tuple[int, Reach]]:
        rows = []
        for organisation in Organisation.objects.filter(pk__in={m.sending_organisation_id for m in self.counted}):
            mine = [m for m in self.counted if m.sending_organisation_id == organisation.pk]
            ids = {m.pk for m in mine}
            drawing = [f for f in self.followups if any(m.pk in ids for m in f.mobilities.all())]
            rows.append((organisation, self.reach(mine, drawing)))
        rows.sort(key=lambda row: latvian_sort_key(row[0].legal_name))
        return [(organisation.pk, reach) for organisation, reach in rows]

    def over_time(self, by: str) -> list[tuple[str, int, dict[int, int]]]:
        def period(f: FollowUp) -> tuple[int, int]:
            return (f.date.year, (f.date.month - 1) // 3 + 1 if by == "quarter" else 0)

        if not self.followups:
            return []
        totals: dict[tuple[int, int], int] = defaultdict(int)
        per_goal: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
        for f in self.followups:
            totals[period(f)] += f.attendees
            for goal in self.scope.consortium.goals.all():
                if self.serves(f, goal):
                    per_goal[period(f)][goal.number] = per_goal[period(f)].get(goal.number, 0) + f.attendees
        rows = []
        key, last = min(totals), max(totals)
        while key <= last:
            label = f"{key[0]} Q{key[1]}" if by == "quarter" else str(key[0])
            rows.append((label, totals.get(key, 0), per_goal.get(key, {})))
            year, quarter = key
            key = (year + 1, 0) if by != "quarter" else ((year, quarter + 1) if quarter < 4 else (year + 1, 1))
        return rows

    def by_type(self) -> dict[str, int]:
        kinds: dict[str, int] = defaultdict(int)
        for f in self.followups:
            kinds[f.type] += 1
        return dict(kinds)

    def by_mobility(self) -> dict[int, int]:
        ids = {m.pk for m in self.counted}
        reached: dict[int, int] = defaultdict(int)
        # Any delivered follow-up (approved, on the public results) drawing on a counted mobility.
        for f in self.followups:
            for m in f.mobilities.all():
                if m.pk in ids:
                    reached[m.pk] += f.attendees
        return dict(reached)


def scopes(consortium: Consortium) -> list[Scope]:
    projects = list(consortium.projects.order_by("pk"))
    members = list(
        Organisation.objects.filter(pk__in=Mobility.objects.values("sending_organisation_id")).order_by("pk")
    )
    return [
        Scope(consortium),
        Scope(consortium, approved_only=True),
        *(Scope(consortium, project) for project in projects),
        *(Scope(consortium, None, organisation) for organisation in members),
        Scope(consortium, projects[0], members[0]),
        Scope(consortium, projects[1], members[1], approved_only=True),
    ]


def test_the_dataset_is_varied(consortium: Consortium, varied: None) -> None:
    plain = Plain(Scope(consortium))
    assert 10 < len(plain.counted) < Mobility.objects.count()
    assert 10 < len(plain.followups) < FollowUp.objects.count()
    # Follow-ups serving a goal only through a mobility, and mobilities counted twice by a follow-up's two links.
    assert any(
        plain.serves(f, goal) and goal.pk not in {g.pk for g in f.goals.all()}
        for f in plain.followups
        for goal in consortium.goals.all()
    )
    assert any(f.mobilities.count() > 1 for f in plain.followups)


def test_every_figure_matches_the_plain_computation(consortium: Consortium, varied: None) -> None:
    for scope in scopes(consortium):
        plain = Plain(scope)
        assert selectors.total_reach(scope) == plain.reach(plain.counted, plain.followups), scope
        assert [(row.goal.pk, row.reach, row.by_type) for row in selectors.reach_by_goal(scope)] == plain.by_goal()
        assert [(row.organisation.pk, row.reach) for row in selectors.reach_by_member(scope)] == plain.by_member()
        assert selectors.followups_by_type(scope) == plain.by_type()
        assert selectors.reach_by_mobility(scope) == plain.by_mobility()
        for by in ("year", "quarter"):
            periods = selectors.reach_over_time(scope, by)
            assert [(p.label, p.total, p.by_goal) for p in periods] == plain.over_time(by), (scope, by)
            shown = selectors.dashboard(scope, by)
            assert shown.total == plain.reach(plain.counted, plain.followups)
            assert [(row.goal.pk, row.reach, row.by_type) for row in shown.goals] == plain.by_goal()
            assert [(p.label, p.total, p.by_goal) for p in shown.periods] == plain.over_time(by)
            members = plain.by_member() if scope.organisation is None else []
            assert [(row.organisation.pk, row.reach) for row in shown.members] == members
            assert shown.by_type == plain.by_type()


def test_a_consortium_without_projects_has_nothing_to_count(consortium: Consortium, goals: list[Goal]) -> None:
    """No project yet (a new consortium, the public results page): the project ids are an empty list, which the
    ORM compiles to no SQL at all; every figure is zero or empty instead of an error."""
    scope = Scope(consortium)
    assert scope.project_ids == []
    assert selectors.total_reach(scope).followups == 0
    assert [row.reach.followups for row in selectors.reach_by_goal(scope)] == [0] * len(goals)
    assert selectors.reach_by_member(scope) == []
    assert selectors.reach_over_time(scope, "year") == []
    shown = selectors.dashboard(scope, "quarter")
    assert shown.total.followups == 0 and shown.periods == [] and shown.members == []

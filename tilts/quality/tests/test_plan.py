import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Organisation
from tilts.consortium.tests.factories import MemberFactory
from tilts.core.tests.fixtures import client_for
from tilts.followup.tests.helpers import followup, mobility
from tilts.projects.models import Project
from tilts.quality import plan, services
from tilts.quality.models import Objective, ObjectiveMeasure, ProjectTarget


def _world(project: Project, member: Organisation, other_member: Organisation, goals: list) -> None:
    first = mobility(project, member, goals=goals[:1])
    second = mobility(project, other_member, goals=goals[:1])
    followup([first, second], goals[:1], attendees=15)
    followup([second], goals[1:2], attendees=4)


def test_a_computed_objective_equals_the_goals_dashboard_for_its_year(
    project: Project,
    member: Organisation,
    other_member: Organisation,
    goals: list,
    consortium: Consortium,
    coordinator: User,
) -> None:
    _world(project, member, other_member, goals)
    objective = services.save_objective(
        consortium,
        by=coordinator,
        number=1,
        title="Digitālās prasmes",
        goal=goals[0],
        measure=ObjectiveMeasure.GOAL_COLLEAGUES,
    )
    services.save_objective_year(objective, by=coordinator, year=project.call_year, target=Decimal("30"))
    row = plan.plan_progress(consortium)[0].years[0]
    dashboard = client_for(coordinator).get(f"/follow-up/goals/?project={project.pk}").context["goals"]
    # 15, plus the 4 of the goal-2 follow-up that draws on a goal-1 mobility (the one rule of
    # followup.selectors.serving_goals).
    assert row.value == dashboard[0].reach.colleagues == 19
    assert row.percent == 63


def test_an_entered_objective_keeps_its_value_and_evidence(consortium: Consortium, coordinator: User) -> None:
    objective = services.save_objective(consortium, by=coordinator, number=1, title="Publikācijas")
    services.save_objective_year(
        objective, by=coordinator, year=2025, target=Decimal("4"), value=Decimal("3"), evidence="https://lnb.lv/a"
    )
    year = plan.plan_progress(consortium)[0].years[0]
    assert (year.value, year.percent, year.evidence) == (Decimal("3"), 75, "https://lnb.lv/a")


def test_a_computed_value_cannot_be_entered(consortium: Consortium, coordinator: User) -> None:
    objective = services.save_objective(
        consortium, by=coordinator, number=1, title="Jauni dalībnieki", measure=ObjectiveMeasure.NEW_MEMBERS
    )
    with pytest.raises(ValidationError) as error:
        services.save_objective_year(objective, by=coordinator, year=2025, value=Decimal("2"))
    assert "value" in error.value.message_dict


def test_new_members_and_participants_per_member_type(
    project: Project, member: Organisation, consortium: Consortium, coordinator: User
) -> None:
    MemberFactory(consortium=consortium, joined_on=datetime.date(2025, 3, 1))
    MemberFactory(consortium=consortium, joined_on=datetime.date(2024, 3, 1))
    new = services.save_objective(
        consortium, by=coordinator, number=1, title="Jauni", measure=ObjectiveMeasure.NEW_MEMBERS
    )
    libraries = services.save_objective(
        consortium,
        by=coordinator,
        number=2,
        title="Bibliotēkas",
        measure=ObjectiveMeasure.TYPE_PARTICIPANTS,
        member_type="library",
    )
    mobility(project, member)
    assert plan.computed_value(new, 2025) == 1
    assert plan.computed_value(libraries, project.call_year) == 1
    with pytest.raises(ValidationError):
        services.save_objective(
            consortium, by=coordinator, number=3, title="X", measure=ObjectiveMeasure.TYPE_PARTICIPANTS
        )


def test_the_plan_page_in_latvian_with_a_decimal_comma(
    consortium: Consortium, coordinator_client: Client, coordinator: User, member_client: Client
) -> None:
    objective = services.save_objective(consortium, by=coordinator, number=1, title="Publikācijas")
    response = coordinator_client.post(
        f"/quality/plan/{objective.pk}/", {"form": "year", "year": "2025", "target": "2,5", "value": "1,5"}
    )
    assert response.status_code == 302
    page = member_client.get("/quality/plan/").content.decode()
    assert "2,50" in page and "60" in page and "Publikācijas" in page
    assert member_client.post(f"/quality/plan/{objective.pk}/", {"form": "year", "year": "2026"}).status_code == 200
    assert objective.years.count() == 1  # a member contact reads the plan and changes nothing


def test_the_coordinator_adds_an_objective_in_the_browser(coordinator_client: Client, goals: list) -> None:
    response = coordinator_client.post(
        "/quality/plan/new/",
        {"number": "1", "title": "Kolēģu sasniegšana", "goal": goals[0].pk, "measure": "goal_colleagues"},
    )
    assert response.status_code == 302
    objective = Objective.objects.get()
    assert objective.goal == goals[0]
    missing_goal = coordinator_client.post(
        "/quality/plan/new/", {"number": "2", "title": "Bez mērķa", "measure": "goal_colleagues"}
    )
    assert missing_goal.status_code == 422


def test_targets_against_what_is_implemented(
    project: Project,
    member: Organisation,
    other_member: Organisation,
    coordinator_client: Client,
    auditor_client: Client,
) -> None:
    first = mobility(project, member)
    first.fewer_opportunities = True
    first.green_travel = True
    first.save()
    mobility(project, other_member)
    mobility(project, member, status="approved", end=datetime.date(2099, 1, 10))
    response = coordinator_client.post(
        f"/quality/targets/project/{project.pk}/", {"participants": "4", "fewer_opportunities": "1"}
    )
    assert response.status_code == 302
    rows = {row.kind: row for row in plan.project_targets(project)}
    assert (rows["participants"].target, rows["participants"].implemented, rows["participants"].planned) == (4, 2, 3)
    assert rows["participants"].percent == 50
    assert (rows["fewer_opportunities"].implemented, rows["green_travel"].implemented) == (1, 1)
    assert rows["newcomers"].implemented == 2
    auditor_client.post(f"/quality/targets/project/{project.pk}/", {"participants": "9"})
    assert ProjectTarget.objects.get(kind="participants").target == 4


def test_objectives_and_targets_over_the_api(
    consortium: Consortium, coordinator_client: Client, member_client: Client, goals: list, project: Project
) -> None:
    created = coordinator_client.post(
        "/api/v1/quality/objectives",
        json.dumps({"number": 1, "title": "Kolēģi", "goal": goals[0].number, "measure": "goal_colleagues"}),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["goal"] == goals[0].number
    objective_id = created.json()["id"]
    year = coordinator_client.put(
        f"/api/v1/quality/objectives/{objective_id}/years/2025",
        json.dumps({"target": "20"}),
        content_type="application/json",
    )
    assert year.json()["years"] == [{"year": 2025, "target": "20.00", "value": "0", "evidence": ""}]
    assert member_client.get("/api/v1/quality/objectives").json()[0]["title"] == "Kolēģi"
    refused = member_client.put(
        f"/api/v1/quality/objectives/{objective_id}/years/2026",
        json.dumps({"target": "1"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    saved = coordinator_client.put(
        f"/api/v1/quality/projects/{project.pk}/targets/green_travel",
        json.dumps({"target": 5}),
        content_type="application/json",
    )
    assert next(t for t in saved.json() if t["kind"] == "green_travel")["target"] == 5
    unknown = coordinator_client.put(
        f"/api/v1/quality/projects/{project.pk}/targets/nonsense",
        json.dumps({"target": 5}),
        content_type="application/json",
    )
    assert unknown.status_code == 422


def test_the_plan_page_keeps_its_query_count_however_many_objectives(
    project: Project,
    member: Organisation,
    other_member: Organisation,
    goals: list,
    consortium: Consortium,
    coordinator: User,
    django_assert_max_num_queries: object,
) -> None:
    _world(project, member, other_member, goals)
    for number in range(1, 11):
        objective = services.save_objective(
            consortium,
            by=coordinator,
            number=number,
            title=f"Uzdevums {number}",
            goal=goals[number % 2],
            measure=ObjectiveMeasure.GOAL_COLLEAGUES,
        )
        services.save_objective_year(objective, by=coordinator, year=project.call_year, target=Decimal("10"))
    client = client_for(coordinator)
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        response = client.get("/quality/plan/")
    assert len(response.context["rows"]) == 10

"""Annual projects: their own rate table, dates by action, optimistic locking, awarded budget, member plans."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Membership, MembershipStatus, Organisation
from tilts.grants import rules
from tilts.projects import services
from tilts.projects.forms import ProjectForm
from tilts.projects.models import MemberPlan, Project

pytestmark = pytest.mark.django_db
D = Decimal


def project_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "call_year": 2025,
        "action": "KA121-ADU",
        "title": "LNB konsorcijs 2025",
        "grant_agreement_number": "2025-1-LV01-KA121-ADU-000123456",
        "start_date": "2025-06-01",
        "end_date": "2026-08-31",
        "status": "awarded",
    }
    data.update(overrides)
    return data


@pytest.fixture
def project(consortium: Consortium) -> Project:
    return services.create_project(
        consortium,
        by=None,
        call_year=2025,
        action="KA121-ADU",
        title="Projekts 2025",
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2026, 8, 31),
    )


def plan(project: Project, organisation: Organisation, activity_type: str, mobilities: int, share: str) -> MemberPlan:
    """A member's plan line, saved by nobody in particular."""
    return services.save_member_plan(
        project,
        by=None,
        organisation=organisation,
        activity_type=activity_type,
        planned_mobilities=mobilities,
        budget_share=D(share),
    )


def test_coordinator_creates_a_project_with_its_own_rate_table(coordinator_client: Client, consortium) -> None:
    response = coordinator_client.post(reverse("projects:create"), project_data())
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.rate_table.name == "2025-1-LV01-KA121-ADU-000123456"
    assert project.rate_table.table == rules.load_call_year(2025)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grant_agreement_number": "2025-LV-123"}, "grant_agreement_number"),
        ({"end_date": "2025-05-01"}, "end_date"),
        ({"end_date": "2027-12-31"}, "end_date"),  # KA121: 24 months at most
        ({"action": "KA122-ADU", "end_date": "2025-09-30"}, "end_date"),  # KA122: 6 months at least
        ({"title": ""}, "title"),
    ],
)
def test_bad_project_data_saves_nothing(coordinator_client: Client, consortium, overrides, field: str) -> None:
    response = coordinator_client.post(reverse("projects:create"), project_data(**overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not Project.objects.exists()


def test_grant_agreement_numbers_are_unique(coordinator_client: Client, consortium) -> None:
    coordinator_client.post(reverse("projects:create"), project_data())
    response = coordinator_client.post(reverse("projects:create"), project_data(title="Again"))
    assert response.status_code == 422
    assert Project.objects.count() == 1


def test_second_save_of_the_same_version_is_a_conflict(coordinator_client: Client, project: Project) -> None:
    url = reverse("projects:edit", args=[project.pk])
    first = {**project_data(title="First edit"), "version": project.version}
    second = {**project_data(title="Second edit"), "version": project.version}
    assert coordinator_client.post(url, first).status_code == 302
    response = coordinator_client.post(url, second)
    assert response.status_code == 422
    assert (
        "Somebody else has changed this" in " ".join(response.context["form"].non_field_errors())
        or "kāds cits" in " ".join(response.context["form"].non_field_errors()).lower()
    )
    project.refresh_from_db()
    assert project.title == "First edit"


def test_awarded_budget_and_overspend_warning(
    coordinator_client: Client, project: Project, member: Organisation
) -> None:
    data = {
        "version": project.version,
        "travel": "10000.00",
        "individual_support": "40000.00",
        "organisational_support": "5000.00",
        "course_fees": "0",
        "inclusion_support": "0",
        "exceptional_costs": "0",
        "preparatory_visits": "0",
    }
    assert coordinator_client.post(reverse("projects:budget", args=[project.pk]), data).status_code == 302
    response = coordinator_client.get(reverse("projects:detail", args=[project.pk]))
    assert response.context["budget"].awarded_total == D("55000.00")
    plan(project, member, "job_shadowing", 4, "56000.00")
    response = coordinator_client.get("/en" + reverse("projects:detail", args=[project.pk]))
    assert response.context["budget"].overspent == D("1000.00")
    assert "exceed the awarded total by 1,000.00 EUR" in response.text


def test_a_stale_budget_form_is_refused(coordinator_client: Client, project: Project) -> None:
    data = {
        "version": project.version - 1 if project.version > 1 else 99,
        "travel": "1",
        "individual_support": "1",
        "organisational_support": "1",
        "course_fees": "0",
        "inclusion_support": "0",
        "exceptional_costs": "0",
        "preparatory_visits": "0",
    }
    assert coordinator_client.post(reverse("projects:budget", args=[project.pk]), data).status_code == 422
    assert not project.awarded.exists()


def test_member_plans_need_a_current_member_and_a_known_activity_type(project: Project, member: Organisation) -> None:
    with pytest.raises(services.ValidationError):
        plan(project, member, "sightseeing", 1, "0")
    Membership.objects.filter(organisation=member).update(
        status=MembershipStatus.LEFT, left_on=datetime.date(2025, 1, 1)
    )
    with pytest.raises(services.ValidationError):
        plan(project, member, "course", 1, "0")
    assert not MemberPlan.objects.exists()


def test_member_contact_sees_only_own_plans_and_no_budget(
    member_client: Client, project: Project, member: Organisation, other_member: Organisation
) -> None:
    plan(project, member, "course", 2, "3000")
    plan(project, other_member, "course", 5, "9000")
    response = member_client.get(reverse("projects:detail", args=[project.pk]))
    assert [p.organisation for p in response.context["plans"]] == [member]
    assert "9000" not in response.text.replace("\xa0", "").replace(" ", "")
    assert member_client.get(reverse("projects:edit", args=[project.pk])).status_code == 403
    assert member_client.get(reverse("projects:budget", args=[project.pk])).status_code == 403


def test_auditor_reads_participant_does_not(auditor_client: Client, participant_client: Client, project) -> None:
    assert auditor_client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert auditor_client.post(reverse("projects:edit", args=[project.pk]), project_data()).status_code == 403
    assert participant_client.get(reverse("projects:list")).status_code == 403
    assert participant_client.get(reverse("projects:detail", args=[project.pk])).status_code == 403


def test_projects_api(
    coordinator_client: Client,
    member_client: Client,
    participant_client: Client,
    client: Client,
    project: Project,
    member: Organisation,
    other_member: Organisation,
) -> None:
    plan(project, member, "course", 2, "3000")
    plan(project, other_member, "course", 5, "9000")
    body = coordinator_client.get(f"/api/v1/projects/{project.pk}").json()
    assert body["call_year"] == 2025 and len(body["plans"]) == 2 and body["awarded_total"] == "0.00"
    body = member_client.get(f"/api/v1/projects/{project.pk}").json()
    assert [p["organisation_id"] for p in body["plans"]] == [member.pk] and body["awarded"] is None
    assert participant_client.get("/api/v1/projects").status_code == 403
    assert client.get("/api/v1/projects").status_code == 401
    assert coordinator_client.get(f"/api/v1/projects/{project.pk + 99}").status_code == 404


def test_a_period_is_within_the_project_with_its_first_and_last_day(consortium) -> None:
    from tilts.mobility.tests.factories import make_project
    from tilts.projects.selectors import within_period

    project = make_project(consortium)  # 1 June 2025 to 31 August 2026
    day = datetime.date
    assert within_period(project, day(2025, 6, 1), day(2026, 8, 31))
    assert not within_period(project, day(2025, 5, 31), day(2025, 6, 10))
    assert not within_period(project, day(2026, 8, 20), day(2026, 9, 1))


def test_the_project_form_sends_what_the_services_take():
    assert [f for f in ProjectForm.Meta.fields if f != "call_year"] == list(services.ProjectChanges.__annotations__)

"""Who did it: the change history names the person a service acted for, the logged-in person, or the system."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role, User
from tilts.accounts.services import set_active, update_person
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Goal, Organisation
from tilts.consortium.services import create_member, end_membership, update_organisation
from tilts.core.history import acting, made_by_system, records_by
from tilts.followup.services import update_followup
from tilts.followup.tests.helpers import followup
from tilts.followup.tests.helpers import mobility as followup_mobility
from tilts.mobility.services import create_group_activity, update_group_activity, update_mobility
from tilts.mobility.tests.factories import MobilityFactory, group_fields, make_participant, make_project
from tilts.projects.models import MemberPlan
from tilts.projects.services import (
    create_project,
    delete_member_plan,
    save_member_plan,
    set_awarded_budget,
    update_project,
)
from tilts.selection.models import Assignment
from tilts.selection.services import set_evaluators
from tilts.selection.tests.factories import make_call, submitted_application

pytestmark = pytest.mark.django_db


def test_a_change_outside_any_request_is_the_systems(member: Organisation) -> None:
    update_organisation(member, by=None, short_name="Automātiski")
    record = member.history.first()
    assert record.history_user is None and record.history_change_reason == "system"
    assert made_by_system(record)


def test_a_management_command_is_named(member: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["manage.py", "apply_retention"])
    update_organisation(member, by=None, short_name="Komanda")
    assert member.history.first().history_change_reason == "system: apply_retention"


def test_acting_names_the_person(member: Organisation, coordinator: User) -> None:
    with acting(coordinator):
        update_organisation(member, by=None, short_name="Koordinatore")
    record = member.history.first()
    assert record.history_user == coordinator and not made_by_system(record)
    assert not record.history_change_reason


def test_a_service_names_its_by_argument(member: Organisation, coordinator: User) -> None:
    @records_by
    def rename(organisation: Organisation, *, by: User) -> Organisation:
        return update_organisation(organisation, by=None, short_name="Ar by")

    rename(member, by=coordinator)
    assert member.history.first().history_user == coordinator
    update_organisation(member, by=None, short_name="Pēc tam")  # the person is named only inside the call
    assert member.history.first().history_user is None


def test_a_page_names_the_logged_in_person(coordinator_client: Client, coordinator: User, member: Organisation) -> None:
    update_organisation(member, by=None, short_name="Sistēma")
    page = coordinator_client.get(reverse("backoffice:member", args=[member.pk]))
    assert "Tilts (automātiski)" in page.text  # the system's change, as the history table shows it
    data = {
        "legal_name": member.legal_name,
        "short_name": "Ar roku",
        "type": member.type,
        "registration_number": member.registration_number,
        "oid": member.oid,
        "country": str(member.country),
        "city": member.city,
        "address": member.address,
        "email": "kontakti@example.org",
        "phone": member.phone,
        "website": member.website,
    }
    response = coordinator_client.post(reverse("backoffice:member_edit", args=[member.pk]), data)
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    assert member.history.first().history_user == coordinator


# Services that change data on someone's behalf take ``by`` and name that person; called by nobody (a command,
# the worker: ``by=None``) they name the system. Each case makes what it changes, then returns the change to make,
# which returns the history of what it changed.
Change = Callable[[User | None], Any]


def _group_plan(member: Organisation) -> dict[str, Any]:
    # Call 2023: its rate table has the adult learners' daily rates a group is priced with.
    return group_fields(make_project(member.memberships.get().consortium, 2023), member, make_participant(member))


def _update_project(member: Organisation, goals: list[Goal]) -> Change:
    project = make_project(member.memberships.get().consortium)
    return lambda by: update_project(project, version=project.version, by=by, title="Jauns nosaukums").history


def _update_organisation(member: Organisation, goals: list[Goal]) -> Change:
    return lambda by: update_organisation(member, by=by, short_name="Jauns").history


def _end_membership(member: Organisation, goals: list[Goal]) -> Change:
    membership = member.memberships.get()
    return lambda by: end_membership(membership, by=by, left_on=membership.joined_on).history


def _update_mobility(member: Organisation, goals: list[Goal]) -> Change:
    project = make_project(member.memberships.get().consortium)
    made = MobilityFactory(project=project, sending_organisation=member, goals=goals[:1])
    return lambda by: update_mobility(made, version=made.version, by=by, topic="Cits temats").history


def _create_group_activity(member: Organisation, goals: list[Goal]) -> Change:
    plan = _group_plan(member)
    return lambda by: create_group_activity(by=by, **plan).history


def _update_group_activity(member: Organisation, goals: list[Goal]) -> Change:
    group = create_group_activity(by=None, **_group_plan(member))
    return lambda by: update_group_activity(group, version=group.version, by=by, learners=12).history


def _update_followup(member: Organisation, goals: list[Goal]) -> Change:
    made = followup([followup_mobility(make_project(member.memberships.get().consortium), member)], goals[:1])
    return lambda by: update_followup(made, version=made.version, by=by, attendees=12).history


def _create_project(member: Organisation, goals: list[Goal]) -> Change:
    consortium = member.memberships.get().consortium
    dates = {"start_date": datetime.date(2026, 6, 1), "end_date": datetime.date(2027, 8, 31)}
    return lambda by: create_project(consortium, by=by, call_year=2026, title="Projekts 2026", **dates).history


def _set_awarded_budget(member: Organisation, goals: list[Goal]) -> Change:
    project = make_project(member.memberships.get().consortium)

    def change(by: User | None) -> Any:
        set_awarded_budget(project, version=project.version, amounts={"travel": Decimal("1000.00")}, by=by)
        return project.awarded.get().history

    return change


def _save_member_plan(member: Organisation, goals: list[Goal]) -> Change:
    project = make_project(member.memberships.get().consortium)
    plan = {"organisation": member, "activity_type": "job_shadowing", "planned_mobilities": 2}
    return lambda by: save_member_plan(project, by=by, budget_share=Decimal("3000.00"), **plan).history


def _delete_member_plan(member: Organisation, goals: list[Goal]) -> Change:
    project = make_project(member.memberships.get().consortium)
    plan = save_member_plan(
        project,
        by=None,
        organisation=member,
        activity_type="job_shadowing",
        planned_mobilities=2,
        budget_share=Decimal("3000.00"),
    )
    pk = plan.pk

    def change(by: User | None) -> Any:
        delete_member_plan(plan, by=by)
        return MemberPlan.history.filter(id=pk)

    return change


def _update_person(member: Organisation, goals: list[Goal]) -> Change:
    person = make_participant(member)
    return lambda by: update_person(person, by=by, position="Bibliotekāre").history


def _set_active(member: Organisation, goals: list[Goal]) -> Change:
    person = make_participant(member)

    def change(by: User | None) -> Any:
        set_active(person, False, by=by)
        return person.history

    return change


def _create_member(member: Organisation, goals: list[Goal]) -> Change:
    consortium = member.memberships.get().consortium
    institution = {"legal_name": "Cēsu bibliotēka", "type": "library", "registration_number": "90000077777"}
    return lambda by: create_member(consortium, by=by, country="LV", city="Cēsis", **institution).history


def _set_evaluators(member: Organisation, goals: list[Goal]) -> Change:
    call = make_call(member.memberships.get().consortium)
    application = submitted_application(call, make_participant(member), goals)
    evaluator = UserFactory(role=Role.EVALUATOR)

    def change(by: User | None) -> Any:
        set_evaluators(call, [evaluator], by=by)
        return Assignment.history.filter(application_id=application.pk)

    return change


SERVICES = [
    _update_project,
    _update_organisation,
    _end_membership,
    _update_mobility,
    _create_group_activity,
    _update_group_activity,
    _update_followup,
    _create_project,
    _set_awarded_budget,
    _save_member_plan,
    _delete_member_plan,
    _update_person,
    _set_active,
    _create_member,
    _set_evaluators,
]


@pytest.mark.parametrize("case", SERVICES, ids=lambda case: case.__name__.lstrip("_"))
def test_the_history_names_the_person_a_service_acted_for(
    case: Callable[[Organisation, list[Goal]], Change], member: Organisation, goals: list[Goal], coordinator: User
) -> None:
    record = case(member, goals)(coordinator).first()
    assert record.history_user == coordinator and not made_by_system(record)


@pytest.mark.parametrize("case", SERVICES, ids=lambda case: case.__name__.lstrip("_"))
def test_a_command_or_the_worker_is_named_as_the_system(
    case: Callable[[Organisation, list[Goal]], Change],
    member: Organisation,
    goals: list[Goal],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    change = case(member, goals)
    monkeypatch.setattr("sys.argv", ["manage.py", "db_worker"])
    record = change(None).first()
    assert record.history_user is None and record.history_change_reason == "system: db_worker"

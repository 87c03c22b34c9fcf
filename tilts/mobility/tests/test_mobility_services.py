"""Mobilities: the checks, the price from the project's rate table, the workflow, locking and joint trips."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tilts.consortium.models import Goal, Organisation
from tilts.core.locking import EditConflict
from tilts.mobility import services
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.tests.factories import TARTU, make_participant, mobility_fields, trip_plan

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def person(member: Organisation):
    return make_participant(member)


def create(project, member, person, goals, **overrides) -> Mobility:
    return services.create_mobility(goals=goals[:1], by=None, **mobility_fields(project, member, person, **overrides))


def test_a_mobility_is_priced_from_the_projects_rate_table(project, member, person, goals: list[Goal]) -> None:
    mobility = create(project, member, person, goals)
    # 15 activity days + 2 travel days in Belgium, 1454 km: 309 + 14 × 190 + 3 × 133 + 100
    assert mobility.grant_total == D("3468.00")
    assert mobility.grant_breakdown["by_category"]["individual_support"] == "3059.00"
    assert mobility.grant_frozen_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": datetime.date(2025, 10, 1)}, "end_date"),  # before the start
        ({"end_date": datetime.date(2025, 12, 31)}, "end_date"),  # job shadowing: 60 days at most
        ({"start_date": datetime.date(2025, 5, 1)}, "start_date"),  # before the project
        ({"receiving_country": "LV", "venue": "g:456172"}, "receiving_country"),  # not abroad
        ({"venue": TARTU}, "venue"),  # venue outside the country
        ({"activity_type": "sightseeing"}, "activity_type"),
        ({"participant_kind": "learner"}, "participant_kind"),
        ({"venue": "g:0"}, "venue"),
    ],
)
def test_bad_mobilities_are_refused(project, member, person, goals, overrides, field: str) -> None:
    with pytest.raises(services.ValidationError) as error:
        create(project, member, person, goals, **overrides)
    assert field in error.value.message_dict
    assert not Mobility.objects.exists()


def test_participant_must_work_at_the_sending_member(project, member, other_member, goals) -> None:
    stranger = make_participant(other_member)
    with pytest.raises(services.ValidationError) as error:
        create(project, member, stranger, goals)
    assert "participant" in error.value.message_dict


def test_at_least_one_goal(project, member, person) -> None:
    with pytest.raises(services.ValidationError) as error:
        services.create_mobility(goals=[], by=None, **mobility_fields(project, member, person))
    assert "goals" in error.value.message_dict


def test_workflow_freezes_the_grant_at_approval(project, member, person, goals, coordinator) -> None:
    mobility = create(project, member, person, goals)
    mobility = services.transition(mobility, "submitted", by=coordinator)
    mobility = services.transition(mobility, "approved", by=coordinator)
    assert mobility.status == MobilityStatus.APPROVED and mobility.grant_frozen_at is not None
    with pytest.raises(services.ValidationError):
        services.transition(mobility, "draft", by=coordinator)
    mobility = services.transition(mobility, "confirmed", by=coordinator)
    mobility = services.transition(mobility, "completed", by=coordinator)
    assert [h.status for h in mobility.history.order_by("history_date")][-4:] == [
        "submitted",
        "approved",
        "confirmed",
        "completed",
    ]


def test_no_approval_without_a_follow_up_plan(project, member, person, goals, coordinator) -> None:
    mobility = create(project, member, person, goals, followup_plan="", followup_colleagues=None)
    services.transition(mobility, "submitted", by=coordinator)
    with pytest.raises(services.ValidationError) as error:
        services.transition(mobility, "approved", by=coordinator)
    assert {"followup_plan", "followup_colleagues"} <= set(error.value.message_dict)
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.SUBMITTED


def test_cancellation_needs_a_reason_and_records_force_majeure(project, member, person, goals, coordinator) -> None:
    mobility = create(project, member, person, goals)
    with pytest.raises(services.ValidationError):
        services.transition(mobility, "cancelled", by=coordinator)
    mobility = services.transition(mobility, "cancelled", by=coordinator, reason="Flood", force_majeure=True)
    assert (mobility.status, mobility.cancellation_reason, mobility.force_majeure) == ("cancelled", "Flood", True)


def test_changes_reprice_and_a_stale_version_is_a_conflict(project, member, person, goals) -> None:
    mobility = create(project, member, person, goals)
    before, after = services.preview_change(mobility, green_travel=True, travel_days=6)
    assert (before, after) == (D("3468.00"), D("4108.00"))
    assert Mobility.objects.get().grant_total == D("3468.00")  # the preview saved nothing
    version = mobility.version
    services.update_mobility(mobility, version=version, by=None, green_travel=True, travel_days=6)
    assert Mobility.objects.get().grant_total == D("4108.00")
    stale = Mobility.objects.get()
    with pytest.raises(EditConflict):
        services.update_mobility(stale, version=version, by=None, travel_days=1)
    assert Mobility.objects.get().travel_days == 6


def test_joint_trip_with_participants_of_several_members(project, member, other_member, goals, coordinator) -> None:
    people = [make_participant(member), make_participant(other_member)]
    shared = trip_plan(project, member, people[0])
    trip = services.create_joint_trip(
        project=project,
        title="KBR 2025",
        leader=people[0],
        goals=goals[:2],
        by=coordinator,
        participants=[{"sending_organisation": p.organisation, "participant": p} for p in people],
        **shared,
    )
    assert trip.mobilities.count() == 2
    assert {m.sending_organisation for m in trip.mobilities.all()} == {member, other_member}
    services.transition_trip(trip, "submitted", by=coordinator)
    services.transition_trip(trip, "approved", by=coordinator)
    assert set(trip.mobilities.values_list("status", flat=True)) == {"approved"}


def test_a_trip_participant_travels_from_their_own_place_where_given(
    project, member, other_member, goals, coordinator
) -> None:
    people = [make_participant(member), make_participant(other_member)]
    shared = trip_plan(project, member, people[0])  # the trip's plan departs from Riga
    trip = services.create_joint_trip(
        project=project,
        title="KBR 2025",
        leader=people[0],
        goals=goals[:1],
        by=coordinator,
        participants=[
            {"sending_organisation": member, "participant": people[0]},
            {"sending_organisation": other_member, "participant": people[1], "origin": TARTU},
        ],
        **shared,
    )
    origins = dict(trip.mobilities.values_list("participant", "origin"))
    assert origins == {people[0].pk: shared["origin"], people[1].pk: TARTU}


def test_other_members_join_a_trip_with_its_host_dates_and_plan(
    project, member, other_member, goals, coordinator
) -> None:
    person = make_participant(member)
    shared = trip_plan(project, member, person)
    with pytest.raises(services.ValidationError):
        services.create_joint_trip(
            project=project, title="Empty", leader=None, goals=goals[:1], by=coordinator, participants=[], **shared
        )
    trip = services.create_joint_trip(
        project=project,
        title="KBR",
        leader=None,
        goals=goals[:1],
        by=coordinator,
        participants=[{"sending_organisation": member, "participant": person}],
        **shared,
    )
    guest = make_participant(other_member)
    (joined,) = services.join_trip(trip, people=[guest], by=coordinator)
    assert (joined.sending_organisation, joined.venue, joined.start_date, joined.status) == (
        other_member,
        shared["venue"],
        shared["start_date"],
        "draft",
    )
    with pytest.raises(services.ValidationError):
        services.join_trip(trip, people=[guest], by=coordinator)


def test_a_closed_projects_mobilities_cannot_be_planned(project, member, person, goals) -> None:
    project.status = "closed"
    project.save()
    with pytest.raises(ValidationError) as error:
        create(project, member, person, goals)
    assert "__all__" in error.value.message_dict
    assert not Mobility.objects.exists()

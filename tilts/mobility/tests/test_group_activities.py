"""Group activities of adult learners: planned, priced for the whole group, approved and frozen, per member."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tilts.consortium.models import Consortium, Organisation
from tilts.mobility import services
from tilts.mobility.models import GroupActivity, MobilityStatus
from tilts.mobility.tests.factories import group_fields, make_participant, make_project

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def project(consortium: Consortium):
    # Call 2023: its table has learner rates (Belgium in group 2: learners 56.00, staff 104.00 a day).
    return make_project(consortium, 2023)


def test_a_group_is_priced_for_its_learners_and_accompanying_persons(group: GroupActivity) -> None:
    # Per learner 275.00 + 7 x 56.00 + 100.00 = 767.00 (+100.00 with fewer opportunities); per accompanying
    # person 275.00 + 7 x 104.00 = 1003.00: 8 x 767 + 2 x 867 + 2 x 1003.
    assert group.grant_total == D("9876.00")
    assert group.grant_breakdown["by_category"] == {
        "travel": "3300.00",
        "individual_support": "5376.00",
        "organisational_support": "1000.00",
        "inclusion_support_organisation": "200.00",
    }
    assert group.grant_breakdown["per_person"] == {
        "learner": "767.00",
        "learner_fewer_opportunities": "867.00",
        "accompanying": "1003.00",
    }
    assert group.status == MobilityStatus.DRAFT and group.grant_frozen_at is None


def test_green_travel_follows_from_the_means_of_transport(project, member: Organisation) -> None:
    group = services.create_group_activity(
        by=None,
        **group_fields(project, member, make_participant(member), means_of_transport="train", travel_days=4),
    )
    assert group.green_travel
    assert group.grant_breakdown["per_person"]["accompanying"] == "1256.00"  # 320.00 + 9 x 104.00


def test_from_2024_the_learners_rate_must_be_given(consortium: Consortium, member: Organisation) -> None:
    project = make_project(consortium, 2025)
    lead = make_participant(member)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.create_group_activity(by=None, **group_fields(project, member, lead))
    assert "learner_daily_rate" in refused.value.message_dict
    assert not GroupActivity.objects.exists()

    group = services.create_group_activity(
        by=None, **group_fields(project, member, lead, learner_daily_rate=D("60.00"))
    )
    # Learner 309.00 + 7 x 60.00 + 100.00 = 829.00; accompanying 309.00 + 7 x 190.00 = 1639.00
    assert group.grant_total == 8 * D("829.00") + 2 * D("929.00") + 2 * D("1639.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"learners": 1, "learners_fewer_opportunities": 0}, "learners"),
        ({"accompanying_persons": 0}, "accompanying_persons"),
        ({"learners_fewer_opportunities": 12}, "learners_fewer_opportunities"),
        ({"activity_type": "job_shadowing"}, "activity_type"),
        ({"end_date": datetime.date(2023, 11, 30)}, "end_date"),  # 56 days: group mobility lasts 2 to 30
        ({"receiving_country": "LV", "venue": "g:456172"}, "receiving_country"),
        ({"means_of_transport": "teleport"}, "means_of_transport"),
    ],
)
def test_what_is_not_a_group_is_refused_and_nothing_is_saved(
    project, member: Organisation, change: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_group_activity(by=None, **group_fields(project, member, make_participant(member), **change))
    assert field in refused.value.message_dict
    assert not GroupActivity.objects.exists()


def test_the_lead_works_at_the_sending_member(project, member: Organisation, other_member: Organisation) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_group_activity(by=None, **group_fields(project, member, make_participant(other_member)))
    assert "lead_accompanying_person" in refused.value.message_dict


def test_approval_freezes_the_grant_and_later_changes_price_again(group: GroupActivity, coordinator) -> None:
    group = services.transition_group(group, "submitted", by=coordinator)
    group = services.transition_group(group, "approved", by=coordinator)
    assert group.status == MobilityStatus.APPROVED and group.grant_frozen_at is not None

    changed = services.update_group_activity(group, version=group.version, by=None, learners=12)
    assert changed.grant_total == D("9876.00") + 2 * D("767.00")
    with pytest.raises(ValidationError):
        services.transition_group(changed, "draft", by=coordinator)


def test_an_edit_on_an_old_version_is_a_conflict(group: GroupActivity) -> None:
    services.update_group_activity(group, version=group.version, by=None, learners=11)
    stale = GroupActivity.objects.get(pk=group.pk)
    with pytest.raises(ValidationError):
        services.update_group_activity(stale, version=1, by=None, learners=12)
    assert GroupActivity.objects.get(pk=group.pk).learners == 11


def test_cancelling_needs_a_reason(group: GroupActivity, coordinator) -> None:
    with pytest.raises(ValidationError):
        services.transition_group(group, "cancelled", by=coordinator)
    cancelled = services.transition_group(group, "cancelled", by=coordinator, reason="Slimība", force_majeure=True)
    assert cancelled.status == MobilityStatus.CANCELLED and cancelled.force_majeure


def test_the_budget_counts_groups_with_the_mobilities(group: GroupActivity, project, coordinator) -> None:
    from tilts.mobility.selectors import project_budget

    lines = {line.category: line for line in project_budget(project).lines}
    assert lines["travel"].planned == D("3300.00")
    assert lines["organisational_support"].planned == D("1000.00")
    assert project_budget(project).total.planned == D("9876.00")
    services.transition_group(group, "cancelled", by=coordinator, reason="Atcelts")
    assert project_budget(project).total.planned == D("0.00")


def test_the_lead_accompanying_person_sees_the_group_they_lead(group: GroupActivity) -> None:
    from django.urls import reverse

    from tilts.core.tests.fixtures import client_for

    lead = client_for(group.lead_accompanying_person)
    assert lead.get(reverse("mobility:group", args=[group.pk])).status_code == 200
    assert lead.get(reverse("mobility:group_edit", args=[group.pk])).status_code in (403, 404)


def test_only_a_draft_moves_to_another_sending_member(group: GroupActivity, other_member, coordinator) -> None:
    for step in ("submitted", "approved"):
        group = services.transition_group(group, step, by=coordinator)
    with pytest.raises(ValidationError) as refused:
        services.update_group_activity(group, version=group.version, by=None, sending_organisation=other_member)
    assert "sending_organisation" in refused.value.message_dict
    assert GroupActivity.objects.get(pk=group.pk).sending_organisation_id != other_member.pk


def test_the_history_names_who_moved_the_group(group: GroupActivity, coordinator) -> None:
    """Outside a request too (a command, the worker): the service's ``by`` is the person in the history."""
    services.transition_group(group, "submitted", by=coordinator)
    assert group.history.first().history_user == coordinator

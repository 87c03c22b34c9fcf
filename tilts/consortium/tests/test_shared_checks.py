"""The membership and goal checks every app uses (tilts.consortium.selectors): one answer everywhere."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tilts.consortium import selectors, services
from tilts.consortium.models import Membership
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_current_member_is_active_and_one_that_left_is_not(consortium, member) -> None:
    assert selectors.is_active_member(member, consortium)
    assert selectors.is_active_member(member, consortium.pk)  # by id too, as services hold a project's consortium_id
    services.end_membership(Membership.objects.get(organisation=member), by=None, left_on=datetime.date.today())
    assert not selectors.is_active_member(member, consortium)


def test_an_organisation_of_no_or_another_consortium_is_not_a_member(consortium, member) -> None:
    assert not selectors.is_active_member(OrganisationFactory(), consortium)
    assert not selectors.is_active_member(member, ConsortiumFactory())


def test_goals_come_by_their_number_in_order(consortium) -> None:
    assert [goal.number for goal in selectors.goals_by_number(consortium, [3, 1, 3])] == [1, 3]
    assert selectors.goals_by_number(consortium, []) == []


def test_an_unknown_goal_number_is_named_in_the_error(consortium) -> None:
    GoalFactory(consortium=ConsortiumFactory(), number=9)  # another consortium's goal is not ours
    with translation.override("lv"), pytest.raises(ValidationError) as refused:
        selectors.goals_by_number(consortium, [1, 9, 7], field="goal_numbers")
    assert refused.value.message_dict == {"goal_numbers": ["Konsorcijam nav mērķa ar šādu numuru: 7, 9."]}

"""Flags: a mobility with no delivered follow-up after the grace months; a planned follow-up past its date."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.followup import selectors
from tilts.followup.selectors import add_months, whole_months_between
from tilts.followup.tests.helpers import D, followup, mobility
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium: Consortium):
    return make_project(consortium)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 10, 10), 6, D(2026, 4, 10)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 3, 31), 0, D(2025, 3, 31)),
    ],
)
def test_add_months(day, months, expected) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 10, 10), D(2026, 4, 10), 6),
        (D(2025, 10, 10), D(2026, 4, 9), 5),
        (D(2025, 8, 31), D(2026, 2, 28), 6),
        (D(2025, 12, 15), D(2026, 1, 14), 0),
        (D(2025, 3, 31), D(2025, 3, 31), 0),
    ],
)
def test_whole_months_between(start, end, expected) -> None:
    assert whole_months_between(start, end) == expected


def test_mobility_is_flagged_the_day_after_the_grace_months(project, member: Organisation, settings) -> None:
    settings.FOLLOWUP_GRACE_MONTHS = 6
    ended = mobility(project, member, end=D(2025, 10, 10))
    everything = Mobility.objects.all()
    assert selectors.mobilities_without_followup(everything, D(2026, 4, 10)) == []
    assert selectors.mobilities_without_followup(everything, D(2026, 4, 11)) == [ended]
    settings.FOLLOWUP_GRACE_MONTHS = 3
    assert selectors.mobilities_without_followup(everything, D(2026, 1, 11)) == [ended]
    assert selectors.mobilities_without_followup(everything, D(2026, 1, 10)) == []


def test_which_mobilities_are_flagged(project, member: Organisation, goals: list[Goal]) -> None:
    today = D(2026, 11, 25)
    completed = mobility(project, member, end=D(2025, 10, 10))
    past_not_completed = mobility(project, member, status="confirmed", end=D(2025, 10, 10))
    mobility(project, member, status="cancelled", end=D(2025, 10, 10))
    mobility(project, member, status="confirmed", end=D(2026, 6, 1))  # within the grace months
    delivered = mobility(project, member, end=D(2025, 10, 10))
    followup([delivered], goals[:1])
    only_planned = mobility(project, member, end=D(2025, 10, 10))
    followup([only_planned], goals[:1], status="planned", date=D(2026, 12, 1))
    flagged = selectors.mobilities_without_followup(Mobility.objects.all(), today)
    assert set(flagged) == {completed, past_not_completed, only_planned}


def test_planned_followup_past_its_date(project, member: Organisation, goals: list[Goal]) -> None:
    m = mobility(project, member)
    planned = followup([m], goals[:1], status="planned", date=D(2026, 1, 15))
    followup([m], goals[:1], status="delivered", date=D(2025, 12, 1))
    from tilts.followup.models import FollowUp

    assert list(selectors.planned_past_date(FollowUp.objects.all(), D(2026, 1, 15))) == []
    assert list(selectors.planned_past_date(FollowUp.objects.all(), D(2026, 1, 16))) == [planned]


def test_flags_follow_the_users_reach(project, member, other_member, member_contact, goals) -> None:
    mobility(project, member, end=D(2025, 1, 10))
    mobility(project, other_member, end=D(2025, 1, 10))
    today = D(2026, 11, 25)
    from tilts.accounts.models import Role
    from tilts.accounts.tests.factories import UserFactory

    coordinator = UserFactory(role=Role.COORDINATOR)
    assert selectors.flags_for(coordinator, project, today).total == 2
    assert selectors.flags_for(member_contact, project, today).total == 1


def test_dashboard_and_project_page_show_the_flags(
    coordinator_client: Client, project, member, goals, settings
) -> None:
    settings.FOLLOWUP_GRACE_MONTHS = 6
    late = mobility(project, member, end=D(2025, 1, 10))
    followup([late], goals[:1], status="planned", date=D(2025, 6, 1), title="Novēlota darbnīca")
    dashboard, page = reverse("backoffice:dashboard"), reverse("followup:project", args=[project.pk])
    response = coordinator_client.get("/en" + dashboard)
    assert "2</span> follow-up items need attention" in response.text
    response = coordinator_client.get("/en" + page)
    assert response.status_code == 200
    assert len(response.context["flags"].mobilities) == 1 and "Novēlota darbnīca" in response.text
    assert "10/07/2025" in response.text  # due: six months after the end (10 July; English dates are day-first)

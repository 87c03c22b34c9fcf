"""Flags: a mobility with no delivered follow-up after the grace months; a planned follow-up past its date."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.dates import add_months
from tilts.followup import selectors
from tilts.followup.selectors import whole_months_between
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
    assert flagged(coordinator, project, today) == 2
    assert flagged(member_contact, project, today) == 1


def flagged(user, project, today) -> int:
    """How many items the flags list (both lists, read as rows)."""
    return len(list(selectors.flagged_mobilities(user, project, today))) + len(
        list(selectors.late_followups(user, project, today))
    )


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


@pytest.mark.parametrize("months", [0, 1, 3, 6])
def test_database_cutoff_matches_the_due_date_rule(months, settings) -> None:
    """A mobility is flagged in SQL by ``end_date < cutoff``; the rule is ``followup_due(end) < today``. They
    agree on every end date around month ends and leap days."""
    settings.FOLLOWUP_GRACE_MONTHS = months
    for today in (D(2026, 3, 31), D(2026, 3, 1), D(2024, 2, 29), D(2026, 8, 31), D(2026, 1, 1), D(2026, 11, 25)):
        cutoff = selectors._ended_before(today)
        end = add_months(today, -months - 1)
        while end <= today:
            assert (end < cutoff) == (add_months(end, months) < today), (today, end)
            end += datetime.timedelta(days=1)


def test_flag_counts_agree_with_the_lists(project, member, other_member, member_contact, goals) -> None:
    from tilts.accounts.models import Role
    from tilts.accounts.tests.factories import UserFactory

    today = D(2026, 11, 25)
    mobility(project, member, end=D(2025, 1, 10))
    mobility(project, other_member, end=D(2025, 1, 10))
    mobility(project, member, end=D(2026, 11, 1))  # within the grace months
    m = mobility(project, member, end=D(2025, 2, 10))
    followup([m], goals[:1], status="planned", date=D(2026, 1, 15))
    coordinator = UserFactory(role=Role.COORDINATOR)
    for user in (coordinator, member_contact):
        counts = selectors.flag_counts(user, project, today)
        listed = (selectors.flagged_mobilities(user, project, today), selectors.late_followups(user, project, today))
        assert (counts.mobilities, counts.followups) == tuple(len(list(rows)) for rows in listed)
    assert selectors.flag_counts(coordinator, None, today).total == 4
    assert selectors.flag_counts(member_contact, None, today).total == 3
    assert selectors.flag_counts_by_project(coordinator, today) == {project.pk: 4}


def test_dashboard_flags_take_constant_queries(
    coordinator_client: Client, project, member, goals, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        mobility(project, member, end=D(2025, 1, 10))
    url = "/en" + reverse("backoffice:dashboard")
    coordinator_client.get(url)
    with django_assert_max_num_queries(
        33
    ):  # the whole dashboard, every block on it and the waiting list (EU reports too)
        response = coordinator_client.get(url)
    assert "30</span> follow-up items need attention" in response.text

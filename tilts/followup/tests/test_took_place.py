"""Only mobilities that took place count (completed, or confirmed and ended), and per euro is the money spent:
an accepted report's final grant, else the mobility's frozen grant."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.followup import selectors
from tilts.followup.models import FollowUp
from tilts.followup.selectors import Scope
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project
from tilts.reporting.models import ParticipantReport

pytestmark = pytest.mark.django_db


def report(made: Mobility, status: str, final: str) -> None:
    ParticipantReport.objects.create(
        mobility=made, status=status, due_date=made.end_date, final_grant_total=Decimal(final)
    )


@pytest.fixture
def mixed(consortium: Consortium, member: Organisation, goals: list[Goal]) -> dict[str, Mobility]:
    """A completed mobility with an accepted report, a confirmed one that ended, and three that did not happen:
    a draft made at selection, a confirmed one still to come, an approved one."""
    project = make_project(consortium)
    soon = timezone.localdate() + datetime.timedelta(days=30)
    made = {
        "completed": mobility(project, member, grant="1000.00", goals=goals[:1]),
        "ended": mobility(project, member, status="confirmed", grant="500.00", goals=goals[:1]),
        "draft": mobility(project, member, status="draft", grant="900.00", goals=goals[:1]),
        "future": mobility(project, member, status="confirmed", end=soon, grant="700.00", goals=goals[:1]),
        "approved": mobility(project, member, status="approved", grant="300.00", goals=goals[:1]),
    }
    report(made["completed"], "accepted", "800.00")
    report(made["ended"], "submitted", "1.00")  # not accepted: its final figure is not the money spent yet
    followup([made["completed"]], goals[:1], attendees=10)
    followup([made["ended"]], goals[:1], attendees=6, type="seminar")
    followup([made["draft"]], goals[:1], attendees=40)  # draws only on a mobility that did not happen
    return made


def test_only_mobilities_that_took_place_count(consortium, mixed) -> None:
    reach = selectors.total_reach(Scope(consortium))
    assert (reach.mobilities, reach.participants, reach.followups, reach.colleagues) == (2, 2, 2, 16)
    assert reach.grant == Decimal("1300.00")  # 800 (accepted report's final grant) + 500 (frozen grant)
    assert reach.multiplier == Decimal("8.00")
    assert reach.per_thousand_euro == Decimal("12.31")


def test_a_confirmed_mobility_counts_from_the_day_after_it_ends(consortium, member, goals) -> None:
    today = timezone.localdate()
    mobility(make_project(consortium), member, status="confirmed", end=today, goals=goals[:1])
    assert selectors.total_reach(Scope(consortium)).mobilities == 0
    Mobility.objects.update(end_date=today - datetime.timedelta(days=1))
    assert selectors.total_reach(Scope(consortium)).mobilities == 1


def test_per_goal_per_member_and_per_mobility_leave_them_out(consortium, mixed, member) -> None:
    goal = selectors.reach_by_goal(Scope(consortium))[0].reach
    assert (goal.mobilities, goal.colleagues, goal.grant) == (2, 16, Decimal("1300.00"))
    [row] = selectors.reach_by_member(Scope(consortium))
    assert (row.organisation, row.reach.mobilities, row.reach.grant) == (member, 2, Decimal("1300.00"))
    assert selectors.reach_by_mobility(Scope(consortium)) == {mixed["completed"].pk: 10, mixed["ended"].pk: 6}
    assert sum(p.total for p in selectors.reach_over_time(Scope(consortium))) == 16


def test_public_results_page_and_api(client: Client, mixed) -> None:
    FollowUp.objects.update(approved_at=timezone.now())  # the coordinator has approved them for the public
    page = client.get("/en" + reverse("followup:results"))
    assert (page.context["total"].mobilities, page.context["total"].colleagues) == (2, 16)
    assert "completed ones, and confirmed ones whose end date has passed" in page.text
    body = client.get("/api/v1/results").json()
    assert (body["mobilities"], body["participants"], body["colleagues"]) == (2, 2, 16)


def test_dashboard_and_its_api(coordinator_client: Client, mixed) -> None:
    page = coordinator_client.get("/en" + reverse("followup:dashboard"))
    assert (page.context["total"].mobilities, page.context["total"].grant) == (2, Decimal("1300.00"))
    assert "mobilities that took place" in page.text
    assert "the final grant of an accepted report" in page.text
    total = coordinator_client.get("/api/v1/dashboard/goals").json()["total"]
    assert (total["mobilities"], total["colleagues"], total["grant"]) == (2, 16, "1300.00")

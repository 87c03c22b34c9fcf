import datetime

from django.test import Client
from django.utils import timezone

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup import selectors as followup_selectors
from tilts.followup.selectors import Scope
from tilts.followup.tests.helpers import FOLLOWUP_DATE, followup, mobility
from tilts.projects.models import Project
from tilts.quality import selectors, services
from tilts.quality.models import Review

D = datetime.date


def _world(project: Project, member: Organisation, other_member: Organisation, goals: list) -> None:
    mine = [mobility(project, member) for _n in range(3)]
    theirs = mobility(project, other_member)
    followup(mine[:2], goals[:1], attendees=12)
    followup([theirs], goals[1:2], attendees=7, type="presentation")
    mobility(project, member, status="cancelled")


def test_colleagues_reached_equals_the_goals_dashboard(
    project: Project,
    member: Organisation,
    other_member: Organisation,
    goals: list,
    consortium: Consortium,
    coordinator: User,
    member_contact: User,
) -> None:
    _world(project, member, other_member, goals)
    whole = selectors.measures(Scope(consortium))
    assert whole["colleagues_reached"].count == followup_selectors.total_reach(Scope(consortium)).colleagues == 19
    own = selectors.measures(Scope(consortium, None, member))
    assert own["colleagues_reached"].count == 12
    dashboard = client_for(coordinator).get("/follow-up/goals/").context["total"]
    assert dashboard.colleagues == whole["colleagues_reached"].count
    assert whole["results_published"].count == 1  # the presentation is not on the public results page


def test_follow_ups_within_the_grace_period(
    project: Project, member: Organisation, other_member: Organisation, goals: list, consortium: Consortium
) -> None:
    _world(project, member, other_member, goals)
    later = FOLLOWUP_DATE + datetime.timedelta(days=400)
    measure = selectors.measures(Scope(consortium), today=later)["followups_in_time"]
    assert (measure.count, measure.of, measure.percent) == (3, 4, 75)
    assert selectors.measures(Scope(consortium), today=D(2025, 11, 1))["followups_in_time"].of == 0


def test_checklist_points_count_in_the_standards(
    project: Project, member: Organisation, coordinator: User, consortium: Consortium, member_contact: User
) -> None:
    done = mobility(project, member)
    mobility(project, member)
    services.save_checklist(done, by=coordinator, preparation=True, insurance=True, travel_accommodation=True)
    measures = selectors.measures(Scope(consortium))
    assert (measures["preparation"].count, measures["preparation"].of) == (1, 2)
    assert measures["practical_arrangements"].percent == 50
    page = client_for(member_contact).get("/quality/").content.decode()
    assert 'data-measure="preparation"' in page and "1 / 2 (50 %)" in page


def test_a_member_contact_sees_their_own_summary_and_the_coordinator_chooses_one(
    review: Review,
    project: Project,
    member: Organisation,
    other_member: Organisation,
    goals: list,
    member_contact: User,
    coordinator_client: Client,
) -> None:
    _world(project, member, other_member, goals)
    answer = review.answers.get(organisation=member, item__code="1.1")
    services.save_answer(answer, by=member_contact, status="met")
    page = client_for(member_contact).get("/quality/")
    assert page.context["organisation"] == member
    assert f"Kvalitātes kopsavilkums: {member.legal_name}" in page.content.decode()
    chosen = coordinator_client.get(f"/quality/?organisation={other_member.pk}")
    assert chosen.context["organisation"] == other_member
    everyone = coordinator_client.get("/quality/")
    first_area = everyone.context["areas"][0][2]
    assert first_area[0][1].count("met") == 1


def test_the_standards_page_keeps_its_query_count(
    review: Review,
    project: Project,
    member: Organisation,
    other_member: Organisation,
    goals: list,
    coordinator: User,
    django_assert_max_num_queries: object,
) -> None:
    _world(project, member, other_member, goals)
    client = client_for(coordinator)
    with django_assert_max_num_queries(35):  # type: ignore[operator]
        assert client.get("/quality/").status_code == 200


def test_the_today_default_is_rigas(consortium: Consortium) -> None:
    assert selectors.measures(Scope(consortium))["followups_in_time"].of == 0
    assert timezone.localdate()

"""The public results page and API: numbers per goal and delivered activities, no personal data."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.followup.models import FollowUp
from tilts.followup.services import approve_followup
from tilts.followup.tests.helpers import D, followup, mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(consortium: Consortium, member: Organisation, participant, goals: list[Goal]):
    project = make_project(consortium)
    first = mobility(project, member, participant, goals=goals[:2])
    second = mobility(project, member, goals=goals[1:2])
    followup([first, second], goals[1:2], attendees=40, title="Digitālo prasmju seminārs", type="seminar")
    followup([first], goals[:1], attendees=3, title="Referāts konferencē", type="presentation")
    followup([second], goals[:1], status="planned", title="Plānotā programma", date=D(2026, 12, 1), attendees=0)
    FollowUp.objects.filter(status="delivered").update(approved_at=timezone.now())  # public once approved
    return first, second


def test_public_page_has_numbers_and_activities_but_no_people(client: Client, delivered) -> None:
    response = client.get(reverse("followup:results"))
    assert response.status_code == 200
    assert response.context["total"].colleagues == 43
    assert response.context["total"].multiplier.to_eng_string() == "21.50"
    text = response.text
    assert "Digitālo prasmju seminārs" in text
    assert "Referāts konferencē" not in text  # presentations are counted but not listed
    assert "Plānotā programma" not in text
    for made in delivered:
        person = made.participant
        assert person.last_name not in text and person.email not in text
    assert delivered[0].sending_organisation.legal_name in text  # the organiser institution is public


def test_results_link_in_the_public_nav(client: Client, consortium) -> None:
    response = client.get("/en/")
    assert '<a href="/en/follow-up/results/">Results</a>' in response.text


def test_results_api_is_public_and_anonymous(client: Client, delivered) -> None:
    response = client.get("/api/v1/results")
    assert response.status_code == 200
    body = response.json()
    assert (body["colleagues"], body["participants"], body["multiplier"]) == (43, 2, "21.50")
    goal_two = next(g for g in body["goals"] if g["number"] == 2)
    # The presentation is tagged with goal 1 but draws on a mobility serving goals 1 and 2: it counts for both.
    assert (goal_two["mobilities"], goal_two["participants"], goal_two["colleagues"]) == (2, 2, 43)
    assert [f["title"] for f in body["followups"]] == ["Digitālo prasmju seminārs"]
    raw = response.content.decode()
    for made in delivered:
        assert made.participant.last_name not in raw and made.participant.email not in raw


def test_figures_are_cached_until_something_changes(
    client: Client, delivered, goals, coordinator, django_assert_max_num_queries
) -> None:
    url = "/en" + reverse("followup:results")
    assert client.get(url).context["total"].colleagues == 43
    # The consortium (twice: the page's and the site's), the cache's version and the page's rendering, kept with
    # its figures (so the second visit has no context of its own: its text is checked).
    with django_assert_max_num_queries(4):
        assert '<span class="stat">43</span> colleagues reached' in client.get(url).text
    new = followup([delivered[1]], goals[:1], attendees=7, title="Jauna darbnīca", type="workshop")
    assert client.get(url).context["total"].colleagues == 43  # not public before the coordinator approves it
    approve_followup(new, by=coordinator)
    response = client.get(url)
    assert response.context["total"].colleagues == 50 and "Jauna darbnīca" in response.text


def test_delivered_activities_are_listed_50_a_page(client: Client, delivered, goals) -> None:
    for i in range(50):
        followup([delivered[0]], goals[:1], attendees=1, title=f"Darbnīca {i}", type="workshop")
    FollowUp.objects.update(approved_at=timezone.now())  # public once approved
    url = "/en" + reverse("followup:results")
    assert "Page 1 of 2 (rows 1–50 of 51)" in client.get(url).text
    assert "rows 51–51 of 51" in client.get(url, {"page": 2}).text


def test_pages_of_activities_are_cached_until_something_shown_changes(
    client: Client, delivered, goals, member, django_assert_max_num_queries
) -> None:
    for i in range(50):
        followup([delivered[0]], goals[:1], attendees=1, title=f"Darbnīca {i:02}", type="workshop")
    FollowUp.objects.update(approved_at=timezone.now())
    url = "/en" + reverse("followup:results")
    first = client.get(url, {"page": 2})
    assert "rows 51–51 of 51" in first.text
    [last] = first.context["page"].object_list
    FollowUp.objects.filter(pk=last.pk).update(title="Mainīts bez signāla")  # no signal: seen all the same
    assert "Mainīts bez signāla" in client.get(url, {"page": 2}).text
    with django_assert_max_num_queries(5):  # the second page is cached too, read after the figures
        again = client.get(url, {"page": 2})
    assert "Mainīts bez signāla" in again.text
    assert "rows 1–50 of 51" in client.get(url, {"page": "x"}).text  # not a number: the first page, as before
    assert "rows 51–51 of 51" in client.get(url, {"page": 9}).text  # past the end: the last page, as before
    member.legal_name = "Jaunais nosaukums"
    member.save()  # an organiser's new name is shown at once
    renamed = client.get(url, {"page": 2}).text
    assert "Jaunais nosaukums" in renamed and "Mainīts bez signāla" in renamed

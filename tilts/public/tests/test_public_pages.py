"""The public site in Latvian and English: home, goals, members by type, contact, privacy."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, MembershipStatus, OrganisationType
from tilts.consortium.tests.factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_home_in_latvian_shows_goals_and_member_count(
    client: Client, consortium: Consortium, goals: list[Goal]
) -> None:
    MemberFactory(consortium=consortium)
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="lv"' in response.text
    assert consortium.name_lv in response.text
    for goal in goals:
        assert goal.title_lv in response.text
    assert "2 dalībinstitūcijas" in response.text  # the coordinator and one member; Latvian plural


def test_home_in_english(client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    response = client.get("/en/")
    assert 'lang="en"' in response.text
    assert consortium.name_en in response.text
    assert goals[0].title_en in response.text
    assert "train the trainers" in response.text


def test_switching_language_keeps_the_page(client: Client, consortium: Consortium) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/members/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/members/"
    response = client.post("/en/i18n/setlang/", {"language": "lv", "next": "/en/members/"})
    assert response["Location"] == "/members/"


def test_goal_page_lists_members_sharing_it(client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    sharing = MemberFactory(consortium=consortium, organisation=OrganisationFactory(legal_name="Cēsu bibliotēka"))
    sharing.goals.set([goals[2]])
    MemberFactory(consortium=consortium, organisation=OrganisationFactory(legal_name="Tukuma muzejs"))
    response = client.get(reverse("public:goal", args=[3]))
    assert response.status_code == 200
    assert "Cēsu bibliotēka" in response.text
    assert "Tukuma muzejs" not in response.text
    assert client.get(reverse("public:goal", args=[99])).status_code == 404


def test_members_are_grouped_by_type_and_sorted_in_latvian(client: Client, consortium: Consortium) -> None:
    for name, type_ in [
        ("Žagaru bibliotēka", "library"),
        ("Āraišu muzejs", "museum"),
        ("Cēsu bibliotēka", "library"),
        ("Čiekurkalna bibliotēka", "library"),
        ("Valsts arhīvs", "archive"),
    ]:
        MemberFactory(consortium=consortium, organisation=OrganisationFactory(legal_name=name, type=type_))
    left = MemberFactory(consortium=consortium, organisation=OrganisationFactory(legal_name="Bijusī bibliotēka"))
    left.status = MembershipStatus.LEFT
    left.save()
    response = client.get(reverse("public:members"))
    groups = response.context["groups"]
    assert list(groups) == [OrganisationType.LIBRARY, OrganisationType.MUSEUM, OrganisationType.ARCHIVE]
    libraries = [o.legal_name for o in groups["library"]]
    assert libraries == [
        "Cēsu bibliotēka",
        "Čiekurkalna bibliotēka",
        "Latvijas Nacionālā bibliotēka",
        "Žagaru bibliotēka",
    ]
    assert "Bijusī bibliotēka" not in response.text
    assert "Bibliotēkas" in response.text and "Muzeji" in response.text and "Arhīvi" in response.text


def test_contact_page_shows_the_competence_centre(client: Client, consortium: Consortium) -> None:
    response = client.get(reverse("public:contact"))
    assert consortium.contact_email in response.text
    assert "+371 67806129" in response.text and "+371 67716054" in response.text


def test_privacy_notice_is_public(client: Client, consortium: Consortium) -> None:
    assert client.get(reverse("public:privacy")).status_code == 200
    assert client.get("/en/privacy/").status_code == 200


def test_without_a_consortium_the_home_page_says_so(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 503
    assert client.get(reverse("public:members")).status_code == 404


def test_pages_are_accessible_basics(client: Client, consortium: Consortium) -> None:
    """A skip link, one main landmark, labelled navigation and a language attribute on every public page."""
    for name in ["home", "goals", "members", "join", "contact", "privacy"]:
        html = client.get(reverse(f"public:{name}")).text
        assert 'href="#main"' in html
        assert html.count("<main") == 1
        assert '<nav aria-label="' in html
        assert '<html lang="lv">' in html

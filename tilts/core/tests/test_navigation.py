"""The back office's menu: grouped, each role sees only the links it may follow, the current page is marked."""

import re

import pytest
from django.urls import reverse

from tilts.core.navigation import BACKOFFICE_NAV, NavGroup, NavLink, backoffice_nav

pytestmark = pytest.mark.django_db


def labels(groups) -> dict[str, list[str]]:
    return {group.key: [str(link.label) for link in group.links] for group in groups}


def test_coordinator_sees_every_group(coordinator) -> None:
    groups = backoffice_nav(coordinator, "/manage/")
    assert [group.key for group in groups] == ["consortium", "projects", "selection", "reports", "settings"]
    assert len(labels(groups)["consortium"]) == 4  # applications to join, members, goals, people


def test_participant_sees_only_their_own_links(participant) -> None:
    groups = labels(backoffice_nav(participant, "/"))
    assert "consortium" in groups  # their institution's page
    assert len(groups["consortium"]) == 1
    assert len(groups["projects"]) == 1  # my mobilities, not projects
    assert len(groups["selection"]) == 1  # my applications, not the calls' management
    assert len(groups["settings"]) == 2  # the profile and the e-mails


def test_evaluator_gets_the_selection_but_not_the_settings(evaluator) -> None:
    groups = labels(backoffice_nav(evaluator, "/"))
    assert len(groups["selection"]) == 2
    assert len(groups["settings"]) == 2
    assert "consortium" not in groups  # no institution, nothing else there


def test_the_longest_matching_link_is_current(coordinator) -> None:
    goals_dashboard = reverse("followup:dashboard")
    groups = backoffice_nav(coordinator, goals_dashboard)
    current = [(group.key, link.url) for group in groups for link in group.links if link.current]
    assert current == [("reports", goals_dashboard)]
    assert [group.key for group in groups if group.current] == ["reports"]


def test_a_new_group_is_one_entry_in_the_list(coordinator) -> None:
    quality = NavGroup(
        "quality", "Quality", (NavLink("Quality", "backoffice:goals", lambda user: user.is_coordinator),)
    )
    groups = backoffice_nav(coordinator, "/", (*BACKOFFICE_NAV, quality))
    assert groups[-1].key == "quality"


def test_page_renders_the_groups_in_latvian(coordinator_client) -> None:
    html = coordinator_client.get(reverse("backoffice:dashboard")).content.decode()
    nav = html[html.index('class="backoffice-nav"') : html.index("</nav>", html.index('class="backoffice-nav"'))]
    summaries = re.findall(r"<summary[^>]*>([^<]+)", nav)
    assert summaries == [
        "Konsorcijs",
        "Projekti un mobilitātes",
        "Atlase",
        "Atskaites un turpmākās aktivitātes",
        "Iestatījumi",
    ]
    assert f'href="{reverse("backoffice:dashboard")}" aria-current="page"' in nav


def test_page_renders_the_groups_in_english(coordinator_client) -> None:
    html = coordinator_client.get("/en/manage/").content.decode()
    summaries = re.findall(r"<summary[^>]*>([^<]+)", html)
    assert summaries == ["Consortium", "Projects and mobilities", "Selection", "Reports and follow-up", "Settings"]


def test_member_contact_menu_has_no_coordinator_pages(member_client, member) -> None:
    html = member_client.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("backoffice:members") + '"' not in html
    assert reverse("grants:rate_tables") not in html
    assert reverse("backoffice:member", args=[member.pk]) in html

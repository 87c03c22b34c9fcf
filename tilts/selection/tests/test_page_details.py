"""Small things on the selection pages: one id per field, enough criterion rows, an empty reserve list."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_project
from tilts.selection.models import plan_in_language
from tilts.selection.tests.factories import approved_mobility, make_call, ready_to_select, submitted_application

pytestmark = pytest.mark.django_db


def test_the_coordinators_application_page_has_no_duplicate_ids(consortium, participant, goals, coordinator_client):
    application = submitted_application(make_call(consortium), participant, goals)
    page = coordinator_client.get(reverse("selection:application", args=[application.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert "id_eligibility_reason" in ids and "id_decision_reason" in ids
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_a_new_call_offers_four_criterion_rows(consortium, coordinator_client) -> None:
    project = make_project(consortium, 2026)
    page = coordinator_client.get(reverse("selection:create", args=[project.pk])).content.decode()
    assert len(re.findall(r'name="criteria-\d+-name_lv"', page)) == 4


def test_an_empty_reserve_list_is_not_numbered(consortium, coordinator_client) -> None:
    call = make_call(consortium)
    page = coordinator_client.get(reverse("selection:manage", args=[call.pk])).content.decode()
    assert "<p>Rezerves sarakstā neviena nav.</p>" in page
    assert not re.search(r"<ol>\s*<li>Rezerves", page)


def test_the_change_history_names_fields_in_latvian_only(
    consortium, participant, goals, coordinator, coordinator_client
):
    application = ready_to_select(submitted_application(make_call(consortium), participant, goals), coordinator)
    page = coordinator_client.get(reverse("selection:application", args=[application.pk])).content.decode()
    assert "mainīts: kontaktpersona" in page.replace("\n", " ")  # the support decision, by its Latvian label
    assert "support by" not in page and "eligibility by" not in page  # who did it is in the "Who" column


def test_a_follow_up_plan_made_from_an_application_shows_its_format_in_the_pages_language(
    consortium, participant, goals, coordinator
) -> None:
    with translation.override("lv"):
        mobility = approved_mobility(submitted_application(make_call(consortium), participant, goals), coordinator)
    assert mobility.followup_plan == "Tematiskā darbnīca: Digitalizācija mazās bibliotēkās"
    with translation.override("en"):
        assert plan_in_language(mobility.followup_plan) == "Thematic workshop: Digitalizācija mazās bibliotēkās"
        page = client_for(coordinator).get(reverse("mobility:detail", args=[mobility.pk])).content.decode()
    assert "Thematic workshop: Digitalizācija mazās bibliotēkās" in page
    assert "Tematiskā darbnīca" not in page
    with translation.override("lv"):
        assert plan_in_language(mobility.followup_plan) == mobility.followup_plan
    assert plan_in_language("Darbnīca: mana tēma") == "Darbnīca: mana tēma"  # the participant's own words stay
    assert mobility.receiving_city == "Brussels"  # stored as the gazetteer names it, whatever the language

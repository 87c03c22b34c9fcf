"""Small things on the selection pages: one id per field, enough criterion rows, an empty reserve list."""

import re

import pytest
from django.urls import reverse

from tilts.mobility.tests.factories import make_project
from tilts.selection.tests.factories import make_call, submitted_application

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

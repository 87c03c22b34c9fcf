"""Editing a mobility in Latvian: a change of grant is shown once, then saved with the new grant."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import MobilityFactory, make_project

pytestmark = pytest.mark.browser


def test_saving_with_the_new_grant_in_latvian(transactional_db: None, live_server, page: Page, log_in) -> None:
    consortium = ConsortiumFactory()
    goal = GoalFactory(consortium=consortium, number=1)
    member = MemberFactory(consortium=consortium).organisation
    project = make_project(consortium)
    mobility = MobilityFactory(project=project, sending_organisation=member, goals=[goal])
    before = mobility.grant_total
    log_in(UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator))

    page.goto(f"{live_server.url}/mobilities/{mobility.pk}/edit/")
    page.locator("#id_green_travel").check()
    page.locator("#id_travel_days").fill("6")
    page.get_by_role("button", name="Saglabāt", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Šīs izmaiņas maina dotāciju.")
    page.get_by_role("button", name="Saglabāt ar jauno dotāciju").click()

    expect(page.get_by_text("Saglabāts.")).to_be_visible()
    mobility = Mobility.objects.get(pk=mobility.pk)
    assert mobility.travel_days == 6
    assert mobility.grant_total > before > Decimal(0)


def test_destinations_list_programme_countries_first_in_latvian_order(
    transactional_db: None, live_server, page: Page, log_in
) -> None:
    consortium = ConsortiumFactory()
    GoalFactory(consortium=consortium, number=1)
    project = make_project(consortium)
    log_in(UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator))
    page.goto(f"{live_server.url}/mobilities/project/{project.pk}/new/")
    select = page.locator("#id_receiving_country")
    groups = select.locator("optgroup").evaluate_all("groups => groups.map(g => g.label)")
    assert groups == ["Erasmus+ programmas valstis", "Citas valstis"]
    programme = select.locator("optgroup").first.locator("option").all_inner_texts()
    assert programme[:4] == ["Austrija", "Beļģija", "Bulgārija", "Čehija"] and "Latvija" in programme
    others = select.locator("optgroup").last.locator("option").all_inner_texts()
    assert others.index("Afganistāna") < others.index("Amerikas Savienotās Valstis")
    assert others.index("Centrālāfrikas Republika") < others.index("Čada") < others.index("Čīle")
    assert "Latvija" not in others

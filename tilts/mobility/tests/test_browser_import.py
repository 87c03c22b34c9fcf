"""Importing mobilities in Latvian: the template's headers, a semicolon CSV with a decimal comma, the preview,
the confirmation, and a file with a problem that creates nothing."""

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.browser
HEADERS = "Dalībnieka e-pasts;Aktivitātes veids;Uzņemošā organizācija;Uzņemošā valsts;Uzņemošā pilsēta;Sākums;Beigas;"
HEADERS += "Attālums pēc EK kalkulatora, km;Mērķi;Tēma;Mācību mērķi"


def csv(*rows: str) -> dict[str, object]:
    text = "\n".join([HEADERS, *rows]) + "\n"
    return {"name": "mobilitātes.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_importing_a_latvian_spreadsheet(transactional_db: None, live_server, page: Page, log_in) -> None:
    consortium = ConsortiumFactory()
    GoalFactory(consortium=consortium, number=1)
    member = MemberFactory(consortium=consortium).organisation
    project = make_project(consortium)
    anna, janis = make_participant(member), make_participant(member)
    log_in(UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator))
    good = f"{anna.email};Darba vērošana;KBR;Beļģija;Brisele;06.10.2025;20.10.2025;1 616,0;1;Kolekcijas;Apgūt darbu"
    bad = f"{janis.email};Darba vērošana;KBR;Beļģija;Brisele;31.02.2025;20.10.2025;1616;1;Kolekcijas;Apgūt darbu"

    page.goto(f"{live_server.url}/mobilities/project/{project.pk}/")
    page.get_by_role("link", name="Importēt no izklājlapas").click()
    page.get_by_label("Izklājlapa").set_input_files(csv(good, bad))
    page.get_by_role("button", name="Augšupielādēt un pārbaudīt").click()
    expect(page.get_by_role("alert")).to_contain_text("Atrasta 1 problēma; nekas nav izveidots.")
    expect(page.get_by_role("row", name="3 Sākums")).to_contain_text("Rakstiet datumu kā 2026-10-05 vai 05.10.2026.")
    assert not Mobility.objects.exists()

    page.get_by_role("link", name="Augšupielādēt izlaboto datni").click()
    page.get_by_label("Izklājlapa").set_input_files(csv(good, bad.replace("31.02.2025", "01.10.2025")))
    page.get_by_role("button", name="Augšupielādēt un pārbaudīt").click()
    expect(page.get_by_text("tiks izveidotas 2 mobilitātes kā melnraksti")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(str(anna))
    page.get_by_role("button", name="Izveidot 2 mobilitātes").click()

    expect(page.get_by_text("Mobilitātes importētas kā melnraksti.")).to_be_visible()
    assert Mobility.objects.filter(project=project, status="draft").count() == 2

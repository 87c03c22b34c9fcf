"""The EU Survey report (the Beneficiary Module's) per mobility, kept apart from the consortium's own participant
report: where it shows, the coordinator's count of reports not submitted, and the member contact's task for an
undelivered request."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tilts.core.waiting import waiting_for
from tilts.exports import services
from tilts.exports.models import ModuleMobility
from tilts.exports.tests.helpers import awarded, make_mobility, module_csv, module_export, upload
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db
END = datetime.date(2025, 10, 20)  # the factories' mobility ends then


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


def imported_with(coordinator, project, statuses: list[str]) -> None:
    rows = module_export(services.build_csv(coordinator, project))
    for row, status in zip(rows, statuses, strict=True):
        row["Participant Report Status"] = status
    services.import_module_export(coordinator, project, upload(module_csv(rows)))


def test_the_two_reports_are_named_apart_on_the_mobility_page_and_lists(
    coordinator_client, client, coordinator, project, member, goals, participant
) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator, participant=participant)
    imported_with(coordinator, project, ["Submitted"])
    detail = coordinator_client.get(reverse("mobility:detail", args=[mobility.pk])).content.decode()
    assert "EU Survey ziņojums (Beneficiary Module)" in detail
    assert "Iesniegts" in detail and "2025-1-LV01-KA121-ADU-000001" in detail
    listing = coordinator_client.get(reverse("mobility:list", args=[project.pk])).content.decode()
    assert "Konsorcija: —" in listing and "EU Survey: Iesniegts" in listing
    client.force_login(participant)
    mine = client.get(reverse("mobility:mine"), HTTP_ACCEPT_LANGUAGE="lv").content.decode()
    assert "EU Survey: Iesniegts" in mine


def test_before_any_import_the_eu_report_is_not_known(coordinator_client, coordinator, project, member, goals) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator)
    detail = coordinator_client.get(reverse("mobility:detail", args=[mobility.pk])).content.decode()
    assert "nav zināms: neviens moduļa eksports vēl nav importēts" in detail


def test_the_coordinator_counts_eu_reports_not_submitted_after_the_set_days(
    coordinator, project, member, goals, settings
) -> None:
    for _ in range(4):
        make_mobility(project, member, goals, by=coordinator)
    imported_with(coordinator, project, ["Request sent", "Automatic reminder sent", "Submitted", "Excluded by NA"])
    settings.EU_REPORT_OVERDUE_DAYS = 30
    translation.activate("lv")
    before = [
        item for item in waiting_for(coordinator, END + datetime.timedelta(days=30)) if item.kind.startswith("eu")
    ]
    assert before == []
    items = [item for item in waiting_for(coordinator, END + datetime.timedelta(days=31)) if item.kind.startswith("eu")]
    assert [(item.text, item.count) for item in items] == [
        ("Projekts 2025: 2 EU Survey ziņojumi nav iesniegti 30 dienas pēc mobilitātes beigām", 2)
    ]
    assert items[0].url == reverse("exports:eu_reports", args=[project.pk]) + "?show=overdue"


def test_an_undelivered_request_is_a_task_for_the_member_contact_until_the_address_is_corrected(
    member_client, member_contact, coordinator, project, member, other_member, goals
) -> None:
    ours = make_mobility(project, member, goals, by=coordinator)
    make_mobility(project, other_member, goals, by=coordinator)
    imported_with(coordinator, project, ["Undelivered e-mail", "Undelivered email"])
    today = END + datetime.timedelta(days=1)
    tasks = [item for item in waiting_for(member_contact, today) if item.kind == "eu_reports_undelivered"]
    assert [item.count for item in tasks] == [1]  # their institution's only
    page = member_client.get(tasks[0].url).content.decode()
    assert str(ours.participant) in page and "Izlabot dalībnieka e-pasta adresi" in page
    assert page.count("E-pasts nav piegādāts") == 2  # the filter's name and our row; not the other member's row

    person = ours.participant
    person.email = "labota.adrese@example.org"
    person.save()
    assert [item for item in waiting_for(member_contact, today) if item.kind == "eu_reports_undelivered"] == []
    page = member_client.get(tasks[0].url).content.decode()
    assert "Izlabots sistēmā Tilts: labota.adrese@example.org" in page


def test_the_eu_reports_page_paginates_within_a_query_budget(
    coordinator_client, coordinator, project, member, goals, django_assert_max_num_queries
) -> None:
    for _ in range(52):
        make_mobility(project, member, goals, by=coordinator)
    imported_with(coordinator, project, ["Request sent"] * 52)
    with django_assert_max_num_queries(10):
        page = coordinator_client.get(reverse("exports:eu_reports", args=[project.pk])).content.decode()
    assert page.count("Pieprasījums nosūtīts</span>") == 50
    assert ModuleMobility.objects.filter(eu_report_status="request_sent").count() == 52

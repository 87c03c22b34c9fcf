"""Before any file is offered: the module's three checks (file, fields, Programme Guide rules), each problem with
a link to fix it, a feedback workbook marking the wrong cells, in the browser and over the API."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tilts.exports import services
from tilts.exports.tests.helpers import awarded, make_mobility, read_csv, row_pks, with_details
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


def _check(user, project):
    with translation.override("en"):
        return services.check_module_import(user, project)


def _problems(check, mobility) -> list[tuple[str, str, str]]:
    row = next(row for row in check.rows if row.mobility.pk == mobility.pk)
    return [(problem.stage, problem.header, problem.message) for problem in row.problems if problem.blocking]


def test_without_a_grant_agreement_number_no_file_is_offered(
    consortium, member, goals, coordinator, coordinator_client
):
    project = make_project(consortium)
    make_mobility(project, member, goals, by=coordinator)
    check = _check(coordinator, project)
    assert [problem.stage for problem in check.file_problems] == ["file"]
    assert check.ready == []
    with pytest.raises(services.ValidationError):
        services.build_csv(coordinator, project)
    response = coordinator_client.post("/en" + reverse("exports:start", args=[project.pk]), {"kind": "csv"})
    assert response.status_code == 302
    page = coordinator_client.get(response.url)
    assert "Enter the project&#x27;s grant agreement number" in page.text
    assert "Download: Beneficiary Module import (CSV)" not in page.text


def test_field_stage_mandatory_values_and_code_lists(project, member, goals, coordinator) -> None:
    no_transport = make_mobility(project, member, goals, by=coordinator, transport=None)
    learners = make_mobility(
        project, member, goals, by=coordinator, activity_type="individual_learning", participant_kind="accompanying"
    )
    check = _check(coordinator, project)
    assert _problems(check, no_transport) == [
        ("field", "Main Means of Transport", "Main Means of Transport is missing.")
    ]
    (problem,) = _problems(check, learners)
    assert problem[0:2] == ("field", "Activity Type") and "is not known yet" in problem[2]
    assert check.ready == []
    assert check.codes_to_confirm == [learners.activity_type_label]


def test_rules_stage_dates_travel_days_and_organisations(project, member, goals, coordinator) -> None:
    outside = make_mobility(
        project,
        member,
        goals,
        by=coordinator,
        start_date=datetime.date(2026, 8, 3),
        end_date=datetime.date(2026, 8, 14),
        followup_due=datetime.date(2026, 8, 30),
    )
    too_many_days = make_mobility(project, member, goals, by=coordinator, travel_days=3)
    same_host = make_mobility(project, member, goals, by=coordinator, receiving_oid=member.oid)
    fine = make_mobility(project, member, goals, by=coordinator)
    project.end_date = datetime.date(2026, 7, 31)  # shortened by an amendment after the mobility was planned
    project.save(update_fields=["end_date"])
    check = _check(coordinator, project)
    assert _problems(check, outside) == [
        ("rules", "Start Date", "The dates are outside the project (01/06/2025 to 31/07/2026).")
    ]
    assert _problems(check, too_many_days) == [
        ("rules", "Travel Days", "Up to 2 travel days without green travel (up to 6 with it).")
    ]
    assert _problems(check, same_host) == [
        ("rules", "Receiving Organisation OID", "The sending and the receiving organisation are the same.")
    ]
    assert [row.mobility.pk for row in check.ready] == [fine.pk]
    assert row_pks(read_csv(services.build_csv(coordinator, project))) == [fine.pk]


def test_green_travel_follows_from_the_means_of_transport(project, member, goals, coordinator) -> None:
    green = make_mobility(project, member, goals, by=coordinator, green_travel=True, travel_days=4, transport="bus")
    disagrees = make_mobility(project, member, goals, by=coordinator, green_travel=True, transport="plane")
    check = _check(coordinator, project)
    assert _problems(check, green) == []
    assert [problem[0:2] for problem in _problems(check, disagrees)] == [("rules", "Main Means of Transport")]


def test_notes_do_not_block(project, member, goals, coordinator) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator)  # no date of birth, gender, nationality, OID
    check = _check(coordinator, project)
    (row,) = check.rows
    assert row.ready
    assert [problem.header for problem in row.problems] == [
        "Date of Birth",
        "Gender",
        "Nationality",
        "Receiving Organisation OID",
    ]
    assert row_pks(read_csv(services.build_csv(coordinator, project))) == [mobility.pk]


def test_the_feedback_workbook_marks_the_wrong_cells(project, member, goals, coordinator) -> None:
    make_mobility(project, member, goals, by=coordinator, travel_days=3)
    sheet = load_workbook(io.BytesIO(services.build_feedback(coordinator, project))).active
    headers = [cell.value for cell in sheet[1]]
    row = sheet[2]
    travel = row[headers.index("Travel Days")]
    assert travel.value == "3" and travel.fill.fgColor.rgb.endswith("F4B6B6")
    assert row[headers.index("Start Date")].fill.fill_type is None
    assert row[0].value == "Nē"  # in the language of the request: Latvian by default
    assert "Up to 2 travel days" in row[1].value or "ceļa dien" in row[1].value


def test_the_page_lists_problems_with_links_and_left_out_mobilities(
    coordinator_client, project, member, goals, coordinator
) -> None:
    person = with_details(make_participant(member))
    blocked = make_mobility(project, member, goals, by=coordinator, participant=person, transport=None)
    draft = make_mobility(project, member, goals, by=coordinator, status="draft")
    response = coordinator_client.get("/en" + reverse("exports:project", args=[project.pk]))
    assert response.status_code == 200
    assert "1 mobility is held back by a problem." in response.text
    details = reverse("exports:module_details", args=[blocked.pk])
    assert f'<a href="{details}">Main Means of Transport is missing.</a>' in response.text
    assert "Template: Beneficiary Module, KA1 adult education: mobility import, version 2." in response.text
    assert [mobility for mobility, _reason in response.context["left_out"]] == [draft]
    assert "A draft: the member has not submitted it" in response.text


def test_the_page_in_latvian(coordinator_client, project, member, goals, coordinator) -> None:
    for _index in range(2):
        make_mobility(project, member, goals, by=coordinator, transport=None)
    response = coordinator_client.get(reverse("exports:project", args=[project.pk]))
    assert "2 mobilitātes aiztur kāda problēma." in response.text


def test_the_page_reads_in_a_fixed_number_of_queries(
    coordinator_client, project, member, goals, coordinator, django_assert_max_num_queries
) -> None:
    for _index in range(6):
        make_mobility(project, member, goals, by=coordinator, transport=None)
    make_mobility(project, member, goals, by=coordinator, status="submitted")
    with django_assert_max_num_queries(30):
        assert coordinator_client.get(reverse("exports:project", args=[project.pk])).status_code == 200


def test_module_details_in_the_browser_and_who_may_change_them(
    member_client, auditor_client, project, member, other_member, goals, coordinator
) -> None:
    ours = make_mobility(project, member, goals, by=coordinator, transport=None)
    theirs = make_mobility(project, other_member, goals, by=coordinator, transport=None)
    saved = member_client.post(  # in Latvian, with a decimal comma
        reverse("exports:module_details", args=[ours.pk]),
        {"means_of_transport": "plane", "expensive_travel_cost": "1200,50", "expensive_travel_justification": "Salas"},
    )
    assert saved.status_code == 302, saved.context["form"].errors
    url = "/en" + reverse("exports:module_details", args=[ours.pk])
    refused = member_client.post(url, {"means_of_transport": "plane", "expensive_travel_cost": "900"})
    assert refused.status_code == 200 and "Explain why the travel is exceptionally expensive." in refused.text
    ours.module.refresh_from_db()
    assert (ours.module.means_of_transport, ours.module.expensive_travel_cost) == ("plane", Decimal("1200.50"))
    assert member_client.get(reverse("exports:module_details", args=[theirs.pk])).status_code == 404
    assert auditor_client.get(reverse("exports:module_details", args=[ours.pk])).status_code == 403


def test_api_check_and_module_details(
    coordinator_client, member_client, project, member, other_member, goals, coordinator
):
    mobility = make_mobility(project, member, goals, by=coordinator, transport=None)
    theirs = make_mobility(project, other_member, goals, by=coordinator)
    make_mobility(project, member, goals, by=coordinator, status="submitted")
    body = coordinator_client.get(f"/api/v1/projects/{project.pk}/module-check").json()
    assert (body["template_version"], body["ready"], body["held_back"], body["file_problems"]) == ("2", 1, 1, [])
    entry = next(item for item in body["mobilities"] if item["mobility_id"] == mobility.pk)
    assert entry["activity_id"].startswith("123456-MOB-") and entry["ready"] is False
    assert {"stage": "field", "column": "Main Means of Transport", "blocking": True}.items() <= entry["problems"][
        0
    ].items()
    assert [item["reason"] for item in body["left_out"]] == ["gaida koordinatora apstiprinājumu"]  # Latvian by default
    url = f"/api/v1/mobilities/{mobility.pk}/module"
    bad = member_client.put(url, {"means_of_transport": "rocket"}, "application/json")
    assert bad.status_code == 422
    good = member_client.put(
        url, {"means_of_transport": "train", "transport_description": "Rail Baltica"}, "application/json"
    )
    assert good.status_code == 200 and good.json()["means_of_transport"] == "train"
    assert member_client.put(f"/api/v1/mobilities/{theirs.pk}/module", {}, "application/json").status_code == 404
    feedback = coordinator_client.get(f"/api/v1/projects/{project.pk}/module-check/file")
    assert feedback.status_code == 200 and feedback.content.startswith(b"PK")
    assert member_client.get(f"/api/v1/projects/{project.pk}/tilts-estimate").status_code == 200

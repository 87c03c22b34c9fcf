"""The module's own sections: group activities of adult learners (one row per group, only the lead accompanying
person named) and preparatory visits, each in its own file, through the same three checks."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tilts.exports import beneficiary_module as bm
from tilts.exports import services
from tilts.exports.models import AgreementMember, ModuleMobility
from tilts.exports.tests.helpers import awarded, make_mobility, read_csv
from tilts.mobility import services as mobility_services
from tilts.mobility.models import GroupActivity
from tilts.mobility.tests.factories import group_fields, make_participant, make_project

pytestmark = pytest.mark.django_db
GROUP_CODE = "ADU-GRP-TEST"  # the learners' codes are not known (U): the tests give one, as a coordinator would


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


@pytest.fixture
def known_group_code():
    codes = bm.load_codes()
    with_code = bm.Codes(
        codes.version,
        {**codes.activity_types, "group_mobility": (GROUP_CODE, bm.TO_CONFIRM, bm.GROUP_ACTIVITIES)},
        codes.countries,
        codes.countries_status,
        codes.transport,
        codes.transport_status,
    )
    with mock.patch.object(bm, "load_codes", return_value=with_code):
        yield


def make_group(project, organisation, *, by, status="approved", lead=None, in_agreement=True, **overrides):
    fields = {"learner_daily_rate": Decimal("60.00"), "means_of_transport": "bus", **overrides}
    lead = lead or make_participant(organisation)
    group = mobility_services.create_group_activity(by=None, **group_fields(project, organisation, lead, **fields))
    path = {"draft": [], "submitted": ["submitted"], "approved": ["submitted", "approved"]}[status]
    for step in path:
        group = mobility_services.transition_group(group, step, by=by)
    if in_agreement:
        AgreementMember.objects.get_or_create(project=project, organisation=organisation)
    return group


def _section(user, project, key):
    with translation.override("en"):
        return next(check for check in services.check_sections(user, project) if check.key == key)


def test_an_approved_group_is_one_row_with_only_the_lead_named(project, member, coordinator, known_group_code) -> None:
    lead = make_participant(member)
    group = make_group(project, member, by=coordinator, lead=lead)
    exported = services.build_section_csv(coordinator, project, bm.GROUP_ACTIVITIES)
    header, *rows = read_csv(exported.content)
    assert exported.name == f"beneficiary-module-group-activities-2025-{project.pk}.csv"
    assert len(rows) == 1
    cells = dict(zip(header, rows[0], strict=True))
    group.refresh_from_db()
    assert group.activity_id == "123456-GRP-00001"
    assert cells == {
        "Mobility Activity ID": "123456-GRP-00001",
        "Activity Type": GROUP_CODE,
        "Group Name": group.title,
        "Sending Organisation OID": member.oid,
        "Receiving Organisation OID": "",
        "Receiving Organisation Name": "Koninklijke Bibliotheek van België (KBR)",
        "Receiving Country": "BE",
        "Receiving City": "Brussels",
        "Start Date": "2025-10-06",
        "End Date": "2025-10-10",
        "Travel Days": "2",
        "Distance Band": "500-1999 km",
        "Main Means of Transport": "Bus",
        "Green Travel": "Yes",
        "Number of Learners": "10",
        "Learners with Fewer Opportunities": "2",
        "Number of Accompanying Persons": "2",
        "Lead Accompanying Person First Name": lead.first_name,
        "Lead Accompanying Person Last Name": lead.last_name,
        "Lead Accompanying Person Email": lead.email,
        "Force Majeure": "No",
    }
    # No amounts: the module computes the grant itself
    assert not any("EUR" in column or "Grant" in column for column in header)


def test_the_id_is_given_once_and_never_again(project, member, coordinator, known_group_code) -> None:
    first = make_group(project, member, by=coordinator)
    services.check_sections(coordinator, project)
    second = make_group(project, member, by=coordinator, title="Otrā grupa")
    services.check_sections(coordinator, project)
    services.check_sections(coordinator, project)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.activity_id, second.activity_id) == ("123456-GRP-00001", "123456-GRP-00002")


def test_drafts_and_submitted_groups_are_left_out_with_the_reason(
    project, member, coordinator, known_group_code
) -> None:
    draft = make_group(project, member, by=coordinator, status="draft")
    submitted = make_group(project, member, by=coordinator, status="submitted")
    check = _section(coordinator, project, bm.GROUP_ACTIVITIES)
    assert check.rows == []
    assert [(item.pk, reason) for item, reason in check.left_out] == [
        (draft.pk, "a draft: the member has not submitted it"),
        (submitted.pk, "waiting for the coordinator's approval"),
    ]
    assert GroupActivity.objects.get(pk=draft.pk).activity_id == ""


def test_the_three_checks_hold_back_a_group_with_a_problem(project, member, coordinator) -> None:
    # Without the learners' module code (U), or without the main means of transport, the field check holds the
    # group back.
    group = make_group(project, member, by=coordinator, means_of_transport="")
    check = _section(coordinator, project, bm.GROUP_ACTIVITIES)
    (row,) = check.rows
    assert row.mobility.pk == group.pk and not row.ready
    messages = [(p.stage, p.header) for p in row.problems if p.blocking]
    assert ("field", "Activity Type") in messages
    assert ("field", "Main Means of Transport") in messages
    assert check.codes_to_confirm == ["Pieaugušo izglītojamo grupu mobilitāte"]  # read on a Latvian page
    assert "Number of Learners" in [column.header for column in check.to_confirm]


def test_a_member_outside_the_grant_agreement_needs_an_amendment(
    project, member, other_member, coordinator, known_group_code
) -> None:
    make_group(project, other_member, by=coordinator)  # puts other_member in the register
    outside = make_group(project, member, by=coordinator, in_agreement=False)
    check = _section(coordinator, project, bm.GROUP_ACTIVITIES)
    held = next(row for row in check.rows if row.mobility.pk == outside.pk)
    assert any("Amendment needed" in p.message for p in held.problems)
    assert len(check.ready) == 1


def test_the_rules_stage_checks_the_group_dates_against_the_project(
    project, member, coordinator, known_group_code
) -> None:
    group = make_group(project, member, by=coordinator)
    project.end_date = datetime.date(2025, 10, 8)  # shortened by an amendment after the group was planned
    project.save(update_fields=["end_date"])
    check = _section(coordinator, project, bm.GROUP_ACTIVITIES)
    (row,) = check.rows
    assert row.mobility.pk == group.pk
    assert [p.stage for p in row.problems if p.blocking] == ["rules"]


def test_preparatory_visits_are_their_own_section(project, member, goals, coordinator) -> None:
    visit = make_mobility(project, member, goals, by=coordinator, activity_type="preparatory_visit")
    mobility = make_mobility(project, member, goals, by=coordinator)
    with translation.override("en"):
        main = services.check_module_import(coordinator, project)
    assert [row.mobility.pk for row in main.rows] == [mobility.pk]
    assert [(m.pk, reason) for m, reason in main.left_out] == [
        (visit.pk, "a preparatory visit: exported in the module's section for these, below")
    ]
    exported = services.build_section_csv(coordinator, project, bm.PREPARATORY_VISITS)
    header, *rows = read_csv(exported.content)
    assert header[:4] == [
        "Mobility Activity ID",
        "Participant First Name",
        "Participant Last Name",
        "Participant Email",
    ]
    assert [row[0] for row in rows] == [ModuleMobility.objects.get(mobility=visit).activity_id] == ["123456-MOB-00001"]
    assert rows[0][header.index("Participant Email")] == visit.participant.email


def test_learners_planned_one_by_one_are_left_out_of_the_mobility_import(project, member, goals, coordinator):
    learner_row = make_mobility(
        project, member, goals, by=coordinator, activity_type="group_mobility", participant_kind="accompanying"
    )
    with translation.override("en"):
        main = services.check_module_import(coordinator, project)
    assert main.rows == []
    assert [(m.pk, reason) for m, reason in main.left_out] == [
        (learner_row.pk, "part of a group mobility: the module records groups as group activities, plan it as one")
    ]


def test_the_feedback_workbook_has_a_sheet_per_section(project, member, coordinator) -> None:
    make_group(project, member, by=coordinator)
    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(services.build_feedback(coordinator, project)))
    assert workbook.sheetnames[1:] == ["Group activities of adult learn", "Preparatory visits"]
    sheet = workbook["Group activities of adult learn"]
    assert sheet.cell(2, 1).value == "No"
    activity_type = [c.value for c in sheet[1]].index("Activity Type") + 1
    assert sheet.cell(2, activity_type).fill.fgColor.rgb.endswith("F4B6B6")  # the wrong cell marked


def test_a_member_contact_exports_only_their_groups(
    project, member, other_member, coordinator, member_contact, member_client, known_group_code
) -> None:
    own = make_group(project, member, by=coordinator)
    make_group(project, other_member, by=coordinator, title="Citu grupa")
    check = _section(member_contact, project, bm.GROUP_ACTIVITIES)
    assert [row.mobility.pk for row in check.rows] == [own.pk]
    response = member_client.get(reverse("exports:module_section", args=[project.pk, bm.GROUP_ACTIVITIES]))
    header, *rows = read_csv(response.content)
    assert len(rows) == 1 and rows[0][header.index("Group Name")] == own.title
    api = member_client.get(f"/api/v1/projects/{project.pk}/module-sections").json()
    groups = next(section for section in api if section["section"] == "group_activities")
    assert groups["ready"] == 1 and groups["file_url"]
    assert member_client.get(groups["file_url"]).status_code == 200


def test_the_export_page_shows_the_sections_in_latvian(project, member, coordinator, coordinator_client) -> None:
    make_group(project, member, by=coordinator, status="submitted")
    page = coordinator_client.get(reverse("exports:project", args=[project.pk]))
    html = page.content.decode()
    assert "Pieaugušo izglītojamo grupu aktivitātes" in html
    assert "gaida koordinatora apstiprinājumu" in html or "koordinator" in html
    assert coordinator_client.get(reverse("exports:module_section", args=[project.pk, "nothing"])).status_code == 404


def test_the_tilts_estimate_holds_each_group_with_its_grant(project, member, coordinator, known_group_code) -> None:
    group = make_group(project, member, by=coordinator)
    with translation.override("en"):
        header, *rows = read_csv(services.build_estimate(coordinator, project))
    group.refresh_from_db()
    (row,) = rows
    cells = dict(zip(header, row, strict=True))
    assert row[0] == "123456-GRP-00001"
    assert row[1] == f"{group.title}: 10 learners, 2 accompanying persons"
    assert cells["Tilts estimate, total (EUR)"] == f"{group.grant_total:.2f}"
    assert cells["Organisational support (EUR)"] == "1000.00"

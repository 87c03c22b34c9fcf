"""The project workbook's "Follow-ups" sheet, within the exporter's reach."""

import io

from django.utils import translation
from openpyxl import load_workbook

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.exports import services as export_services
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.tests.factories import make_project


def test_followups_sheet_lists_what_was_taught(consortium, member, other_member, goals, coordinator) -> None:
    project = make_project(consortium)
    ours = mobility(project, member, goals=goals[:1])
    theirs = mobility(project, other_member, goals=goals[:1])
    followup([ours], goals[:2], attendees=24, title="Digitalizācija mazās bibliotēkās")
    followup([theirs], goals[:1], attendees=7, title="Cita iestāde")
    with translation.override("en"):
        book = load_workbook(io.BytesIO(export_services.build_xlsx(coordinator, project)))
    assert "Follow-ups" in book.sheetnames
    rows = list(book["Follow-ups"].iter_rows(values_only=True))
    assert rows[0][0] == "Title"
    assert {(row[0], row[6], row[8]) for row in rows[1:]} == {
        ("Digitalizācija mazās bibliotēkās", 24, "1, 2"),
        ("Cita iestāde", 7, "1"),
    }
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    with translation.override("en"):
        book = load_workbook(io.BytesIO(export_services.build_xlsx(contact, project)))
    titles = [row[0] for row in book["Follow-ups"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Digitalizācija mazās bibliotēkās"]


def _person(organisation, first_name: str, last_name: str):
    return UserFactory(role=Role.PARTICIPANT, organisation=organisation, first_name=first_name, last_name=last_name)


def test_a_member_contact_sees_only_their_participants_of_a_joint_followup(
    consortium, member, other_member, goals, coordinator
) -> None:
    project = make_project(consortium)
    ours = mobility(project, member, _person(member, "Līga", "Kalniņa"))
    theirs = mobility(project, other_member, _person(other_member, "Jānis", "Ozols"))
    followup([ours, theirs], goals[:1], attendees=30, title="Kopīga darbnīca")

    def draws_on(user) -> list[str]:
        with translation.override("en"):
            book = load_workbook(io.BytesIO(export_services.build_xlsx(user, project)))
        return [row[9] for row in book["Follow-ups"].iter_rows(min_row=2, values_only=True)]

    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    assert draws_on(contact) == ["Līga Kalniņa → KBR; other members' mobilities: 1"]
    assert draws_on(coordinator) == ["Līga Kalniņa → KBR; Jānis Ozols → KBR"]

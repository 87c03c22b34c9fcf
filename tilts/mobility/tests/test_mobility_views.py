"""Planning in the browser's back office: forms, the grant difference, workflow by role, exports, feeds."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tilts.consortium.models import Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.core.tests.listexports import exported
from tilts.mobility.models import CalendarFeed, Mobility
from tilts.mobility.tests.factories import (
    BRUSSELS,
    RIGA,
    MobilityFactory,
    make_participant,
    mobility_fields,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def mobility(project, member: Organisation, goals: list[Goal]) -> Mobility:
    return MobilityFactory(project=project, sending_organisation=member, goals=goals[:1])


def form_data(mobility_or_fields: dict, goals: list[Goal], **overrides: object) -> dict[str, object]:
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in mobility_or_fields.items() if k != "project"}
    data.update({"goals": [goals[0].pk], "ec_distance_km": "", "course_days": 0})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_member_contact_plans_a_mobility(member_client: Client, project, member, member_contact, goals) -> None:
    person = make_participant(member)
    data = form_data(mobility_fields(project, member, person), goals)
    response = member_client.post(reverse("mobility:create", args=[project.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    mobility = Mobility.objects.get()
    assert (mobility.status, mobility.grant_total, mobility.created_by) == ("draft", D("3468.00"), member_contact)


def test_member_contact_cannot_send_for_another_member(member_client, project, other_member, goals) -> None:
    data = form_data(mobility_fields(project, other_member, make_participant(other_member)), goals)
    response = member_client.post(reverse("mobility:create", args=[project.pk]), data)
    assert response.status_code == 422
    assert not Mobility.objects.exists()


def test_a_change_of_grant_is_shown_before_saving(coordinator_client: Client, mobility: Mobility, goals) -> None:
    url = reverse("mobility:edit", args=[mobility.pk])
    fields = mobility_fields(mobility.project, mobility.sending_organisation, mobility.participant)
    data = form_data(fields, goals, green_travel="on", travel_days=6, version=mobility.version)
    response = coordinator_client.post("/en" + url, data)
    assert response.status_code == 200
    assert response.context["difference"] == {
        "before": D("3468.00"),
        "after": D("4108.00"),
        "delta": D("640.00"),
        "sign": "+",
    }
    assert "Before: 3,468.00 EUR. After: 4,108.00 EUR. Difference: +640.00 EUR." in response.text
    assert Mobility.objects.get().grant_total == D("3468.00")
    response = coordinator_client.post(url, {**data, "confirm_grant": "4108.00"})
    assert response.status_code == 302
    assert Mobility.objects.get().grant_total == D("4108.00")


def test_two_editors_the_second_gets_a_conflict(coordinator_client: Client, mobility: Mobility, goals) -> None:
    url = reverse("mobility:edit", args=[mobility.pk])
    fields = mobility_fields(mobility.project, mobility.sending_organisation, mobility.participant)
    first = form_data(fields, goals, topic="Pirmais", version=mobility.version)
    second = form_data(fields, goals, topic="Otrais", version=mobility.version)
    assert coordinator_client.post(url, first).status_code == 302
    response = coordinator_client.post("/en" + url, second)
    assert response.status_code == 422
    assert "Somebody else has changed this" in response.text
    assert Mobility.objects.get().topic == "Pirmais"


def test_workflow_by_role(member_client: Client, coordinator_client: Client, mobility: Mobility) -> None:
    url = reverse("mobility:transition", args=[mobility.pk])
    assert member_client.post(url, {"to": "approved"}).status_code == 403
    assert member_client.post(url, {"to": "submitted"}).status_code == 302
    assert Mobility.objects.get().status == "submitted"
    assert member_client.get(reverse("mobility:edit", args=[mobility.pk])).status_code == 403  # seen, no longer a draft
    assert coordinator_client.post(url, {"to": "approved"}).status_code == 302
    assert Mobility.objects.get().grant_frozen_at is not None
    coordinator_client.post(url, {"to": "cancelled", "reason": "Strike", "force_majeure": "on"})
    assert (Mobility.objects.get().status, Mobility.objects.get().force_majeure) == ("cancelled", True)


def test_nobody_reaches_another_members_mobility_by_id(other_member, mobility: Mobility, participant_client) -> None:
    outsider = client_for(make_participant(other_member))
    from tilts.accounts.models import Role
    from tilts.accounts.tests.factories import UserFactory

    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    for client in (outsider, other_contact, participant_client):
        assert client.get(reverse("mobility:detail", args=[mobility.pk])).status_code == 404
        assert client.post(reverse("mobility:transition", args=[mobility.pk]), {"to": "submitted"}).status_code in (
            403,
            404,
        )
    assert client_for(mobility.participant).get(reverse("mobility:detail", args=[mobility.pk])).status_code == 200
    assert (
        mobility.participant.email.encode()
        not in other_contact.get(reverse("mobility:list", args=[mobility.project_id])).content
    )


def test_list_filters_and_exports(coordinator_client: Client, mobility: Mobility) -> None:
    url = reverse("mobility:list", args=[mobility.project_id])
    assert mobility.receiving_name in coordinator_client.get(url, {"country": "BE"}).text
    assert mobility.receiving_name not in coordinator_client.get(url, {"country": "FI"}).text
    assert mobility.receiving_name not in coordinator_client.get(url, {"status": "approved"}).text
    content = exported(coordinator_client, "mobilities", mobility.project_id, query="country=BE&page=3")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][-3:] == ["Saskaņotā dotācija, EUR", "Galīgā dotācija, EUR", "Samaksāts, EUR"]
    assert rows[0][0] == "ID" and len(rows) == 2 and rows[1][-3:] == ["3468.00", "", "0.00"]
    sheet = load_workbook(io.BytesIO(exported(coordinator_client, "mobilities", mobility.project_id, "xlsx"))).active
    assert sheet.cell(2, 9).value == "BE" and sheet.cell(2, 18).value == 3468.0
    assert sheet.cell(2, 10).number_format == "yyyy-mm-dd" and sheet.cell(2, 10).value.year == 2025


def test_budget_view_counts_planned_and_realised(coordinator_client: Client, mobility: Mobility) -> None:
    response = coordinator_client.get(reverse("mobility:budget", args=[mobility.project_id]))
    lines = {line.category: line for line in response.context["budget"].lines}
    assert lines["travel"].planned == D("309.00")
    assert lines["individual_support"].planned == D("3059.00")
    assert lines["travel"].over  # nothing awarded yet


def test_calendar_and_ical_feed(coordinator_client: Client, mobility: Mobility, client: Client) -> None:
    response = coordinator_client.get(
        reverse("mobility:calendar", args=[mobility.project_id]), {"year": 2025, "month": 10}
    )
    assert mobility.participant.last_name in response.text
    # Column heads are abbreviations with the whole weekday for screen readers (the client's language is lv).
    assert '<abbr title="Pirmdiena">' in response.text and '<abbr title="Svētdiena">' in response.text
    feed = CalendarFeed.objects.get(project=mobility.project)
    ical = client.get(f"/calendar/{feed.token}.ics")
    assert ical["Content-Type"].startswith("text/calendar")
    body = ical.content.decode()
    assert "BEGIN:VEVENT" in body and "DTSTART;VALUE=DATE:20251006" in body and "DTEND;VALUE=DATE:20251021" in body
    assert re.search(r"^DTSTAMP:\d{8}T\d{6}Z\r$", body, re.MULTILINE)  # RFC 5545 requires it in every event
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_calendar_destinations_name_countries_in_the_pages_language(coordinator_client: Client, mobility) -> None:
    url = reverse("mobility:calendar", args=[mobility.project_id])
    assert "<tr><td>Beļģija</td>" in coordinator_client.get(url).text
    with translation.override("en"):
        url = reverse("mobility:calendar", args=[mobility.project_id])
    english = coordinator_client.get(url).text
    assert "<tr><td>Belgium</td>" in english and "<tr><td>BE</td>" not in english


def test_joint_trip_through_the_form(coordinator_client: Client, project, member, other_member, goals) -> None:
    people = [make_participant(member), make_participant(other_member)]
    fields = mobility_fields(project, member, people[0])
    data = form_data(
        {k: v for k, v in fields.items() if k not in ("sending_organisation", "participant", "origin")},
        goals,
        title="KBR 2025",
        participants=[p.pk for p in people],
        leader=people[0].pk,
    )
    response = coordinator_client.post(reverse("mobility:trip_create", args=[project.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert Mobility.objects.filter(trip__title="KBR 2025").count() == 2
    assert {m.origin for m in Mobility.objects.all()} == {RIGA}
    assert {m.venue for m in Mobility.objects.all()} == {BRUSSELS}


def test_a_participant_with_two_mobilities_sees_the_project_calendar(project, member, goals) -> None:
    person = make_participant(member)
    for start, end in [((2025, 10, 6), (2025, 10, 10)), ((2025, 11, 3), (2025, 11, 7))]:
        import datetime

        MobilityFactory(
            project=project,
            sending_organisation=member,
            participant=person,
            goals=goals[:1],
            start_date=datetime.date(*start),
            end_date=datetime.date(*end),
        )
    client = client_for(person)
    assert client.get(reverse("mobility:calendar", args=[project.pk])).status_code == 200
    assert client.get(reverse("mobility:list", args=[project.pk])).status_code == 200
    assert len(client.get(reverse("mobility:mine")).context["mobilities"]) == 2


def test_replacing_calendar_addresses_retires_the_old_ones(
    coordinator_client: Client, mobility: Mobility, client: Client
) -> None:
    coordinator_client.get(reverse("mobility:calendar", args=[mobility.project_id]))
    old = CalendarFeed.objects.get(project=mobility.project).token
    response = coordinator_client.post(reverse("mobility:calendar_replace", args=[mobility.project_id]))
    assert response.status_code == 302
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    coordinator_client.get(reverse("mobility:calendar", args=[mobility.project_id]))
    new = CalendarFeed.objects.get(project=mobility.project).token
    assert new != old and client.get(f"/calendar/{new}.ics").status_code == 200

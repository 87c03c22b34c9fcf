"""The export page and the check API read the module's check from a cached summary: the page's cost does not grow
with the project, its counts and problems are the full check's, and a change is seen at once."""

import dataclasses
import datetime
import functools
import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tilts.exports import selectors, services, summaries
from tilts.exports.models import ModuleMobility
from tilts.exports.tests.helpers import awarded, make_mobility, with_details
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.reporting.models import ParticipantReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


def _add(project, member, goals, coordinator, count: int) -> None:
    """``count`` mobilities: ready ones, ones held back (no means of transport), notes only, and drafts."""
    for index in range(count):
        kind = index % 4
        if kind == 0:
            make_mobility(project, member, goals, by=coordinator, participant=with_details(make_participant(member)))
        elif kind == 1:
            make_mobility(project, member, goals, by=coordinator, transport=None)
        elif kind == 2:
            make_mobility(project, member, goals, by=coordinator)  # no date of birth etc.: notes
        else:
            make_mobility(project, member, goals, by=coordinator, status="draft")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_pages_queries_do_not_grow_with_the_mobilities(coordinator_client, project, member, goals, coordinator):
    page = reverse("exports:project", args=[project.pk])
    api = f"/api/v1/projects/{project.pk}/module-check"
    counts = []
    for count in (3, 27):  # 3, then 30 mobilities
        _add(project, member, goals, coordinator, count)
        coordinator_client.get(page)  # gives the new mobilities their IDs
        cache.clear()
        cold = _queries(coordinator_client, page)  # the full check runs once, then is cached
        warm = _queries(coordinator_client, page)
        cache.clear()
        api_cold = _queries(coordinator_client, api)
        api_warm = _queries(coordinator_client, api)
        counts.append((cold, warm, api_cold, api_warm))
    assert counts[0] == counts[1]
    cold, warm, api_cold, api_warm = counts[0]
    assert warm < cold and api_warm < api_cold


def test_the_counts_and_problems_shown_are_the_full_checks(coordinator_client, project, member, goals, coordinator):
    _add(project, member, goals, coordinator, 12)
    url = "/en" + reverse("exports:project", args=[project.pk])
    response = coordinator_client.get(url)
    with translation.override("en"):
        full = services.check_module_import(coordinator, project)
    shown = response.context["check"]
    assert (shown.ready_count, shown.blocked_count) == (len(full.ready), len(full.blocked))
    assert len(full.blocked) == 3 and len(full.ready) >= 6 and len(full.left_out) == 3
    assert shown.problem_ids == [row.mobility.pk for row in full.with_problems]
    assert [m.pk for m, _reason in response.context["left_out"]] == [m.pk for m, _reason in full.left_out]
    expected = {row.mobility.pk: [p.message for p in row.problems] for row in full.with_problems}
    page_rows = {
        row.mobility.pk: [p.message for p, _link in problems] for row, problems in response.context["problem_rows"]
    }
    assert page_rows == expected and len(page_rows) >= 6
    assert "3 mobilities are held back by a problem." in response.text

    body = coordinator_client.get(f"/api/v1/projects/{project.pk}/module-check", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["ready"], body["held_back"]) == (len(full.ready), 3)
    assert {row["mobility_id"]: len(row["problems"]) for row in body["mobilities"]} == {
        pk: len(messages) for pk, messages in expected.items()
    }
    assert [row["mobility_id"] for row in body["left_out"]] == [m.pk for m, _reason in full.left_out]


def test_a_row_checked_again_keeps_the_files_duplicate_ids(project, member, goals, coordinator):
    """Two rows of a file with one ID (the module's own check; the database refuses it per project): a page
    checking one row alone still shows the duplicate the whole file has."""
    first = make_mobility(project, member, goals, by=coordinator)
    second = make_mobility(project, member, goals, by=coordinator)
    with translation.override("en"):
        summary = services.module_summary(coordinator, project)
        assert summary.duplicates == frozenset()
        taken = ModuleMobility.objects.get(mobility=first).activity_id
        summary = dataclasses.replace(summary, duplicates=frozenset({taken}))
        rows = [(summaries.PROBLEMS, first.pk, ""), (summaries.PROBLEMS, second.pk, "")]
        first_row, second_row = services.summary_rows(coordinator, project, summary, rows)
    assert first_row.checked is not None and second_row.checked is not None
    assert "Two mobilities have the same Mobility activity ID." in [p.message for p in first_row.checked.problems]
    assert "Two mobilities have the same Mobility activity ID." not in [p.message for p in second_row.checked.problems]


def test_a_change_is_shown_at_once(coordinator_client, project, member, goals, coordinator):
    mobility = make_mobility(project, member, goals, by=coordinator, transport=None)
    url = "/en" + reverse("exports:project", args=[project.pk])
    assert coordinator_client.get(url).context["check"].blocked_count == 1
    services.save_module_details(mobility, means_of_transport="plane")
    assert coordinator_client.get(url).context["check"].blocked_count == 0
    person = mobility.participant
    person.first_name = ""  # a mandatory column emptied on the person's record
    person.save()
    assert coordinator_client.get(url).context["check"].blocked_count == 1
    version = summaries._version.read()
    person.save(update_fields=["last_login"])  # signing in changes nothing the module reads
    assert summaries._version.read() == version


def test_a_member_contact_gets_their_institutions_summary(
    member_client, project, member, other_member, goals, coordinator
):
    ours = make_mobility(project, member, goals, by=coordinator, transport=None)
    make_mobility(project, other_member, goals, by=coordinator, transport=None)
    coordinator_view = services.module_summary(coordinator, project)
    check = member_client.get(reverse("exports:project", args=[project.pk])).context["check"]
    assert check.problem_ids == [ours.pk] and coordinator_view.blocked_count == 2
    assert selectors.register_of(project) == {member.pk, other_member.pk}


@pytest.mark.parametrize("in_agreement", [True, False])
def test_the_summary_in_chunks_is_the_full_checks_summary(
    project, member, other_member, goals, coordinator, member_contact, monkeypatch, in_agreement
):
    """The export page's summary is made in two passes, a few rows at a time (selectors.module_outline and
    checked_in_chunks): its readings are those of the full check, for the whole project and for a member's part."""
    monkeypatch.setattr(selectors, "CHUNK", 2)
    _add(project, member, goals, coordinator, 9)
    make_mobility(project, other_member, goals, by=coordinator, in_agreement=in_agreement)  # an amendment, or not
    make_mobility(project, member, goals, by=coordinator, activity_type="preparatory_visit")  # left out
    make_mobility(project, member, goals, by=coordinator, status="cancelled")
    make_mobility(  # a code to confirm
        project, member, goals, by=coordinator, activity_type="individual_learning", participant_kind="accompanying"
    )
    services.assign_activity_ids(project)
    for user in (coordinator, member_contact):
        with translation.override("en"):
            full = selectors.module_check(user, project)
            expected = summaries.summarise(selectors.bm.MOBILITIES, full, full.left_out)
            cache.clear()
            shown = services.module_summary(user, project)
        assert shown == expected
        assert shown.left_out and shown.problem_ids and shown.codes_to_confirm


def test_the_summary_in_chunks_keeps_the_file_problems(consortium, member, goals, coordinator):
    project = make_project(consortium)  # no grant agreement number: the file stage fails, nothing is ready
    _add(project, member, goals, coordinator, 4)
    with translation.override("en"):
        full = selectors.module_check(coordinator, project)
        shown = services.module_summary(coordinator, project)
    assert shown == summaries.summarise(selectors.bm.MOBILITIES, full, full.left_out)
    assert shown.file_problems and shown.ready_count == 0 and shown.row_count == 3


def _varied(project, member, other_member, goals, coordinator) -> None:
    """Mobilities that between them give most columns a value and an empty cell, and most problems of the three
    stages: realised data, module details with and without justifications, odd organisations and people."""
    from tilts.reporting import services as reporting
    from tilts.reporting.tests.helpers import submitted_report

    add = functools.partial(make_mobility, project, member, goals, by=coordinator)
    add(participant=with_details(make_participant(member), nationality="ee", first_name="=SUM(A1)"))
    add(participant=with_details(make_participant(member), gender="undisclosed", last_name="x" * 80))
    add(transport=None)
    add(green_travel=True, travel_days=4, transport="bus")
    add(green_travel=True, travel_days=7, transport="train")
    add(green_travel=True, transport="plane")
    add(travel_days=3, transport="other")
    add(receiving_oid=member.oid)
    for odd in (
        {"receiving_oid": "X1"},
        {"receiving_oid": "", "receiving_city": ""},
        {"receiving_country": "gb"},
        {"start_date": datetime.date(2025, 5, 1)},  # before the project
    ):
        Mobility.objects.filter(pk=add().pk).update(**odd)  # what the forms refuse, written before they did
    add(activity_type="individual_learning", participant_kind="accompanying", fewer_opportunities=True)
    add(force_majeure=True, zero_grant=True)
    add(status="confirmed")
    make_mobility(project, other_member, goals, by=coordinator, in_agreement=False)  # an amendment
    add(status="draft")
    add(activity_type="preparatory_visit")  # left out
    no_grant = add()
    Mobility.objects.filter(pk=no_grant.pk).update(grant_breakdown=None)  # no distance band
    for details in (
        {"expensive_travel_cost": Decimal("812.50"), "expensive_travel_justification": "A remote island."},
        {"expensive_travel_cost": Decimal("700"), "expensive_travel_justification": "  "},
        {"inclusion_support_amount": Decimal("150.257"), "inclusion_support_justification": "An assistant."},
        {"inclusion_support_amount": Decimal("0"), "inclusion_support_justification": ""},
        {"transport_description": "+ferry, then a bus", "means_of_transport": "boat"},
        {"means_of_transport": "not-a-code"},
    ):
        # Written as they are (save_module_details refuses an amount without its justification, as the form does).
        ModuleMobility.objects.create(project=project, mobility=add(transport=None), **details)
    realised = {
        "actual_start": datetime.date(2025, 10, 7),
        "actual_end": datetime.date(2025, 10, 17),
        "actual_travel_days": 4,
        "actual_green_travel": True,
    }
    for accept in (True, False):
        report = submitted_report(reporting.open_report(add(status="confirmed")), **realised)
        if accept:
            reporting.accept(report, by=coordinator)
    accepted = submitted_report(reporting.open_report(add(status="confirmed")), **realised)
    reporting.accept(accepted, by=coordinator)
    ParticipantReport.objects.filter(pk=accepted.pk).update(final_grant_breakdown=None)  # accepted, not priced


@pytest.mark.db_specific  # the grant breakdowns' distance band is read with a JSON key lookup
def test_the_rows_checked_in_chunks_are_the_full_checks_rows(
    project, member, other_member, goals, coordinator, member_contact, monkeypatch
):
    """The check in chunks reads the mobilities as values, not model instances: its rows, cells and problems (in
    their order, in both languages) and the CSV it writes are those of the full check on model instances."""
    monkeypatch.setattr(selectors, "CHUNK", 2)
    _varied(project, member, other_member, goals, coordinator)
    for assigned in (False, True):  # before the IDs are given, some mobilities have no module record yet
        if assigned:
            services.assign_activity_ids(project)
        for user, language in itertools.product((coordinator, member_contact), ("lv", "en")):
            with translation.override(language):
                full = selectors.module_check(user, project)
                outline = selectors.module_outline(user, project)
                chunked = [row for chunk in selectors.checked_in_chunks(user, project, outline) for row in chunk]
                assert [(r.mobility.pk, r.cells, r.problems) for r in chunked] == [
                    (r.mobility.pk, r.cells, r.problems) for r in full.rows
                ]
                expected_csv = services._csv_bytes([full.template.headers, *(row.cells for row in full.ready)])
                if assigned:
                    assert services.build_csv(user, project) == expected_csv
    with translation.override("en"):
        full = selectors.module_check(coordinator, project)
    problems = {problem.message.split(":")[0] for row in full.rows for problem in row.problems}
    assert problems >= {
        "Main Means of Transport is missing.",
        "Receiving Organisation OID is not an OID (E and eight digits).",
        "The dates are outside the project (01/06/2025 to 31/08/2026).",
        "Up to 2 travel days without green travel (up to 6 with it).",
        "Up to 6 travel days with green travel.",
        "The means of transport and the mobility's green travel disagree",
        "The sending and the receiving organisation are the same.",
        "Give the receiving organisation's OID, or its name and city.",
        "Expensive travel needs a justification.",
        "Inclusion support needs a justification.",
        "Amendment needed",
        "Distance Band is missing.",
        "Nationality is empty.",
    }
    assert len(full.ready) > 5 and len(full.left_out) == 2
    assert any(row.cells[full.template.headers.index("Start Date")] == "2025-10-07" for row in full.rows)  # realised

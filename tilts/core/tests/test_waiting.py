"""The dashboard's "waiting for me" list: each role sees the work that needs them, with links, and nothing else."""

import datetime

import pytest
from django.urls import reverse

from tilts.exports.tests.helpers import make_mobility
from tilts.mobility.tests.factories import make_project
from tilts.reporting import services as report_services
from tilts.reporting.tests.helpers import confirmed_mobility
from tilts.selection.tests.factories import make_call, submitted_application

pytestmark = pytest.mark.django_db


def texts(client, path: str = "") -> str:
    html = client.get(path or reverse("backoffice:dashboard")).content.decode()
    start = html.index('id="waiting-heading"')
    return html[start : html.index("</section>", start)]


def test_coordinator_sees_mobilities_to_approve_per_project(coordinator_client, consortium, member, goals, coordinator):
    project = make_project(consortium)
    for _ in range(2):
        make_mobility(project, member, goals, by=coordinator, status="submitted")
    make_mobility(project, member, goals, by=coordinator, status="draft")
    section = texts(coordinator_client)
    assert "Projekts 2025: 2 mobilitātes gaida apstiprinājumu" in section
    assert reverse("mobility:list", args=[project.pk]) + "?status=submitted" in section


def test_coordinator_sees_reports_to_review_in_english(
    coordinator_client, consortium, member, participant, goals, coordinator
):
    project = make_project(consortium)
    mobility = confirmed_mobility(project, member, participant, goals, coordinator)
    report = report_services.open_report(mobility)
    report.status = "submitted"
    report.save()
    section = texts(coordinator_client, "/en/manage/")
    assert "Projekts 2025: 1 report waits for your review" in section


def test_member_contact_is_asked_to_support_and_submit(member_client, consortium, member, goals, member_contact):
    project = make_project(consortium)
    make_mobility(project, member, goals, by=member_contact, status="draft")
    call = make_call(consortium)
    colleague = submitted_application(call, member_contact, goals).applicant
    section = texts(member_client)
    assert "Projekts 2025: 1 mobilitātes melnraksts jāpabeidz un jāiesniedz" in section
    assert str(colleague) in section


def test_member_contact_does_not_see_other_institutions_work(
    member_client, consortium, other_member, goals, coordinator
):
    project = make_project(consortium)
    make_mobility(project, other_member, goals, by=coordinator, status="draft")
    assert "Nekas jūs pašlaik negaida." in texts(member_client)


def test_participant_sees_their_open_report(participant_client, consortium, member, participant, goals, coordinator):
    project = make_project(consortium)
    report = report_services.open_report(confirmed_mobility(project, member, participant, goals, coordinator))
    section = texts(participant_client)
    assert reverse("reporting:detail", args=[report.pk]) in section
    assert "Brussels" in section


def test_auditor_has_nothing_waiting(auditor_client, consortium, member, goals, coordinator) -> None:
    make_mobility(make_project(consortium), member, goals, by=coordinator, status="submitted")
    assert "Nekas jūs pašlaik negaida." in texts(auditor_client)


def test_evaluator_sees_applications_to_score(evaluator_client, consortium, evaluator, participant, goals, coordinator):
    from tilts.selection import services as selection_services

    call = make_call(consortium)
    application = submitted_application(call, participant, goals)
    selection_services.set_evaluators(call, [evaluator], by=None)
    assert reverse("selection:application", args=[application.pk]) in texts(evaluator_client)


def test_dashboard_queries_stay_within_budget(
    coordinator_client, consortium, member, goals, coordinator, django_assert_max_num_queries
):
    for year in (2025, 2026):
        project = make_project(consortium, year)
        for _ in range(3):
            start = datetime.date(year, 10, 6)
            make_mobility(
                project,
                member,
                goals,
                by=coordinator,
                status="submitted",
                start_date=start,
                end_date=start.replace(day=20),
            )
    with django_assert_max_num_queries(40):
        assert coordinator_client.get(reverse("backoffice:dashboard")).status_code == 200

"""The reports API: the same rules and permissions as the pages."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tilts.core.tests.fixtures import client_for
from tilts.core.tests.plans import needs_postgresql, plan, queries_of
from tilts.mobility import services as mobility_services
from tilts.mobility.tests.factories import make_participant, make_project, many_mobilities
from tilts.reporting import services
from tilts.reporting.models import ParticipantReport, ReportStatus
from tilts.reporting.tests.helpers import complete_answers, confirmed_mobility, pdf, png, submitted_report
from tilts.selection.services import issue_agreement

pytestmark = pytest.mark.django_db


def patch(client: Client, url: str, data: dict[str, object]):
    return client.patch(url, data, content_type="application/json")


def test_fill_submit_and_accept_through_the_api(
    report, participant, participant_client: Client, coordinator_client: Client
) -> None:
    url = f"/api/v1/reports/{report.pk}"
    body = participant_client.get(url).json()
    assert (body["status"], body["actual_end"], body["agreed_grant_total"]) == ("pending", "2025-10-20", "3468.00")
    answers = complete_answers(report)
    response = patch(participant_client, url, {**answers, "actual_end": "2025-10-17"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    response = participant_client.post(f"{url}/submit")
    assert response.status_code == 422 and "evidence" in response.json()["errors"]
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    response = participant_client.post(f"{url}/submit")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    evidence_id = report.evidence.get().pk
    assert response.json()["evidence"][0]["url"] == f"/api/v1/reports/{report.pk}/evidence/{evidence_id}/file"
    # The participant may no longer change it: the service's reason, like on the page (others get 403).
    response = patch(participant_client, url, {"learned": "Vēlāks labojums"})
    assert response.status_code == 422
    assert response.json()["errors"]["__all__"] == ["Atskaite ir iesniegta, un to vairs nevar mainīt."]
    assert participant_client.post(f"{url}/submit").status_code == 422
    assert participant_client.post(f"{url}/accept").status_code == 403
    response = coordinator_client.post(f"{url}/accept")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["final_grant_total"], body["final_grant_difference"]) == (
        "accepted",
        "3069.00",
        "-399.00",
    )
    assert Decimal(body["final_grant_breakdown"]["by_category"]["individual_support"]) == Decimal("2660.00")


def test_bad_input_is_422_and_changes_nothing(report, participant_client: Client) -> None:
    url = f"/api/v1/reports/{report.pk}"
    for data, field in (
        ({"satisfaction": 9}, "satisfaction"),
        ({"competences": ["astrology"]}, "competences"),
        ({"goal_contributions": {"5": "x"}}, "goal_contributions"),
        ({"actual_travel_days": 99}, "actual_travel_days"),
        ({"actual_start": "vakar"}, "actual_start"),
    ):
        response = patch(participant_client, url, {"learned": "Mainīts", **data})
        assert response.status_code == 422, data
        assert field in response.json()["errors"]
    assert participant_client.get(url).json()["learned"] == ""


def test_request_changes_needs_a_comment(report, participant, participant_client, coordinator_client) -> None:
    url = f"/api/v1/reports/{report.pk}"
    patch(participant_client, url, complete_answers(report))
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    participant_client.post(f"{url}/submit")
    response = coordinator_client.post(f"{url}/request-changes", {"comment": ""}, content_type="application/json")
    assert response.status_code == 422 and "comment" in response.json()["errors"]
    response = coordinator_client.post(
        f"{url}/request-changes", {"comment": "Pievienojiet foto."}, content_type="application/json"
    )
    assert response.json()["status"] == ReportStatus.CHANGES_REQUESTED
    assert response.json()["review_comment"] == "Pievienojiet foto."


def test_the_list_is_scoped_and_others_are_404(
    report,
    project,
    other_member,
    goals,
    coordinator,
    coordinator_client,
    auditor_client,
    member_client,
    participant_client,
    evaluator_client,
) -> None:
    other = services.open_report(
        confirmed_mobility(project, other_member, make_participant(other_member), goals, coordinator)
    )
    ids = lambda client: sorted(r["id"] for r in client.get("/api/v1/reports").json())  # noqa: E731
    assert ids(coordinator_client) == ids(auditor_client) == sorted([report.pk, other.pk])
    assert ids(member_client) == ids(participant_client) == [report.pk]
    assert ids(evaluator_client) == []
    for client in (member_client, participant_client, evaluator_client):
        assert client.get(f"/api/v1/reports/{other.pk}").status_code == 404
        assert patch(client, f"/api/v1/reports/{other.pk}", {"learned": "x"}).status_code == 404
    assert auditor_client.post(f"/api/v1/reports/{report.pk}/accept").status_code == 403
    assert patch(member_client, f"/api/v1/reports/{report.pk}", {"learned": "x"}).status_code == 403
    assert client_for(make_participant(other_member)).get(f"/api/v1/reports/{report.pk}").status_code == 404
    assert Client().get("/api/v1/reports").status_code == 401


def due_in(report: ParticipantReport, days: int) -> ParticipantReport:
    """Move the report's due date relative to today (the API's overdue filter uses the real date)."""
    ParticipantReport.objects.filter(pk=report.pk).update(due_date=timezone.localdate() + datetime.timedelta(days))
    return report


def listed_ids(client: Client, query: str) -> list[int]:
    response = client.get(f"/api/v1/reports?{query}")
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()]


def test_filters_by_status_project_and_overdue(
    report,
    project,
    consortium,
    member,
    other_member,
    goals,
    coordinator,
    coordinator_client,
    member_client,
    participant_client,
) -> None:
    def other_report(organisation, on=project, **dates: object) -> ParticipantReport:
        mobility = confirmed_mobility(on, organisation, make_participant(organisation), goals, coordinator, **dates)
        return services.open_report(mobility)

    late = due_in(report, -20)
    later = other_report(member)
    services.save_draft(later, by=later.mobility.participant, learned="Melnraksts")
    later = due_in(later, -40)
    sent = due_in(submitted_report(other_report(member)), -50)
    not_yet = due_in(other_report(member), 10)
    cancelled = other_report(member)
    mobility_services.transition(cancelled.mobility, "cancelled", by=coordinator, reason="Slimība")
    due_in(cancelled, -60)
    dates_2026 = {
        "start_date": datetime.date(2026, 7, 6),
        "end_date": datetime.date(2026, 7, 20),
        "followup_due": datetime.date(2026, 12, 31),
    }
    next_year = due_in(other_report(other_member, make_project(consortium, 2026), **dates_2026), -5)

    assert listed_ids(coordinator_client, "overdue=true") == [later.pk, late.pk, next_year.pk]
    everything = [cancelled.pk, sent.pk, later.pk, late.pk, next_year.pk, not_yet.pk]
    assert listed_ids(coordinator_client, "overdue=false") == listed_ids(coordinator_client, "") == everything
    assert listed_ids(coordinator_client, f"overdue=true&project={project.pk}") == [later.pk, late.pk]
    assert listed_ids(coordinator_client, f"project={next_year.mobility.project_id}") == [next_year.pk]
    assert listed_ids(coordinator_client, "status=draft") == [later.pk]
    assert listed_ids(coordinator_client, "status=submitted") == [sent.pk]
    assert listed_ids(coordinator_client, "status=pending&overdue=true") == [late.pk, next_year.pk]
    assert listed_ids(member_client, "overdue=true") == [later.pk, late.pk]
    assert listed_ids(participant_client, "overdue=true") == [late.pk]
    assert coordinator_client.get("/api/v1/reports?overdue=true").json()[0]["days_overdue"] == 40


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=overdue", "status"),
        ("status=Draft", "status"),
        ("project=0", "project"),
        (f"project={2**63}", "project"),
        ("project=abc", "project"),
        ("overdue=maybe", "overdue"),
    ],
)
def test_bad_filters_are_422(report, coordinator_client: Client, query: str, field: str) -> None:
    response = coordinator_client.get(f"/api/v1/reports?{query}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    if field == "status":
        assert response.json()["errors"]["status"] == ["Nezināms statuss."]
        english = coordinator_client.get(f"/api/v1/reports?{query}", headers={"Accept-Language": "en"})
        assert english.json()["errors"]["status"] == ["Unknown status."]


def test_the_list_reads_evidence_without_a_query_per_report(
    report, project, member, goals, coordinator, coordinator_client, django_assert_max_num_queries
) -> None:
    reports = [report] + [
        services.open_report(confirmed_mobility(project, member, make_participant(member), goals, coordinator))
        for _ in range(4)
    ]
    for each in reports:
        participant = each.mobility.participant
        services.add_evidence(each, kind="certificate", upload=pdf(), by=participant)
        services.add_evidence(each, kind="photo", upload=png(), by=participant)
        issue_agreement(each.mobility, kind="grant", language="lv", by=coordinator)
    # The session, the user, the reports with their mobilities and agreed grants (the grant agreement's), and one
    # query for all the evidence (the staff's list opens no report: the hourly run does).
    with django_assert_max_num_queries(4):
        response = coordinator_client.get("/api/v1/reports")
    assert response.status_code == 200
    assert [len(r["evidence"]) for r in response.json()] == [2] * 5
    assert [r["agreed_grant_total"] for r in response.json()] == ["3468.00"] * 5


def test_each_listed_report_is_the_report_as_read_alone(
    report, project, member, goals, coordinator, coordinator_client, participant
) -> None:
    """The list builds its rows from the table (tilts.core.keyset.json_rows): they must be what the report's own
    page of the API answers, field for field and in the same order, whatever state it is in."""
    services.add_evidence(report, kind="photo", upload=png(), by=participant)
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    issue_agreement(report.mobility, kind="grant", language="lv", by=coordinator)
    due_in(report, -3)
    accepted = submitted_report(
        services.open_report(confirmed_mobility(project, member, make_participant(member), goals, coordinator)),
        actual_end=datetime.date(2025, 10, 17),
    )
    issue_agreement(accepted.mobility, kind="grant", language="lv", by=coordinator)
    accepted = services.accept(accepted, by=coordinator)
    services.request_changes(
        submitted_report(
            services.open_report(confirmed_mobility(project, member, make_participant(member), goals, coordinator))
        ),
        by=coordinator,
        comment="Trūkst biļešu.",
    )
    for language in ("lv", "en"):
        listed = coordinator_client.get("/api/v1/reports", headers={"Accept-Language": language})
        assert listed.status_code == 200
        rows = listed.json()
        assert len(rows) == 3 and {row["status"] for row in rows} == {"pending", "accepted", "changes_requested"}
        for row in rows:
            alone = coordinator_client.get(f"/api/v1/reports/{row['id']}", headers={"Accept-Language": language})
            assert list(row.items()) == list(alone.json().items())
    accepted_row = next(row for row in rows if row["id"] == accepted.pk)
    assert accepted_row["final_grant_difference"] is not None and accepted_row["agreed_grant_total"] == "3468.00"
    assert [e["kind"] for e in next(row for row in rows if row["id"] == report.pk)["evidence"]] == [
        "certificate",
        "photo",
    ]


@needs_postgresql
def test_a_page_of_the_list_is_read_from_the_index_and_nothing_else_scans_the_mobilities(
    report, project, member, goals, coordinator, coordinator_client
) -> None:
    services.open_report(confirmed_mobility(project, member, make_participant(member), goals, coordinator))
    # The plan must not depend on what the worker's statistics hold from earlier tests (a table analysed while
    # empty makes a scan of every mobility look as cheap as the index): many mobilities that are not confirmed,
    # and statistics of this test's rows.
    many_mobilities(project, member, goals, 300)
    with connection.cursor() as analyse:
        analyse.execute("ANALYZE mobility_mobility")
    cursor = coordinator_client.get("/api/v1/reports", {"limit": 1})["X-Next-Cursor"]
    made = queries_of(lambda: coordinator_client.get("/api/v1/reports", {"limit": 1, "cursor": cursor}))
    page = plan(next(sql for sql in made if "ORDER BY" in sql and "reporting_participantreport" in sql))
    assert "report_due_date_id" in page and "Sort" not in page, page
    # The staff's list opens no report (the hourly run does), so nothing looks for ended mobilities without one.
    assert not any("IS NULL" in sql and "mobility_mobility" in sql for sql in made), made

"""The report follows the grant agreement: its due date uses the agreement's days, and the final grant is compared
with the figures the agreement froze, even if the mobility's grant is re-frozen later."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tilts.mobility.models import Mobility
from tilts.reporting import services
from tilts.reporting.models import ParticipantReport
from tilts.reporting.tests.helpers import AFTER, submitted_report
from tilts.selection import services as selection_services

pytestmark = pytest.mark.django_db
D = Decimal


def issue(mobility: Mobility, by, kind: str = "grant", **extra: object):
    if kind == "learning":
        extra = {"programme": "Darba ēnošana.", "learning_outcomes": "Digitālās prasmes.", **extra}
    return selection_services.issue_agreement(mobility, kind=kind, language="lv", by=by, **extra)


def days_after_end(report: ParticipantReport) -> int:
    report.refresh_from_db()
    return (report.due_date - report.mobility.end_date).days


def test_the_report_is_due_within_the_agreements_days(mobility, coordinator) -> None:
    issue(mobility, coordinator, report_days=45)
    issue(mobility, coordinator, kind="learning", report_days=10)  # only the grant agreement sets the days
    services.open_due_reports(AFTER)
    assert days_after_end(ParticipantReport.objects.get()) == 45


def test_without_an_agreement_the_setting_decides(mobility, settings) -> None:
    settings.REPORT_DUE_DAYS = 21
    services.open_due_reports(AFTER)
    assert days_after_end(ParticipantReport.objects.get()) == 21


def test_a_new_agreement_version_moves_the_due_date_of_an_unsubmitted_report(report, coordinator) -> None:
    assert days_after_end(report) == 30
    issue(report.mobility, coordinator, report_days=60)
    assert days_after_end(report) == 60
    issue(report.mobility, coordinator, report_days=20)  # the latest version is the one in force
    assert days_after_end(report) == 20
    assert report.history.first().due_date == report.due_date  # the change is in the report's history


def test_a_submitted_report_keeps_its_due_date(report, coordinator) -> None:
    report = submitted_report(report)
    issue(report.mobility, coordinator, report_days=60)
    assert days_after_end(report) == 30


def _refreeze(mobility: Mobility, total: str) -> None:
    """The mobility's grant priced again after the agreement was issued (no new agreement version)."""
    breakdown = {
        **mobility.grant_breakdown,
        "lines": [{**line, "amount": "0.00"} for line in mobility.grant_breakdown["lines"]],
    }
    Mobility.objects.filter(pk=mobility.pk).update(grant_total=D(total), grant_breakdown=breakdown)


def test_the_final_grant_is_compared_with_the_agreement_not_a_later_refreeze(
    report, coordinator, coordinator_client: Client
) -> None:
    issue(report.mobility, coordinator)
    _refreeze(report.mobility, "1000.00")
    report = ParticipantReport.objects.get(pk=submitted_report(report).pk)
    preview = services.preview_final_grant(report)
    assert (preview.agreed_total, preview.final_total, preview.difference) == (D("3468.00"), D("3468.00"), D("0"))
    assert all(line.difference == 0 for line in preview.lines)
    report = services.accept(report, by=coordinator)
    stored = services.stored_comparison(report)
    assert stored is not None and (stored.agreed_total, stored.difference) == (D("3468.00"), D("0.00"))
    body = coordinator_client.get(f"/api/v1/reports/{report.pk}").json()
    assert (body["agreed_grant_total"], body["final_grant_difference"]) == ("3468.00", "0.00")
    page = coordinator_client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert 'id="grant-difference">0,00<' in page


def test_without_an_agreement_the_mobilitys_grant_is_agreed(report, coordinator, coordinator_client: Client) -> None:
    _refreeze(report.mobility, "3500.00")
    report = services.accept(submitted_report(report), by=coordinator)
    body = coordinator_client.get(f"/api/v1/reports/{report.pk}").json()
    assert (body["agreed_grant_total"], body["final_grant_difference"]) == ("3500.00", "-32.00")


def _review_page(client: Client, report: ParticipantReport) -> str:
    with translation.override("en"):
        url = reverse("reporting:detail", args=[report.pk])
    return client.get(url).content.decode()


AMENDMENT = "The final grant is 374.00 EUR more than the grant agreement: an amendment is needed before it can be paid."


def test_a_final_grant_above_the_agreement_is_refused_without_an_amendment_or_a_cap(
    report, coordinator, coordinator_client: Client, mailoutbox
) -> None:
    issue(report.mobility, coordinator)
    report = submitted_report(report, actual_travel_days=4, actual_green_travel=True)
    page = _review_page(coordinator_client, report)
    assert AMENDMENT in page
    assert "Issue the amended grant agreement" in page and "Accept the report and fix" not in page
    with pytest.raises(ValidationError) as error:
        services.accept(report, by=coordinator)
    assert error.value.messages == [
        "The final grant (3842.00 EUR) is 374.00 EUR above the grant agreement. Issue the amended grant agreement "
        "first, or cap the final grant at the agreed amount."
    ]
    report.refresh_from_db()
    assert report.status == "submitted" and report.final_grant_total is None and not mailoutbox
    response = coordinator_client.post(f"/api/v1/reports/{report.pk}/accept")
    assert response.status_code == 422
    assert ParticipantReport.objects.get(pk=report.pk).status == "submitted"


def test_the_coordinator_may_cap_the_final_grant_at_the_agreed_amount(
    report, coordinator, coordinator_client: Client
) -> None:
    issue(report.mobility, coordinator)
    report = submitted_report(report, actual_travel_days=4, actual_green_travel=True)
    response = coordinator_client.post(reverse("reporting:accept", args=[report.pk]), {"cap": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.final_grant_total, report.final_grant_uncapped) == (
        "accepted",
        D("3468.00"),
        D("3842.00"),
    )
    page = _review_page(coordinator_client, report)
    assert (
        "Capped at the agreed amount by the coordinator's decision; the reported data priced it at 3,842.00 EUR."
        in page
    )
    assert AMENDMENT not in page
    body = coordinator_client.get(f"/api/v1/reports/{report.pk}").json()
    assert (body["final_grant_total"], body["final_grant_uncapped"], body["final_grant_difference"]) == (
        "3468.00",
        "3842.00",
        "0.00",
    )


def test_the_amended_agreement_from_the_review_page_covers_the_final_grant(
    report, coordinator, coordinator_client: Client, participant_client: Client
) -> None:
    first = issue(report.mobility, coordinator, report_days=45, prefinancing_percent=70)
    report = submitted_report(report, actual_travel_days=4, actual_green_travel=True)
    assert participant_client.post(reverse("reporting:amend_agreement", args=[report.pk])).status_code == 403
    response = coordinator_client.post(reverse("reporting:amend_agreement", args=[report.pk]))
    assert response.status_code == 302
    second = report.mobility.agreements.get(number=2)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert (second.report_days, second.prefinancing_percent, second.snapshot["grant"]["total"]) == (45, 70, "3842.00")
    assert second.snapshot["activity"]["travel_days"] == 4
    assert Mobility.objects.get(pk=report.mobility_id).travel_days == 2  # the plan itself is not changed
    assert AMENDMENT not in _review_page(coordinator_client, report)
    report = services.accept(report, by=coordinator)
    assert (report.final_grant_total, report.final_grant_uncapped) == (D("3842.00"), None)


def test_no_amendment_warning_when_the_final_grant_is_within_the_agreement(
    report, coordinator, coordinator_client: Client
) -> None:
    report = submitted_report(report, actual_end=datetime.date(2025, 10, 17))
    assert "amendment" not in _review_page(coordinator_client, report)

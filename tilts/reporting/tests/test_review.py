"""The coordinator's review: changes asked by e-mail, or acceptance with the final grant from the realised data."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tilts.core.access import Forbidden
from tilts.mobility.models import MobilityStatus
from tilts.mobility.selectors import project_budget
from tilts.reporting import services
from tilts.reporting.models import ReportStatus
from tilts.reporting.tests.helpers import submitted_report

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_same_stay_gives_the_agreed_grant(report, coordinator) -> None:
    report = services.accept(submitted_report(report), by=coordinator)
    assert report.final_grant_total == report.mobility.grant_total == D("3468.00")
    assert services.final_difference(report) == D("0.00")


def test_a_shorter_stay_gives_less(report, coordinator) -> None:
    # 12 activity days + 2 travel days instead of 15 + 2: no day at the reduced rate; 309 + 14 × 190 + 100.
    report = submitted_report(report, actual_end=datetime.date(2025, 10, 17))
    preview = services.preview_final_grant(report)
    assert (preview.agreed_total, preview.final_total, preview.difference) == (D("3468.00"), D("3069.00"), D("-399"))
    reduced = next(line for line in preview.lines if line.rule == "individual_support_reduced")
    assert (reduced.agreed_amount, reduced.final_amount, reduced.final_quantity) == (D("399.00"), D("0.00"), None)
    report = services.accept(report, by=coordinator)
    assert report.final_grant_total == D("3069.00")
    assert report.final_grant_breakdown["by_category"]["individual_support"] == "2660.00"
    assert report.mobility.grant_total == D("3468.00")  # the agreed grant stays as frozen


def test_green_travel_adds_days_and_the_green_rate(report, coordinator) -> None:
    # 15 + 4 travel days: 14 × 190 + 5 × 133; the green travel rate 417 instead of 309.
    report = submitted_report(report, actual_travel_days=4, actual_green_travel=True)
    comparison = services.preview_final_grant(report)  # more than agreed: accepted after an amendment (test_agreement)
    assert comparison.final_total == D("3842.00") and comparison.difference == D("374.00")
    by_rule = {line.rule: line for line in comparison.lines}
    assert by_rule["travel_standard"].difference == D("-309.00")
    assert by_rule["travel_green"].difference == D("417.00")
    assert by_rule["individual_support_reduced"].difference == D("266.00")


def test_acceptance_completes_the_mobility_and_the_budget_uses_the_final_grant(report, coordinator, project) -> None:
    report = services.accept(submitted_report(report, actual_end=datetime.date(2025, 10, 17)), by=coordinator)
    assert report.status == ReportStatus.ACCEPTED and report.accepted_at and report.reviewed_by == coordinator
    assert report.mobility.status == MobilityStatus.COMPLETED
    budget = project_budget(project)
    assert budget.total.realised == D("3069.00") and budget.total.planned == D("0.00")


def test_only_a_submitted_report_is_reviewed(report, coordinator, participant) -> None:
    with pytest.raises(services.ValidationError):
        services.accept(report, by=coordinator)
    with pytest.raises(services.ValidationError):
        services.request_changes(report, by=coordinator, comment="Par agru.")
    report = submitted_report(report)
    with pytest.raises(Forbidden):
        services.accept(report, by=participant)
    with pytest.raises(services.ValidationError) as error:
        services.request_changes(report, by=coordinator, comment="   ")
    assert "comment" in error.value.message_dict
    assert report.__class__.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_asking_for_changes_mails_the_participant_in_their_language(
    report, coordinator_client, participant, django_capture_on_commit_callbacks
) -> None:
    participant.language = "en"
    participant.save()
    submitted_report(report)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("reporting:request_changes", args=[report.pk]), {"comment": "Please add the certificate's date."}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CHANGES_REQUESTED
    (message,) = mail.outbox
    assert message.to == [participant.email]
    assert message.subject == "Your mobility report: please make some changes"
    assert "Please add the certificate's date." in message.body
    assert f"http://testserver/en/reports/{report.pk}/" in message.body


def test_the_coordinator_sees_the_difference_before_and_after_accepting(
    report, coordinator_client, auditor_client
) -> None:
    submitted_report(report, actual_end=datetime.date(2025, 10, 17))
    url = reverse("reporting:detail", args=[report.pk])
    page = coordinator_client.get(url).content.decode()
    assert "-399,00" in page and "3 069,00" in page.replace("\xa0", " ")
    assert reverse("reporting:accept", args=[report.pk]) in page
    # The auditor sees the preview, but no review buttons.
    page = auditor_client.get(url).content.decode()
    assert "-399,00" in page and reverse("reporting:accept", args=[report.pk]) not in page
    assert auditor_client.post(reverse("reporting:accept", args=[report.pk])).status_code == 403
    response = coordinator_client.post(reverse("reporting:accept", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.final_grant_total == D("3069.00")
    page = coordinator_client.get(url).content.decode()
    assert "-399,00" in page and reverse("reporting:accept", args=[report.pk]) not in page


@pytest.mark.parametrize(
    ("language", "prefix", "total"),
    [("en", "/en", "3,842.00 EUR"), ("lv", "", "3 842,00 EUR")],
)
def test_acceptance_mails_the_participant_the_final_grant_in_their_language(
    report, coordinator_client, participant, django_capture_on_commit_callbacks, language, prefix, total
) -> None:
    participant.language = language
    participant.save()
    submitted_report(report, actual_travel_days=4, actual_green_travel=True)
    coordinator_client.post(reverse("reporting:amend_agreement", args=[report.pk]))  # above the agreed grant
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("reporting:accept", args=[report.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [participant.email]
    with translation.override(language):
        assert message.subject == translation.gettext("Your mobility report has been accepted")
    body = message.body.replace("\xa0", " ")
    assert total in body
    assert f"http://testserver{prefix}/reports/{report.pk}/" in body


def test_no_acceptance_mail_when_the_acceptance_fails(report, coordinator, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ValidationError):
        services.accept(report, by=coordinator)  # not submitted yet
    assert mail.outbox == []

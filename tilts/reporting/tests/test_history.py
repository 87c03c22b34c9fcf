"""Who did it: the main steps of a mobility and its report name the person in the change history."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.mobility.models import Mobility
from tilts.reporting import services
from tilts.reporting.models import ParticipantReport
from tilts.reporting.tests.helpers import submitted_report

pytestmark = pytest.mark.django_db


def _last_by_status(model_history, status: str):  # type: ignore[no-untyped-def]
    return model_history.filter(status=status).order_by("history_date").last()


def test_the_mobility_steps_name_the_coordinator(mobility: Mobility, coordinator) -> None:
    for status in ("submitted", "approved", "confirmed"):
        assert _last_by_status(mobility.history, status).history_user == coordinator


def test_the_report_names_the_participant_and_the_coordinator(report: ParticipantReport, coordinator) -> None:
    participant = report.mobility.participant
    report = submitted_report(report)
    assert _last_by_status(report.history, "submitted").history_user == participant
    services.accept(report, by=coordinator)
    assert _last_by_status(report.history, "accepted").history_user == coordinator
    # Accepting completes the mobility: that step is the coordinator's too.
    assert _last_by_status(report.mobility.history, "completed").history_user == coordinator


def test_acceptance_on_the_page_names_the_coordinator(
    report: ParticipantReport, coordinator, coordinator_client: Client
) -> None:
    report = submitted_report(report)
    assert coordinator_client.post(reverse("reporting:accept", args=[report.pk])).status_code == 302
    assert _last_by_status(report.history, "accepted").history_user == coordinator

"""The participant fills the report: drafts save, submitting checks everything, bad input changes nothing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tilts.core.access import Forbidden
from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_participant
from tilts.reporting import services
from tilts.reporting.models import ParticipantReport, ReportStatus
from tilts.reporting.tests.helpers import complete_answers, pdf, submitted_report

pytestmark = pytest.mark.django_db


def snapshot(report: ParticipantReport) -> dict[str, object]:
    fresh = ParticipantReport.objects.get(pk=report.pk)
    return {f.name: getattr(fresh, f.attname) for f in ParticipantReport._meta.concrete_fields}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"satisfaction": 6}, "satisfaction"),
        ({"satisfaction": 0}, "satisfaction"),
        ({"competences": ["juggling"]}, "competences"),
        ({"goal_contributions": {"5": "Nav šīs mobilitātes mērķis."}}, "goal_contributions"),
        ({"followup_decision": "maybe"}, "followup_decision"),
        ({"actual_travel_days": 31}, "actual_travel_days"),
        ({"actual_travel_days": -1}, "actual_travel_days"),
        ({"status": "accepted"}, "status"),
        ({"final_grant_total": 1}, "final_grant_total"),
    ],
)
def test_bad_input_changes_nothing(report, participant, changes, field: str) -> None:
    before = snapshot(report)
    with pytest.raises(services.ValidationError) as error:
        services.save_draft(report, by=participant, learned="Jauns teksts", **changes)
    assert field in error.value.message_dict
    assert snapshot(report) == before


def test_a_draft_saves_incomplete_answers(report, participant) -> None:
    report = services.save_draft(report, by=participant, learned="  Pirmās piezīmes  ", competences=["language"])
    assert (report.status, report.learned, report.competences) == (ReportStatus.DRAFT, "Pirmās piezīmes", ["language"])


def test_submit_names_every_missing_answer(report, participant) -> None:
    with pytest.raises(services.ValidationError) as error:
        services.submit(report, by=participant)
    assert set(error.value.message_dict) >= {
        "satisfaction",
        "learned",
        "competences",
        "goal_contributions",
        "followup_decision",
        "evidence",
    }
    assert ParticipantReport.objects.get(pk=report.pk).status == ReportStatus.PENDING


def test_a_changed_follow_up_needs_the_new_plan(report, participant) -> None:
    services.save_draft(report, by=participant, **{**complete_answers(report), "followup_decision": "changed"})
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    with pytest.raises(services.ValidationError) as error:
        services.submit(report, by=participant)
    assert list(error.value.message_dict) == ["followup_new_plan"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"actual_end": datetime.date(2025, 10, 1)}, "actual_end"),  # before the start
        ({"actual_start": datetime.date(2025, 5, 20)}, "actual_start"),  # before the project
        ({"actual_end": datetime.date(2026, 9, 2)}, "actual_start"),  # after the project
    ],
)
def test_realised_dates_must_fit(report, participant, changes, field: str) -> None:
    services.save_draft(report, by=participant, **{**complete_answers(report), **changes})
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    with pytest.raises(services.ValidationError) as error:
        services.submit(report, by=participant)
    assert field in error.value.message_dict
    assert ParticipantReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_green_travel_needs_the_travel_proof(report, participant) -> None:
    services.save_draft(report, by=participant, **complete_answers(report), actual_green_travel=True)
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    with pytest.raises(services.ValidationError) as error:
        services.submit(report, by=participant)
    assert list(error.value.message_dict) == ["evidence"] and len(error.value.message_dict["evidence"]) == 1
    services.add_evidence(report, kind="travel", upload=pdf("biletes.pdf"), by=participant)
    assert services.submit(report, by=participant).status == ReportStatus.SUBMITTED


def test_only_the_participant_edits_and_only_until_submitted(report, participant, coordinator, member) -> None:
    with pytest.raises(Forbidden):
        services.save_draft(report, by=coordinator, learned="Koordinatora teksts")
    with pytest.raises(Forbidden):
        services.save_draft(report, by=make_participant(member), learned="Kolēģa teksts")
    report = submitted_report(report)
    with pytest.raises(services.ValidationError):
        services.save_draft(report, by=participant, learned="Labojums pēc iesniegšanas")
    assert ParticipantReport.objects.get(pk=report.pk).learned != "Labojums pēc iesniegšanas"


def test_after_changes_are_requested_the_participant_edits_again(report, participant, coordinator) -> None:
    report = submitted_report(report)
    report = services.request_changes(report, by=coordinator, comment="Lūdzu, precizējiet mērķi nr. 2.")
    report = services.save_draft(report, by=participant, learned="Precizēts teksts")
    assert report.status == ReportStatus.CHANGES_REQUESTED
    assert services.submit(report, by=participant).status == ReportStatus.SUBMITTED


def form_data(report: ParticipantReport, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "satisfaction": "5",
        "learned": "Apguvu jaunas metodes.",
        "competences": ["digital", "cooperation"],
        "followup_decision": "keep",
        "followup_new_plan": "",
        "actual_start": "2025-10-06",
        "actual_end": "2025-10-20",
        "actual_travel_days": "2",
    }
    for goal in report.mobility.goals.all():
        data[f"goal_{goal.number}"] = f"Par mērķi {goal.number}."
    data.update(overrides)
    return data


def test_the_form_saves_a_draft_and_submits(participant_client: Client, report, participant) -> None:
    url = reverse("reporting:edit", args=[report.pk])
    assert participant_client.get(url).status_code == 200
    response = participant_client.post(url, {**form_data(report), "action": "save"})
    assert response.status_code == 302
    assert ParticipantReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    # Submitting without the certificate: the answers stay saved, the report stays a draft, the error is shown.
    response = participant_client.post(url, {**form_data(report, learned="Otrā versija"), "action": "submit"})
    assert response.status_code == 422
    assert len(response.context["form"].non_field_errors()) == 2  # the missing certificate, and "draft saved"
    saved = ParticipantReport.objects.get(pk=report.pk)
    assert (saved.status, saved.learned) == (ReportStatus.DRAFT, "Otrā versija")
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    response = participant_client.post(url, {**form_data(report), "action": "submit"})
    assert response.status_code == 302
    assert ParticipantReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    # Submitted: the participant still sees the report, but may no longer change it.
    assert participant_client.get(url).status_code == 403


def test_a_missing_goal_answer_is_shown_at_the_goal(participant_client: Client, report, participant) -> None:
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    goal = report.mobility.goals.order_by("number").first()
    data = {**form_data(report), f"goal_{goal.number}": "", "action": "submit"}
    response = participant_client.post(reverse("reporting:edit", args=[report.pk]), data)
    assert response.status_code == 422
    assert f"goal_{goal.number}" in response.context["form"].errors


def test_nobody_else_opens_the_form(report, coordinator_client, member_client, auditor_client, member) -> None:
    url = reverse("reporting:edit", args=[report.pk])
    colleague = client_for(make_participant(member))
    # Those who read the report are refused with 403; a colleague who does not see it gets 404.
    for client, status in ((coordinator_client, 403), (member_client, 403), (auditor_client, 403), (colleague, 404)):
        assert client.get(url).status_code == status
        assert client.post(url, {**form_data(report), "action": "save"}).status_code == status
    assert ParticipantReport.objects.get(pk=report.pk).status == ReportStatus.PENDING

"""The coordinator's side of selection over JSON: calls, their criteria and evaluators, and signed agreements."""

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.core.tests.pdf import make_pdf
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.projects.models import ProjectStatus
from tilts.selection import services
from tilts.selection.models import Agreement, AgreementStatus, Call, Criterion
from tilts.selection.tests.factories import approved_mobility, give_scores, make_call, submitted_application

PDF = make_pdf(comment="signed")


@pytest.fixture
def call(consortium):
    return make_call(consortium)


@pytest.fixture
def project(call):
    return call.project


def send(client: Client, method: str, url: str, data: Any) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def criterion(**overrides: Any) -> dict[str, Any]:
    return {
        "name_lv": "Atbilstība",
        "name_en": "Relevance",
        "description_lv": "Cik labi atbilst mērķiem",
        "weight": "3",
        "min_score": 0,
        "max_score": 5,
        **overrides,
    }


def call_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title_lv": "Kursi 2027",
        "title_en": "Courses 2027",
        "text_lv": "Aicinām pieteikties kursiem.",
        "text_en": "Apply for courses.",
        "eligibility_lv": "Darbinieki, kas māca kolēģus.",
        "opens_on": "2026-12-01",
        "closes_on": "2027-01-15",
        "places": 5,
        "published": False,
        "criteria": [criterion(), criterion(name_lv="Plāns", name_en="Plan", weight="1.5", max_score=10)],
        **overrides,
    }


def snapshot() -> list[tuple[Any, ...]]:
    """Everything a refused request must leave as it was."""
    calls = list(Call.objects.order_by("pk").values_list("pk", "title_lv", "opens_on", "closes_on", "places"))
    criteria = list(Criterion.objects.order_by("pk").values_list("pk", "name_lv", "weight", "max_score"))
    return calls + criteria


# Listing -------------------------------------------------------------------------------------------------------------


def test_coordinator_and_auditors_list_every_call_of_the_project(consortium, call, project, coordinator, auditor):
    hidden = make_call(consortium, project=project, title_lv="Slepens", title_en="Hidden", published=False)
    elsewhere = make_call(
        consortium,
        project=make_project(consortium, 2025),
        opens_on=datetime.date(2026, 1, 5),
        closes_on=datetime.date(2026, 2, 5),
    )
    evaluator = UserFactory(role=Role.EVALUATOR)
    services.set_evaluators(hidden, [evaluator], by=None)
    for user in (coordinator, auditor):
        data = client_for(user).get(f"/api/v1/projects/{project.pk}/calls").json()
        assert {item["id"] for item in data} == {call.pk, hidden.pk}
        assert elsewhere.pk not in {item["id"] for item in data}
        managed = next(item for item in data if item["id"] == hidden.pk)
        assert managed["published"] is False and managed["title_en"] == "Hidden"
        assert managed["text_lv"] == "Aicinām bibliotēku speciālistus pieteikties."
        assert managed["evaluator_ids"] == [evaluator.pk]
        assert [c["name_en"] for c in managed["criteria"]] == ["Contribution to the goals", "Dissemination plan"]


def test_others_cannot_list_a_projects_calls(project, member_contact, participant, evaluator, coordinator) -> None:
    url = f"/api/v1/projects/{project.pk}/calls"
    for user in (member_contact, participant, evaluator):
        assert client_for(user).get(url).status_code == 403
    assert Client().get(url).status_code == 401
    boss = client_for(coordinator)
    assert boss.get("/api/v1/projects/999999/calls").status_code == 404
    assert boss.get(f"/api/v1/projects/{2**64}/calls").status_code == 422


# Creating ------------------------------------------------------------------------------------------------------------


def test_coordinator_creates_a_call_with_its_criteria_in_order(project, coordinator) -> None:
    response = send(client_for(coordinator), "post", f"/api/v1/projects/{project.pk}/calls", call_body())
    assert response.status_code == 201, response.json()
    created = Call.objects.get(pk=response.json()["id"])
    assert (created.title_lv, created.title_en, created.places, created.published) == (
        "Kursi 2027",
        "Courses 2027",
        5,
        False,
    )
    criteria = list(created.criteria.all())
    assert [(c.name_en, c.weight, c.min_score, c.max_score, c.order) for c in criteria] == [
        ("Relevance", 3, 0, 5, 0),
        ("Plan", 1.5, 0, 10, 1),
    ]
    assert criteria[0].description_lv == "Cik labi atbilst mērķiem"
    assert response.json()["criteria"][1]["weight"] == "1.50"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"closes_on": "2026-11-30"}, "closes_on"),  # before it opens
        ({"closes_on": "2027-09-01"}, "closes_on"),  # after the project ends
        ({"text_lv": "   "}, "text_lv"),  # the Latvian text is required
        ({"title_en": ""}, "title_en"),
        ({"criteria": []}, "criteria"),
        ({"criteria": [criterion(weight="0")]}, "criteria"),
        ({"criteria": [criterion(weight="-1")]}, "criteria"),
        ({"criteria": [criterion(weight="0.001")]}, "criteria"),
        ({"criteria": [criterion(min_score=5, max_score=5)]}, "criteria"),
        ({"criteria": [criterion(name_en=" ")]}, "criteria"),
        ({"places": 0}, "places"),
    ],
)
def test_bad_calls_are_refused_per_field_and_nothing_is_saved(project, coordinator, overrides, field) -> None:
    before = snapshot()
    response = send(client_for(coordinator), "post", f"/api/v1/projects/{project.pk}/calls", call_body(**overrides))
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()
    assert snapshot() == before


def test_the_refusal_is_translated(project, coordinator) -> None:
    response = send(
        client_for(coordinator), "post", f"/api/v1/projects/{project.pk}/calls", call_body(closes_on="2026-11-30")
    )
    assert response.json()["errors"]["closes_on"] == ["Uzaicinājums nevar slēgties pirms atvēršanas."]


def test_a_closed_project_gets_no_new_calls(project, coordinator) -> None:
    project.status = ProjectStatus.CLOSED
    project.save()
    before = snapshot()
    response = send(client_for(coordinator), "post", f"/api/v1/projects/{project.pk}/calls", call_body())
    assert response.status_code == 422 and "project" in response.json()["errors"]
    assert snapshot() == before


def test_only_the_coordinator_creates_calls(project, auditor, member_contact, participant, evaluator, coordinator):
    url = f"/api/v1/projects/{project.pk}/calls"
    before = snapshot()
    for user in (auditor, member_contact, participant, evaluator):
        assert send(client_for(user), "post", url, call_body()).status_code == 403
    assert send(Client(), "post", url, call_body()).status_code == 401
    assert send(client_for(coordinator), "post", "/api/v1/projects/999999/calls", call_body()).status_code == 404
    assert snapshot() == before


# Changing ------------------------------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(call, coordinator) -> None:
    client = client_for(coordinator)
    criteria = list(call.criteria.values_list("pk", flat=True))
    response = send(client, "patch", f"/api/v1/calls/{call.pk}", {"places": 7, "text_en": "New text"})
    assert response.status_code == 200, response.json()
    call.refresh_from_db()
    assert (call.places, call.text_en, call.title_lv) == (7, "New text", "Pieteikšanās ēnošanas vizītēm 2027")
    assert list(call.criteria.values_list("pk", flat=True)) == criteria
    replaced = send(
        client, "patch", f"/api/v1/calls/{call.pk}", {"criteria": [{"name_lv": "A", "name_en": "A", "weight": 1}]}
    )
    assert replaced.status_code == 200, replaced.json()
    assert [(c.name_en, c.min_score, c.max_score) for c in call.criteria.all()] == [("A", 0, 10)]


def test_bad_changes_are_refused_and_nothing_changes(call, coordinator) -> None:
    client = client_for(coordinator)
    before = snapshot()
    url = f"/api/v1/calls/{call.pk}"
    closes_early = send(client, "patch", url, {"closes_on": (call.opens_on - datetime.timedelta(days=1)).isoformat()})
    assert closes_early.status_code == 422 and "closes_on" in closes_early.json()["errors"]
    bad_weight = send(client, "patch", url, {"places": 9, "criteria": [criterion(weight="0")]})
    assert bad_weight.status_code == 422 and "criteria" in bad_weight.json()["errors"]
    null = send(client, "patch", url, {"title_lv": None})
    assert null.status_code == 422 and "title_lv" in null.json()["errors"]
    assert snapshot() == before


def test_criteria_cannot_change_once_scoring_has_started(call, participant, goals, evaluator, coordinator) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    give_scores(call, application, evaluator, [8, 6])
    client = client_for(coordinator)
    url = f"/api/v1/calls/{call.pk}"
    before = snapshot()
    response = send(client, "patch", url, {"criteria": [criterion()]})
    assert response.status_code == 422
    assert response.json()["errors"]["criteria"] == ["Vērtētāji jau sākuši vērtēt; kritērijus vairs nevar mainīt."]
    assert snapshot() == before
    # Sent back as read, the criteria are kept (with their scores) and the rest of the call still changes.
    read = client.get(f"/api/v1/projects/{call.project_id}/calls").json()[0]["criteria"]
    fields = ("name_lv", "name_en", "description_lv", "description_en", "weight", "min_score", "max_score")
    unchanged = [{name: item[name] for name in fields} for item in read]
    response = send(client, "patch", url, {"places": 3, "criteria": unchanged})
    assert response.status_code == 200, response.json()
    assert Call.objects.get(pk=call.pk).places == 3
    assert [c["id"] for c in response.json()["criteria"]] == [c["id"] for c in read]
    assert application.assignments.get().scores.count() == 2


def test_only_the_coordinator_changes_a_call(call, auditor, member_contact, participant, evaluator, coordinator):
    url = f"/api/v1/calls/{call.pk}"
    before = snapshot()
    for user in (auditor, member_contact, participant, evaluator):
        assert send(client_for(user), "patch", url, {"places": 9}).status_code == 403
    assert send(Client(), "patch", url, {"places": 9}).status_code == 401
    assert send(client_for(coordinator), "patch", "/api/v1/calls/999999", {"places": 9}).status_code == 404
    assert snapshot() == before


# Evaluators ----------------------------------------------------------------------------------------------------------


def test_coordinator_sets_the_evaluators_and_auditors_read_them(call, evaluator, coordinator, auditor) -> None:
    second = UserFactory(role=Role.EVALUATOR)
    url = f"/api/v1/calls/{call.pk}/evaluators"
    response = send(client_for(coordinator), "put", url, {"evaluator_ids": [second.pk, evaluator.pk, coordinator.pk]})
    assert response.status_code == 200, response.json()
    assert {item["id"] for item in response.json()} == {evaluator.pk, second.pk, coordinator.pk}
    assert set(call.evaluators.values_list("pk", flat=True)) == {evaluator.pk, second.pk, coordinator.pk}
    listed = client_for(auditor).get(url).json()
    assert sorted(item["id"] for item in listed) == sorted([evaluator.pk, second.pk, coordinator.pk])
    assert {item["name"] for item in listed} >= {str(evaluator)}


def test_only_evaluators_can_be_chosen(call, evaluator, participant, member_contact, auditor, coordinator) -> None:
    services.set_evaluators(call, [evaluator], by=None)
    client = client_for(coordinator)
    url = f"/api/v1/calls/{call.pk}/evaluators"
    retired = UserFactory(role=Role.EVALUATOR, is_active=False)
    for chosen in (participant, member_contact, auditor, retired):
        response = send(client, "put", url, {"evaluator_ids": [evaluator.pk, chosen.pk]})
        assert response.status_code == 422
        assert response.json()["errors"]["evaluator_ids"] == [f"{chosen} nav vērtētāju sarakstā."]
    unknown = send(client, "put", url, {"evaluator_ids": [999999]})
    assert unknown.status_code == 422 and unknown.json()["errors"]["evaluator_ids"] == [
        "999999 nav vērtētāju sarakstā."
    ]
    assert list(call.evaluators.all()) == [evaluator]


def test_an_evaluator_who_has_scored_stays(call, participant, goals, evaluator, coordinator) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    give_scores(call, application, evaluator, [8, 6])
    response = send(client_for(coordinator), "put", f"/api/v1/calls/{call.pk}/evaluators", {"evaluator_ids": []})
    assert response.status_code == 422 and "evaluator_ids" in response.json()["errors"]
    assert list(call.evaluators.all()) == [evaluator]


def test_others_cannot_see_or_set_evaluators(call, evaluator, member_contact, participant, auditor, coordinator):
    services.set_evaluators(call, [evaluator], by=None)
    url = f"/api/v1/calls/{call.pk}/evaluators"
    for user in (evaluator, member_contact, participant):
        assert client_for(user).get(url).status_code == 403
    for user in (auditor, evaluator, member_contact, participant):
        assert send(client_for(user), "put", url, {"evaluator_ids": []}).status_code == 403
    assert Client().get(url).status_code == 401
    assert send(Client(), "put", url, {"evaluator_ids": []}).status_code == 401
    assert client_for(coordinator).get("/api/v1/calls/999999/evaluators").status_code == 404
    assert list(call.evaluators.all()) == [evaluator]


# Signed agreements ---------------------------------------------------------------------------------------------------


@pytest.fixture
def agreement(call, participant, goals, coordinator) -> Agreement:
    mobility = approved_mobility(submitted_application(call, participant, goals), coordinator)
    return services.issue_agreement(mobility, kind="grant", language="lv", by=coordinator)


def upload(client: Client, agreement: Agreement, content: bytes = PDF, name: str = "signed.pdf") -> Any:
    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(f"/api/v1/agreements/{agreement.pk}/signed", {"file": file})


def stored_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_member_contact_uploads_the_signed_copy_and_it_can_be_downloaded(agreement, member_contact, participant):
    client = client_for(member_contact)
    response = upload(client, agreement)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == AgreementStatus.SIGNED and data["status_label"] == "Augšupielādēta parakstītā kopija"
    assert data["signed_url"] == reverse("selection:agreement_signed", args=[agreement.pk])
    listed = client.get(f"/api/v1/mobilities/{agreement.mobility_id}/agreements").json()
    assert listed[0]["signed_url"] == data["signed_url"]
    for reader in (client, client_for(participant)):  # the participant reads their own agreement's copy
        download = reader.get(f"/api/v1/agreements/{agreement.pk}/signed")
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content) == PDF


def test_no_signed_copy_yet_is_404_and_has_no_url(agreement, coordinator) -> None:
    client = client_for(coordinator)
    assert client.get(f"/api/v1/agreements/{agreement.pk}/signed").status_code == 404
    listed = client.get(f"/api/v1/mobilities/{agreement.mobility_id}/agreements").json()
    assert listed[0]["signed_url"] is None and listed[0]["status_label"] == "Izsniegts, gaida parakstus"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "signed.pdf", "Augšupielādējiet parakstīto kopiju kā PDF failu."),
        (PDF + b"x" * 1024 * 1024, "signed.pdf", "Datne ir par lielu: ne vairāk kā 1 MB."),
    ],
)
def test_not_a_pdf_or_too_large_is_refused_and_not_stored(
    agreement, coordinator, settings, content, name, message
) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = upload(client_for(coordinator), agreement, content, name)
    assert response.status_code == 422
    assert response.json()["errors"]["file"] == [message]
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ISSUED and not agreement.signed_file
    assert stored_files() == []


def test_a_superseded_version_takes_no_signed_copy(agreement, coordinator) -> None:
    services.issue_agreement(agreement.mobility, kind="grant", language="lv", by=coordinator)
    response = upload(client_for(coordinator), agreement)
    assert response.status_code == 422 and "file" in response.json()["errors"]
    agreement.refresh_from_db()
    assert not agreement.signed_file and stored_files() == []


def test_a_missing_file_is_refused(agreement, coordinator) -> None:
    response = client_for(coordinator).post(f"/api/v1/agreements/{agreement.pk}/signed", {})
    assert response.status_code == 422 and "file" in response.json()["errors"]


def test_only_the_sending_institution_or_coordinator_uploads(agreement, participant, other_member, evaluator) -> None:
    assert upload(client_for(participant), agreement).status_code == 403  # their own, but signing is the sender's
    assert upload(client_for(evaluator), agreement).status_code == 403
    stranger = UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member)
    assert upload(client_for(stranger), agreement).status_code == 404
    assert upload(Client(), agreement).status_code == 401
    assert upload(client_for(UserFactory(role=Role.COORDINATOR)), Agreement(pk=999999)).status_code == 404
    agreement.refresh_from_db()
    assert not agreement.signed_file and stored_files() == []


def test_others_cannot_download_the_signed_copy(agreement, member_contact, member, other_member) -> None:
    upload(client_for(member_contact), agreement)
    url = f"/api/v1/agreements/{agreement.pk}/signed"
    colleague = make_participant(member)  # same institution, but not their mobility
    stranger = UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member)
    for user in (colleague, stranger, UserFactory(role=Role.EVALUATOR)):
        assert client_for(user).get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_the_schema_documents_the_new_operations(client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/projects/{project_id}/calls"])
    assert {"get", "put"} <= set(paths["/api/v1/calls/{call_id}/evaluators"])
    assert {"get", "post"} <= set(paths["/api/v1/agreements/{agreement_id}/signed"])
    assert "patch" in paths["/api/v1/calls/{call_id}"]
    upload_body = paths["/api/v1/agreements/{agreement_id}/signed"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body

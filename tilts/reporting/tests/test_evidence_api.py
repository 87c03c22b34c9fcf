"""Evidence over the API: the participant uploads and removes files while the report can be changed, with the
same content and size checks and messages as the page; whoever may read the report downloads them."""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role, User
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.mobility import services as mobility_services
from tilts.mobility.tests.factories import make_participant
from tilts.reporting import services
from tilts.reporting.models import Evidence, ParticipantReport
from tilts.reporting.tests.helpers import PDF, confirmed_mobility, jpeg, pdf, png, submitted_report

pytestmark = pytest.mark.django_db


def upload_url(report: ParticipantReport) -> str:
    return f"/api/v1/reports/{report.pk}/evidence"


def evidence_url(evidence: Evidence, report: ParticipantReport | None = None) -> str:
    return f"/api/v1/reports/{(report or evidence.report).pk}/evidence/{evidence.pk}"


def upload(client: Client, report: ParticipantReport, kind: str, file: SimpleUploadedFile):
    return client.post(upload_url(report), {"kind": kind, "file": file})


def stored_files(settings) -> list[object]:
    return list(settings.MEDIA_ROOT.rglob("*.*"))


@pytest.fixture
def other_report(project, member, goals, coordinator) -> ParticipantReport:
    """A colleague's report from the same institution."""
    return services.open_report(confirmed_mobility(project, member, make_participant(member), goals, coordinator))


@pytest.mark.parametrize(
    ("kind", "make", "content_type"),
    [
        ("certificate", pdf, "application/pdf"),
        ("certificate", jpeg, "image/jpeg"),
        ("certificate", png, "image/png"),
        ("travel", pdf, "application/pdf"),
        ("travel", jpeg, "image/jpeg"),
        ("travel", png, "image/png"),
        ("photo", jpeg, "image/jpeg"),
        ("photo", png, "image/png"),
    ],
)
def test_the_participant_uploads_each_kind(
    report, participant_client: Client, kind: str, make: Callable[[], SimpleUploadedFile], content_type: str
) -> None:
    file = make()
    content = file.read()
    file.seek(0)
    response = upload(participant_client, report, kind, file)
    assert response.status_code == 201, response.content
    evidence = report.evidence.get()
    body = response.json()
    assert body == {
        "id": evidence.pk,
        "kind": kind,
        "name": file.name,
        "content_type": content_type,
        "size": len(content),
        "url": reverse("api:evidence_file", args=[report.pk, evidence.pk]),
    }
    assert evidence.uploaded_by == report.mobility.participant
    download = participant_client.get(body["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert participant_client.get(f"/api/v1/reports/{report.pk}").json()["evidence"] == [body]


@pytest.mark.parametrize(
    ("kind", "file", "message"),
    [
        (
            "certificate",
            SimpleUploadedFile("apliecinajums.pdf", b"<html>not a pdf</html>", "application/pdf"),
            "Augšupielādējiet PDF, JPEG vai PNG datni.",
        ),
        ("travel", SimpleUploadedFile("biletes.pdf", b"MZ\x90\x00\x03", "application/pdf"), "Augšupielādējiet PDF"),
        ("photo", SimpleUploadedFile("foto.jpg", PDF, "image/jpeg"), "Fotoattēlam jābūt JPEG vai PNG attēlam."),
        (
            "photo",
            SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\nbroken", "image/png"),
            "Attēls ir bojāts vai nepilnīgs.",
        ),
        ("certificate", SimpleUploadedFile("tukss.pdf", b"", "application/pdf"), "Datne ir tukša."),
    ],
)
def test_wrong_content_with_an_allowed_name_is_422_and_nothing_is_kept(
    report, participant_client: Client, settings, kind: str, file: SimpleUploadedFile, message: str
) -> None:
    response = upload(participant_client, report, kind, file)
    assert response.status_code == 422
    assert response.json()["errors"]["file"][0].startswith(message)
    assert not Evidence.objects.exists()
    assert not stored_files(settings)


def test_a_file_over_the_limit_is_422(report, participant_client: Client, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("liels.pdf", PDF + b"0" * 1024 * 1024, "application/pdf")
    response = upload(participant_client, report, "certificate", big)
    assert response.status_code == 422
    assert response.json()["errors"] == {"file": ["Datne ir par lielu: ne vairāk kā 1 MB."]}
    assert not Evidence.objects.exists()
    assert not stored_files(settings)


def test_an_unknown_kind_or_a_missing_file_is_422(report, participant_client: Client, settings) -> None:
    response = upload(participant_client, report, "selfie", pdf())
    assert response.status_code == 422
    assert response.json()["errors"] == {"kind": ["Norādiet, kas ir šī datne."]}
    response = participant_client.post(upload_url(report), {"kind": "certificate"})
    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert not Evidence.objects.exists()
    assert not stored_files(settings)


def test_no_upload_once_submitted_but_again_when_changes_are_requested(
    report, participant, coordinator, participant_client: Client, settings
) -> None:
    report = submitted_report(report)
    files_before = stored_files(settings)
    response = upload(participant_client, report, "photo", png())
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["Atskaite ir iesniegta, un to vairs nevar mainīt."]}
    assert report.evidence.count() == 1
    assert stored_files(settings) == files_before
    services.request_changes(report, by=coordinator, comment="Pievienojiet foto.")
    assert upload(participant_client, report, "photo", png()).status_code == 201
    assert report.evidence.count() == 2


def test_no_upload_for_a_cancelled_mobility(report, participant_client: Client, coordinator) -> None:
    mobility_services.transition(report.mobility, "cancelled", by=coordinator, reason="Slimība")
    response = upload(participant_client, report, "certificate", pdf())
    assert response.status_code == 422
    assert not Evidence.objects.exists()


def test_only_the_participant_uploads(
    report,
    other_report,
    other_member,
    member_client: Client,
    coordinator_client: Client,
    auditor_client: Client,
    evaluator_client: Client,
    settings,
) -> None:
    # Those who may read the report but not act on it get 403; those who may not read it, 404.
    for client in (member_client, coordinator_client, auditor_client):
        assert upload(client, report, "certificate", pdf()).status_code == 403
    colleague = client_for(other_report.mobility.participant)
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    for client in (colleague, other_contact, evaluator_client):
        assert upload(client, report, "certificate", pdf()).status_code == 404
    assert upload(Client(), report, "certificate", pdf()).status_code == 401
    assert upload(colleague, report, "certificate", pdf()).json() == {"detail": "Nav atrasts."}
    assert not Evidence.objects.exists()
    assert not stored_files(settings)


def test_the_participant_removes_a_file(
    report, participant, participant_client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    photo = services.add_evidence(report, kind="photo", upload=png(), by=participant)
    name = photo.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = participant_client.delete(evidence_url(photo))
    assert response.status_code == 204
    assert not Evidence.objects.filter(pk=photo.pk).exists()
    assert not (settings.MEDIA_ROOT / name).exists()
    assert participant_client.delete(evidence_url(photo)).status_code == 404


def test_removing_is_refused_to_others_and_once_submitted(
    report,
    other_report,
    participant,
    participant_client: Client,
    member_client: Client,
    coordinator_client: Client,
    auditor_client: Client,
    evaluator_client: Client,
) -> None:
    photo = services.add_evidence(report, kind="photo", upload=png(), by=participant)
    for client in (member_client, coordinator_client, auditor_client):
        assert client.delete(evidence_url(photo)).status_code == 403
    colleague = client_for(other_report.mobility.participant)
    for client in (colleague, evaluator_client):
        assert client.delete(evidence_url(photo)).status_code == 404
    assert Client().delete(evidence_url(photo)).status_code == 401
    # Evidence addressed through another report is not found, even for someone who can read both.
    for client in (coordinator_client, colleague):
        assert client.delete(evidence_url(photo, report=other_report)).status_code == 404
    report = submitted_report(report)
    response = participant_client.delete(evidence_url(photo))
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["Atskaite ir iesniegta, un to vairs nevar mainīt."]}
    assert report.evidence.count() == 2


def test_files_are_downloaded_by_those_who_may_read_the_report(
    report,
    other_report,
    other_member,
    participant,
    participant_client: Client,
    coordinator_client: Client,
    auditor_client: Client,
    member_client: Client,
    evaluator_client: Client,
) -> None:
    evidence = services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    url = f"{evidence_url(evidence)}/file"
    for client in (participant_client, coordinator_client, auditor_client, member_client):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="apliecinajums.pdf"'
        assert response["Cache-Control"] == "private, no-store"
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    colleague = client_for(other_report.mobility.participant)
    for client in (evaluator_client, other_contact, colleague):
        assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 401
    assert coordinator_client.get(f"{evidence_url(evidence, report=other_report)}/file").status_code == 404
    assert coordinator_client.get(f"/api/v1/reports/{report.pk}/evidence/{2**63}/file").status_code == 422


def test_a_missing_file_is_404_not_500(report, participant: User, participant_client: Client) -> None:
    evidence = services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    evidence.file.storage.delete(evidence.file.name)
    assert participant_client.get(f"{evidence_url(evidence)}/file").status_code == 404
    assert participant_client.get(reverse("reporting:evidence", args=[evidence.pk])).status_code == 404


def test_the_schema_documents_the_evidence_operations(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    upload_body = paths["/api/v1/reports/{report_id}/evidence"]["post"]["requestBody"]["content"]
    form = upload_body["multipart/form-data"]["schema"]
    assert set(form["required"]) == {"kind", "file"}
    assert paths["/api/v1/reports/{report_id}/evidence/{evidence_id}"]["delete"]["responses"].keys() == {"204"}
    assert "get" in paths["/api/v1/reports/{report_id}/evidence/{evidence_id}/file"]
    assert {p["name"] for p in paths["/api/v1/reports"]["get"]["parameters"]} == {
        "status",
        "project",
        "overdue",
        "cursor",
        "limit",
    }

"""Evidence: PDF, JPEG or PNG by content, not too large, served only to those who may read the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_participant
from tilts.reporting import services
from tilts.reporting.models import Evidence
from tilts.reporting.tests.helpers import PDF, pdf, png, submitted_report

pytestmark = pytest.mark.django_db


def test_a_pdf_and_a_photo_are_kept(report, participant) -> None:
    certificate = services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    photo = services.add_evidence(report, kind="photo", upload=png(), by=participant)
    assert (certificate.content_type, photo.content_type) == ("application/pdf", "image/png")
    assert certificate.original_name == "apliecinajums.pdf"
    assert certificate.file.name.startswith(f"reports/{report.pk}/") and certificate.file.name.endswith(".pdf")
    with certificate.file.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.parametrize(
    ("kind", "upload"),
    [
        ("certificate", SimpleUploadedFile("apliecinajums.pdf", b"<html>not a pdf</html>", "application/pdf")),
        ("certificate", SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03", "application/pdf")),
        ("photo", SimpleUploadedFile("foto.jpg", PDF, "image/jpeg")),  # a PDF is not a photo
        ("photo", SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\nbroken", "image/png")),  # damaged image
        ("certificate", SimpleUploadedFile("tukss.pdf", b"", "application/pdf")),
    ],
)
def test_wrong_content_is_refused_and_nothing_is_kept(report, participant, kind, upload, settings) -> None:
    with pytest.raises(services.ValidationError) as error:
        services.add_evidence(report, kind=kind, upload=upload, by=participant)
    assert "file" in error.value.message_dict
    assert not Evidence.objects.exists()
    assert not list((settings.MEDIA_ROOT).rglob("*.*"))


def test_a_file_over_the_limit_is_refused(report, participant, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("liels.pdf", PDF + b"0" * 100, "application/pdf")
    with pytest.raises(services.ValidationError) as error:
        services.add_evidence(report, kind="certificate", upload=big, by=participant)
    assert "file" in error.value.message_dict
    assert not Evidence.objects.exists()


def test_upload_through_the_page(participant_client, report) -> None:
    url = reverse("reporting:evidence_upload", args=[report.pk])
    response = participant_client.post(url, {"kind": "certificate", "file": pdf()})
    assert response.status_code == 302
    assert report.evidence.count() == 1
    response = participant_client.post(url, {"kind": "certificate", "file": SimpleUploadedFile("a.pdf", b"nope")})
    assert response.status_code == 422
    assert "file" in response.context["evidence_form"].errors
    # With htmx only the evidence section comes back, with the error in it.
    response = participant_client.post(
        url, {"kind": "photo", "file": SimpleUploadedFile("a.png", b"nope")}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'id="evidence"' in response.content.decode()
    assert report.evidence.count() == 1


def test_files_are_served_only_to_those_who_may_read_the_report(
    report,
    participant_client,
    coordinator_client,
    auditor_client,
    member_client,
    evaluator_client,
    participant,
    other_member,
) -> None:
    evidence = services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    url = reverse("reporting:evidence", args=[evidence.pk])
    for client in (participant_client, coordinator_client, auditor_client, member_client):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
    other_contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member)
    colleague = make_participant(report.mobility.sending_organisation)
    for client in (evaluator_client, client_for(other_contact), client_for(colleague)):
        assert client.get(url).status_code == 404
    assert client_for(colleague).get(reverse("reporting:evidence", args=[evidence.pk + 1000])).status_code == 404


def test_evidence_is_deleted_while_the_report_is_editable(
    participant_client, report, participant, settings, django_capture_on_commit_callbacks
) -> None:
    photo = services.add_evidence(report, kind="photo", upload=png(), by=participant)
    name = photo.file.name
    assert (settings.MEDIA_ROOT / name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = participant_client.post(reverse("reporting:evidence_delete", args=[photo.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=photo.pk).exists()
    assert not (settings.MEDIA_ROOT / name).exists()


def test_evidence_stays_once_submitted(participant_client, coordinator_client, report, participant) -> None:
    report = submitted_report(report)
    certificate = report.evidence.get()
    for client in (participant_client, coordinator_client):
        assert client.post(reverse("reporting:evidence_delete", args=[certificate.pk])).status_code == 403
    with pytest.raises(services.ValidationError):
        services.delete_evidence(certificate, by=participant)
    with pytest.raises(services.ValidationError):
        services.add_evidence(report, kind="photo", upload=png(), by=participant)
    assert report.evidence.count() == 1

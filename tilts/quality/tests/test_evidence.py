from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tilts.accounts.models import User
from tilts.consortium.models import Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup.tests.helpers import followup, mobility
from tilts.projects.models import Project
from tilts.quality.models import AnswerEvidence, Review


def _answer_url(review: Review, organisation: Organisation, code: str) -> str:
    return f"/quality/answers/{review.answers.get(organisation=organisation, item__code=code).pk}/"


def test_a_member_links_its_follow_up_as_evidence(
    review: Review, member: Organisation, member_client: Client, project: Project, goals: list
) -> None:
    workshop = followup([mobility(project, member)], goals[:1])
    url = _answer_url(review, member, "4.1")
    response = member_client.post(url, {"kind": "followup", "object_id": workshop.pk})
    assert response.status_code == 302
    evidence = AnswerEvidence.objects.get()
    assert evidence.label == workshop.title
    page = member_client.get(url).content.decode()
    assert f'href="/follow-up/{workshop.pk}/"' in page


def test_another_institutions_record_cannot_be_cited(
    review: Review,
    member: Organisation,
    other_member: Organisation,
    member_client: Client,
    project: Project,
    goals: list,
) -> None:
    theirs = followup([mobility(project, other_member)], goals[:1])
    response = member_client.post(_answer_url(review, member, "4.1"), {"kind": "followup", "object_id": theirs.pk})
    assert response.status_code == 422
    assert "Tāda ieraksta nav" in response.content.decode()
    assert not AnswerEvidence.objects.exists()


def test_a_document_is_uploaded_and_only_its_institution_downloads_it(
    review: Review,
    member: Organisation,
    member_client: Client,
    other_member: Organisation,
    coordinator: User,
    pdf_bytes: bytes,
) -> None:
    url = _answer_url(review, member, "4.3")
    upload = SimpleUploadedFile("plakāts.pdf", pdf_bytes, content_type="application/pdf")
    assert member_client.post(url, {"kind": "file", "file": upload, "label": "Plakāts ar ES logo"}).status_code == 302
    evidence = AnswerEvidence.objects.get()
    download = member_client.get(f"/quality/evidence/{evidence.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "Plak%C4%81ts%20ar%20ES%20logo.pdf" in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"  # served by tilts.core.downloads, as every private file
    from tilts.accounts.tests.factories import UserFactory

    stranger = client_for(UserFactory(role="member_contact", organisation=other_member))
    assert stranger.get(f"/quality/evidence/{evidence.pk}/file/").status_code == 404
    assert client_for(coordinator).get(f"/quality/evidence/{evidence.pk}/file/").status_code == 200


def test_a_file_that_is_not_a_document_is_refused(review: Review, member: Organisation, member_client: Client) -> None:
    upload = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = member_client.post(_answer_url(review, member, "4.3"), {"kind": "file", "file": upload})
    assert response.status_code == 422
    assert not AnswerEvidence.objects.exists()


def test_a_web_link_needs_an_address_and_a_description(
    review: Review, member: Organisation, member_client: Client
) -> None:
    url = _answer_url(review, member, "4.2")
    assert member_client.post(url, {"kind": "link", "url": "https://lnb.lv/erasmus"}).status_code == 422
    ok = {"kind": "link", "url": "https://lnb.lv/erasmus", "label": "Publikācija"}
    assert member_client.post(url, ok).status_code == 302
    evidence = AnswerEvidence.objects.get()
    assert member_client.post(f"/quality/evidence/{evidence.pk}/delete/").status_code == 302
    assert not AnswerEvidence.objects.exists()


def test_the_auditor_adds_no_evidence(review: Review, member: Organisation, auditor_client: Client) -> None:
    # The auditor reads the answer but may not add to it: 403.
    ok = {"kind": "link", "url": "https://lnb.lv/erasmus", "label": "Publikācija"}
    assert auditor_client.post(_answer_url(review, member, "4.2"), ok).status_code == 403
    assert not AnswerEvidence.objects.exists()


def test_the_answers_page_counts_evidence_with_latvian_plurals(
    review: Review, member: Organisation, member_client: Client
) -> None:
    url = _answer_url(review, member, "4.2")
    member_client.post(url, {"kind": "link", "url": "https://lnb.lv/a", "label": "Raksts"})
    page = member_client.get(f"/quality/reviews/{review.pk}/institution/{member.pk}/").content.decode()
    assert "1 pierādījums" in page and "0 pierādījumu" in page

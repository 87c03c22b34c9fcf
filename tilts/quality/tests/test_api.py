import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.models import Mobility
from tilts.projects.models import Project
from tilts.quality.models import AnswerEvidence, Review, SupportChecklist

API = "/api/v1/quality"


def _put(client: Client, url: str, body: dict) -> object:
    return client.put(url, json.dumps(body), content_type="application/json")


def _post(client: Client, url: str, body: dict) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_standards_and_measures_for_readers(member_client: Client, participant: User, evaluator: User) -> None:
    items = member_client.get(f"{API}/standards").json()
    assert len(items) == 18 and items[0]["code"] == "1.1" and items[0]["guide_year"] == 2021
    measures = {m["code"]: m for m in member_client.get(f"{API}/measures").json()}
    assert measures["preparation"]["of"] == 0 and measures["colleagues_reached"]["of"] is None
    assert client_for(participant).get(f"{API}/standards").status_code == 403
    assert client_for(evaluator).get(f"{API}/measures").status_code == 403


def test_the_coordinator_opens_and_closes_a_review(coordinator_client: Client, member: Organisation) -> None:
    body = {"title": "2026 Q1", "period_start": "2026-01-01", "period_end": "2026-03-31", "due_date": "2026-03-31"}
    created = _post(coordinator_client, f"{API}/reviews", body)
    assert created.status_code == 201
    review_id = created.json()["id"]
    again = _post(coordinator_client, f"{API}/reviews", body)
    assert again.status_code == 422 and "__all__" in again.json()["errors"]
    listed = coordinator_client.get(f"{API}/reviews").json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "open"
    closed = coordinator_client.post(f"{API}/reviews/{review_id}/close")
    assert closed.json()["status"] == "closed"


def test_a_member_contact_answers_with_evidence_and_sees_only_their_answers(
    review: Review,
    member: Organisation,
    other_member: Organisation,
    member_client: Client,
    project: Project,
    goals: list,
    pdf_bytes: bytes,
) -> None:
    answers = member_client.get(f"{API}/reviews/{review.pk}/answers").json()
    assert answers["count"] == 18 and {a["organisation_id"] for a in answers["items"]} == {member.pk}
    answer_id = next(a["id"] for a in answers["items"] if a["item_code"] == "4.1")
    saved = _put(member_client, f"{API}/answers/{answer_id}", {"status": "partly", "owner": "Anna"})
    assert saved.status_code == 200 and saved.json()["status"] == "partly"
    bad = _put(member_client, f"{API}/answers/{answer_id}", {"status": "maybe"})
    assert bad.status_code == 422 and "status" in bad.json()["errors"]
    workshop = followup([mobility(project, member)], goals[:1])
    linked = _post(member_client, f"{API}/answers/{answer_id}/evidence", {"kind": "followup", "object_id": workshop.pk})
    assert linked.status_code == 201 and linked.json()["url"] == f"/follow-up/{workshop.pk}/"
    upload = member_client.post(
        f"{API}/answers/{answer_id}/evidence/file",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes), "label": "Apmeklējuma saraksts"},
    )
    assert upload.status_code == 201 and upload.json()["url"].endswith("/file/")
    assert AnswerEvidence.objects.filter(answer_id=answer_id).count() == 2
    theirs = review.answers.filter(organisation=other_member).first()
    assert member_client.get(f"{API}/answers/{theirs.pk}").status_code == 404
    assert _put(member_client, f"{API}/answers/{theirs.pk}", {"status": "met"}).status_code == 404
    evidence = AnswerEvidence.objects.first()
    assert member_client.delete(f"{API}/evidence/{evidence.pk}").status_code == 204


def test_the_auditor_reads_answers_and_cannot_change_them(review: Review, auditor_client: Client) -> None:
    answers = auditor_client.get(f"{API}/reviews/{review.pk}/answers?page=1").json()
    assert answers["count"] == 3 * 18
    answer_id = answers["items"][0]["id"]
    assert _put(auditor_client, f"{API}/answers/{answer_id}", {"status": "met"}).status_code == 403
    assert auditor_client.post(f"{API}/reviews/{review.pk}/close").status_code == 403


def test_participants_see_no_reviews(review: Review, participant: User) -> None:
    client = client_for(participant)
    assert client.get(f"{API}/reviews/{review.pk}").status_code == 404
    assert client.get(f"{API}/reviews").status_code == 403


def test_the_support_checklist_over_the_api(
    own_mobility: Mobility, participant: User, project: Project, other_member: Organisation, consortium: Consortium
) -> None:
    client = client_for(participant)
    url = f"{API}/mobilities/{own_mobility.pk}/support"
    assert client.get(url).json()["insurance"] is False
    saved = _put(client, url, {"insurance": True, "preparation": True, "mentor_name": "Marie Dupont"})
    assert saved.status_code == 200 and saved.json()["mentor_name"] == "Marie Dupont"
    assert SupportChecklist.objects.get().preparation
    stranger = mobility(project, other_member)
    assert client.get(f"{API}/mobilities/{stranger.pk}/support").status_code == 404


def test_the_coordinator_adds_an_item_over_the_api(coordinator_client: Client, member_client: Client) -> None:
    body = {"code": "3.7", "area": 3, "title_lv": "Mentoru apmācība", "title_en": "Mentor training"}
    created = _post(coordinator_client, f"{API}/standards", body)
    assert created.status_code == 201 and created.json()["custom"] is True
    duplicate = _post(coordinator_client, f"{API}/standards", body)
    assert duplicate.status_code == 422 and "code" in duplicate.json()["errors"]
    assert _post(member_client, f"{API}/standards", {**body, "code": "3.8"}).status_code == 403


def test_an_evaluator_reads_no_checklist(own_mobility: Mobility, evaluator: User) -> None:
    assert client_for(evaluator).get(f"{API}/mobilities/{own_mobility.pk}/support").status_code == 404

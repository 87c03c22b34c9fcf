import io
import re
import zipfile

import pytest
from django.test import Client
from pypdf import PdfReader

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup.tests.helpers import followup, mobility
from tilts.projects.models import Project
from tilts.quality import services
from tilts.quality.models import PackJob, Review

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _tasks_at_once(settings: pytest.FixtureRequest) -> None:
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}  # type: ignore[attr-defined]


@pytest.fixture
def answered(review: Review, member: Organisation, member_contact: User, project: Project, goals: list) -> Review:
    first = mobility(project, member, goals=goals[:1])
    workshop = followup([first], goals[:1], attendees=23)
    answer = review.answers.get(organisation=member, item__code="4.1")
    services.save_answer(answer, by=member_contact, status="met", notes="Darbnīcas novadā")
    services.add_evidence(answer, by=member_contact, kind="followup", object_id=workshop.pk)
    return review


def _download(client: Client, job: PackJob, kind: str) -> bytes:
    response = client.get(f"/quality/packs/{job.pk}/{kind}/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_pack_is_built_with_the_dashboards_numbers(
    answered: Review, coordinator: User, member: Organisation, consortium: Consortium
) -> None:
    client = client_for(coordinator)
    response = client.post("/quality/packs/", {"language": "lv"})
    job = PackJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/quality/packs/{job.pk}/")
    assert (job.status, job.progress) == ("done", 100)
    dashboard = client.get("/follow-up/goals/").context
    colleagues = str(dashboard["total"].colleagues)
    assert colleagues == "23"

    pdf = PdfReader(io.BytesIO(_download(client, job, "pdf")))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())  # table cells wrap lines
    assert "Akreditācijas progresa ziņojums" in text
    assert member.legal_name in text and "Darbnīcas novadā" in text
    assert re.search(rf"Kopā\s+1\s+1\s+{colleagues}", text)

    archive = zipfile.ZipFile(io.BytesIO(_download(client, job, "odt")))
    assert archive.namelist()[0] == "mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    content = archive.read("content.xml").decode()
    rows = [
        re.findall(r"<text:p>(.*?)</text:p>", row)
        for row in re.findall(r"<table:table-row>(.*?)</table:table-row>", content)
    ]
    assert ["Kopā", "1", "1", colleagues] in rows
    assert "Darbnīca par digitalizāciju" in content  # the evidence's label


def test_the_pack_in_english(answered: Review, auditor: User) -> None:
    client = client_for(auditor)
    client.post("/quality/packs/", {"language": "en"})
    job = PackJob.objects.get()
    content = zipfile.ZipFile(io.BytesIO(_download(client, job, "odt"))).read("content.xml").decode()
    assert "Accreditation progress report" in content and "Quality standards" in content


def test_only_the_coordinator_and_auditors_build_packs_and_each_sees_their_own(
    answered: Review, coordinator: User, auditor: User, member_client: Client
) -> None:
    assert member_client.post("/quality/packs/", {"language": "lv"}).status_code == 403
    assert not PackJob.objects.exists()
    client_for(coordinator).post("/quality/packs/", {"language": "lv"})
    job = PackJob.objects.get()
    assert client_for(auditor).get(f"/quality/packs/{job.pk}/").status_code == 404
    assert member_client.get(f"/quality/packs/{job.pk}/pdf/").status_code == 403


def test_a_language_that_is_not_offered_is_refused(coordinator_client: Client, consortium: Consortium) -> None:
    response = coordinator_client.post("/quality/packs/", {"language": "de"}, follow=True)
    assert "Izvēlieties latviešu vai angļu valodu." in response.content.decode()
    assert not PackJob.objects.exists()


def test_a_job_is_built_once(answered: Review, coordinator: User, consortium: Consortium) -> None:
    job = services.start_pack(consortium, by=coordinator, language="lv")
    assert services.run_pack(job.pk) is None  # already built by the immediate backend

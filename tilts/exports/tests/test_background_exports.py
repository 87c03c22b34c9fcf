"""Background exports: the job's states and progress, the page polling it, the file, the API, pruning."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from openpyxl import load_workbook

from tilts.exports import services
from tilts.exports.models import ExportJob, ExportStatus
from tilts.exports.tests.conftest import IMMEDIATE
from tilts.exports.tests.helpers import awarded, make_mobility, read_csv, row_pks
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


@pytest.fixture
def mobility(project, member, goals, coordinator):
    return make_mobility(project, member, goals, by=coordinator)


def test_the_test_backend_exists_in_the_installed_django_tasks() -> None:
    assert import_string(IMMEDIATE).__name__ == "ImmediateBackend"


def test_job_goes_from_queued_through_running_to_done(project, mobility, coordinator, monkeypatch) -> None:
    seen: list[tuple[str, int]] = []
    original = services._set_progress

    def spy(job: ExportJob, value: int) -> None:
        original(job, value)
        row = ExportJob.objects.get(pk=job.pk)
        seen.append((row.status, row.progress))

    monkeypatch.setattr(services, "_set_progress", spy)
    job = services.start_export(coordinator, project, "xlsx")
    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == (ExportStatus.DONE, 100, "")
    assert job.finished_at is not None and job.language == "lv"
    assert seen and all(status == ExportStatus.RUNNING for status, _ in seen)
    assert [p for _, p in seen] == sorted(p for _, p in seen) and seen[-1][1] == 90
    book = load_workbook(io.BytesIO(job.file.read()))
    assert book.sheetnames[0] == "Mobilitātes"


def test_a_job_is_run_once(project, mobility, coordinator) -> None:
    job = services.start_export(coordinator, project, "csv")
    assert services.run_job(job.pk) is None  # already done: a second delivery changes nothing
    assert ExportJob.objects.get().status == ExportStatus.DONE


def test_a_failing_export_is_marked_failed_with_a_reason(project, mobility, coordinator, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "build_csv", broken)
    job = services.start_export(coordinator, project, "csv")
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.error and "disk full" not in job.error
    assert not job.file and job.finished_at is not None


def test_large_projects_go_to_the_background(coordinator_client, project, mobility, settings) -> None:
    settings.EXPORT_INLINE_LIMIT = 1
    url = reverse("exports:start", args=[project.pk])
    response = coordinator_client.post(url, {"kind": "csv", "background": "0"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:job", args=[job.pk])
    page = coordinator_client.get(reverse("exports:job", args=[job.pk]))
    assert '<progress id="job-progress-bar" max="100" value="100">' in page.text
    assert 'hx-trigger="every 2s"' not in page.text  # finished: polling stops
    download = coordinator_client.get(reverse("exports:file", args=[job.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="beneficiary-module-2025-{project.pk}.csv"'
    rows = read_csv(b"".join(download.streaming_content))
    assert row_pks(rows) == [mobility.pk]


def test_the_page_polls_while_the_job_runs(coordinator_client, coordinator, project) -> None:
    job = ExportJob.objects.create(created_by=coordinator, project=project, kind="csv", status="running", progress=40)
    page = coordinator_client.get(reverse("exports:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in page.text and 'value="40"' in page.text and "40 %" in page.text
    assert "<html" not in page.text  # the fragment only
    assert coordinator_client.get(reverse("exports:file", args=[job.pk])).status_code == 404  # not ready


def test_api_creates_a_job_and_reports_it(coordinator_client, project, mobility) -> None:
    response = coordinator_client.post(f"/api/v1/projects/{project.pk}/exports", {"kind": "csv"}, "application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["progress"], body["kind"]) == ("done", 100, "csv")
    assert body["download_url"] == f"/api/v1/exports/{body['id']}/file"
    assert coordinator_client.get(f"/api/v1/exports/{body['id']}").json()["status"] == "done"
    rows = read_csv(b"".join(coordinator_client.get(body["download_url"]).streaming_content))
    assert row_pks(rows) == [mobility.pk]
    bad = coordinator_client.post(f"/api/v1/projects/{project.pk}/exports", {"kind": "pdf"}, "application/json")
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    assert (
        coordinator_client.post("/api/v1/projects/987654/exports", {"kind": "csv"}, "application/json").status_code
        == 404
    )


def test_prune_deletes_week_old_jobs_and_files_and_is_idempotent(project, mobility, coordinator) -> None:
    old = services.start_export(coordinator, project, "csv")
    recent = services.start_export(coordinator, project, "csv")
    old.refresh_from_db()
    path = old.file.path
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert "1" in out.getvalue()
    assert list(ExportJob.objects.all()) == [recent]
    import os

    assert not os.path.exists(path)
    assert services.prune_exports() == 0
    call_command("prune_exports", stdout=io.StringIO())
    assert list(ExportJob.objects.all()) == [recent]

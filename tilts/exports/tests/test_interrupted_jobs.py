"""A background export whose worker dies is tried again a few times, then failed with a message; a stored file
is handed out only while its requester still sees what it holds."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tilts.core.tests.fixtures import client_for
from tilts.exports import services
from tilts.exports.models import ExportJob, ExportStatus
from tilts.exports.tests.helpers import awarded, make_mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium, member, goals, coordinator):
    project = awarded(make_project(consortium))  # the module file needs the grant agreement number
    make_mobility(project, member, goals, by=coordinator)
    return project


def killed_mid_way(project, user, attempts: int = 1) -> ExportJob:
    """What a worker leaves behind when it is killed while building the file."""
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    return ExportJob.objects.create(
        created_by=user,
        project=project,
        kind="csv",
        status=ExportStatus.RUNNING,
        progress=40,
        attempts=attempts,
        heartbeat_at=long_ago,
    )


def test_a_stale_job_is_run_again(project, coordinator) -> None:
    job = killed_mid_way(project, coordinator)
    assert services.recover_stale_jobs() == {"retried": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (ExportStatus.DONE, 100, 2)  # the tests' tasks run at once
    assert job.file


def test_a_job_still_alive_is_left_alone(project, coordinator) -> None:
    job = killed_mid_way(project, coordinator)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    assert services.recover_stale_jobs() == {"retried": 0, "failed": 0}
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING


def test_after_the_last_attempt_the_page_says_so_and_offers_a_new_export(settings, project, coordinator) -> None:
    job = killed_mid_way(project, coordinator, attempts=settings.EXPORT_MAX_ATTEMPTS)
    assert services.recover_stale_jobs() == {"retried": 0, "failed": 1}
    page = client_for(coordinator).get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "tika mēģināts 3 reizes" in page
    assert reverse("exports:project", args=[project.pk]) in page


def test_a_stored_file_follows_the_requesters_current_scope(project, member_contact, other_member) -> None:
    client: Client = client_for(member_contact)
    job = services.start_export(member_contact, project, "csv")
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert client.get(reverse("exports:file", args=[job.pk])).status_code == 200
    member_contact.organisation = other_member  # moved to another institution
    member_contact.save()
    assert client.get(reverse("exports:file", args=[job.pk])).status_code == 404

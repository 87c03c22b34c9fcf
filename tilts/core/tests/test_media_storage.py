"""Media on another storage backend (S3 for several app servers): chosen by the environment, files stay private
and reach people only through the app's views, which read them through the storage, never from a path."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.storage import TransactionalMixin
from tilts.mobility.models import MobilityImport
from tilts.mobility.tests.factories import make_participant, make_project

ROOT = Path(__file__).resolve().parents[3]


class TransactionalMemoryStorage(TransactionalMixin, InMemoryStorage):
    """A storage with no directory at all, as an object store is for the app."""


def settings_in(environment: dict[str, str]) -> str:
    code = "from django.conf import settings; s = settings.STORAGES['default']; print(s['BACKEND'], s.get('OPTIONS'))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tilts.settings", **environment}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_environment_chooses_an_s3_bucket_for_media() -> None:
    assert settings_in({"AWS_STORAGE_BUCKET_NAME": ""}).startswith("tilts.core.storage.TransactionalFileSystemStorage")
    printed = settings_in(
        {
            "AWS_STORAGE_BUCKET_NAME": "tilts-media",
            "AWS_S3_ENDPOINT_URL": "https://minio.example.lv",
            "AWS_S3_ADDRESSING_STYLE": "path",
        }
    )
    assert printed.startswith("tilts.core.s3.TransactionalS3Storage")
    assert "'bucket_name': 'tilts-media'" in printed and "'endpoint_url': 'https://minio.example.lv'" in printed
    assert "'default_acl': None" in printed and "'querystring_auth': True" in printed  # private, never public-read


def test_the_s3_storage_keeps_the_rollback_cleanup() -> None:
    from storages.backends.s3 import S3Storage

    from tilts.core.s3 import TransactionalS3Storage

    assert issubclass(TransactionalS3Storage, TransactionalMixin) and issubclass(TransactionalS3Storage, S3Storage)


@pytest.mark.django_db
def test_uploads_and_downloads_work_without_a_directory(
    settings, coordinator_client: Client, consortium: Consortium, member: Organisation, goals: list[Goal]
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.TransactionalMemoryStorage"},
    }
    storages._storages = {}  # the next access builds the storage from the settings above
    try:
        project = make_project(consortium)
        person = make_participant(member)
        content = f"Dalībnieka e-pasts;Sākums\n{person.email};nav\n".encode()
        coordinator_client.post(
            f"/mobilities/project/{project.pk}/import/", {"file": SimpleUploadedFile("m.csv", content)}
        )
        job = MobilityImport.objects.get()
        assert isinstance(job.file.storage, InMemoryStorage) and job.file.storage.exists(job.file.name)
        response = coordinator_client.get(f"/mobilities/imports/{job.pk}/problems.xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert "Trūkst kolonnu" in sheet.cell(2, 2).value
    finally:
        storages._storages = {}

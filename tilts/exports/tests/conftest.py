"""Exports' tests run background tasks at once (django-tasks' immediate backend) and keep files in a temp dir."""

from pathlib import Path

import pytest

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _tasks_at_once_and_private_files(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
